//! What a planning run is asked to do besides "make the cloud match the config": destroy
//! everything, replace named objects, limit itself to part of the config, or only accept
//! drift. A saved plan carries its options, so applying it plans the same way again.

use garrison_config::model::Address;
use garrison_core::Target;
use serde::{Deserialize, Serialize};

/// Options of one planning run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Plan to destroy every resource in the state.
    #[serde(default)]
    pub destroy: bool,
    /// `--replace ADDR`: replace these objects even though nothing forces it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replace: Vec<Address>,
    /// `--target ADDR`: only these (block, instance or module addresses) and what they
    /// depend on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target: Vec<Target>,
    /// `--exclude ADDR`: everything but these and what depends on them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<Target>,
    /// `--refresh-only`: no change to the cloud; the drift is accepted into the state.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refresh_only: bool,
}

impl PlanOptions {
    /// Only part of the config is planned (`--target` or `--exclude`).
    pub fn is_partial(&self) -> bool {
        !self.target.is_empty() || !self.exclude.is_empty()
    }

    /// Whether `address` is named by `list` (a block address names all its instances).
    pub fn names(list: &[Address], address: &Address) -> bool {
        list.iter().any(|a| a.names(address))
    }

    /// Whether `address` is covered by `list` (`--target`, `--exclude`).
    pub fn covers(list: &[Target], address: &Address) -> bool {
        list.iter().any(|t| t.covers(address))
    }
}
