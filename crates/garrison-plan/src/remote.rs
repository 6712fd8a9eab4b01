//! What the engine's refresh saw in the cloud: the planner's third input.

use std::collections::BTreeMap;

use garrison_config::model::Kind;
use serde::{Deserialize, Serialize};

use crate::desired::Attrs;

/// One resource of the state, as the cloud has it now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "observed", rename_all = "kebab-case")]
pub enum Observed {
    /// It exists; `attrs` use the names of `schema.rs`, links as remote ids.
    Present {
        /// Its attributes as read.
        attrs: Attrs,
    },
    /// It was deleted outside Garrison.
    Gone,
}

/// What an `import` block found in the account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "found", rename_all = "kebab-case")]
pub enum ImportFound {
    /// The object, observed as a state resource is (links as remote ids).
    Object {
        remote_id: String,
        name: String,
        region: String,
        /// When the cloud created it (RFC 3339), when it says.
        #[serde(default)]
        created_at: String,
        attrs: Attrs,
    },
    /// Nothing of that kind with that id or name.
    Missing,
}

/// GPUs free to deploy in one region, of one model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stock {
    pub region: String,
    pub gpu_model: String,
    pub available: u32,
}

/// Prices, from the pricing routes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    /// USD per GPU-hour by model.
    pub gpu_per_hour: BTreeMap<String, f64>,
    /// USD per hour for a hibernated VM.
    pub hibernated_per_hour: f64,
    /// USD per TB-hour of provisioned volume.
    pub volume_per_tb_hour: f64,
    /// USD per GB-hour of snapshot storage.
    #[serde(default)]
    pub snapshot_per_gb_hour: f64,
    /// USD per GB-hour of custom image storage.
    #[serde(default)]
    pub image_per_gb_hour: f64,
}

/// Everything refresh learned. `Default` is the offline view (`--refresh=false`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoteView {
    /// Whether the cloud was read at all; when false, state attributes stand in for it.
    pub refreshed: bool,
    /// Per state address (`vm.trainer[0]`).
    pub resources: BTreeMap<String, Observed>,
    /// Resources in the account that the state does not know, by kind and unique name,
    /// with their remote id: a create under one of these names would collide.
    pub unmanaged: BTreeMap<Kind, BTreeMap<String, String>>,
    /// The `created_at` of each of `unmanaged`, by kind and name (for name conflicts).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unmanaged_created_at: BTreeMap<Kind, BTreeMap<String, String>>,
    /// What each `import` block of the config found, by its target address.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub imports: BTreeMap<String, ImportFound>,
    /// GPU stock, when read.
    pub stock: Option<Vec<Stock>>,
    /// Prices, when read.
    pub prices: Option<Prices>,
}
