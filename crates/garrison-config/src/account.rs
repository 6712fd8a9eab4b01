//! What the account holds, as object data sources read it (docs/language.md, "Data
//! sources"): the objects of the kinds a config's `data` blocks name (one paginated list
//! per kind, read by the engine at plan time) and the GPU stock. A value, not a client:
//! this crate does no HTTP.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{Kind, RemoteId};

/// The objects (and stock) the account held when it was read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Every object of the kinds read, whoever made it.
    #[serde(default)]
    pub objects: Vec<AccountObject>,
    /// GPUs available now, per region and model.
    #[serde(default)]
    pub stock: Vec<StockLine>,
}

/// One object in the account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountObject {
    /// Its kind.
    pub kind: Kind,
    /// Its remote id.
    pub id: RemoteId,
    /// Its cloud name.
    pub name: String,
    /// Its region (empty for SSH keys, which are account-wide).
    #[serde(default)]
    pub region: String,
    /// Its attributes as plans name them (`id`, `name`, `region`, `size-gb`, `status`, ...).
    #[serde(default)]
    pub attrs: Map<String, Value>,
}

/// GPUs of one model available in one region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLine {
    /// The region.
    pub region: String,
    /// The GPU model.
    pub gpu_model: String,
    /// GPUs available.
    pub available: u32,
}

/// What a config's data sources need read from the account: the object kinds, and
/// whether the stock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountNeeds {
    /// Object kinds a `data` block reads.
    pub kinds: BTreeSet<Kind>,
    /// A `data "gpu-stock"` block is declared.
    pub stock: bool,
}

impl AccountNeeds {
    /// Nothing to read.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty() && !self.stock
    }
}
