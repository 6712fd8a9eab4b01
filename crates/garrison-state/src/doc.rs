//! The state document: what Garrison believes exists, as of one serial.

use std::collections::BTreeMap;

use garrison_core::{Kind, RemoteId, StateKey};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::journal::Intent;

/// The state format version this crate writes and the newest it reads. Version 2 (seals
/// are salted argon2id, `sha256:` seals of version 1 are still verified) reads version 1.
pub const FORMAT_VERSION: u32 = 2;

/// One state document: resources by address, outputs, and operations that may have started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateDoc {
    /// Always [`FORMAT_VERSION`] when written by this crate.
    pub format_version: u32,
    /// Identity of this state's history; a new lineage is a different state.
    pub lineage: Uuid,
    /// Bumped once per persisted change.
    pub serial: u64,
    /// Resources by the spelling of their [`StateKey`] (`vm.trainer`, `vm.x (deposed 42)`),
    /// each carrying its key again.
    #[serde(default)]
    pub resources: BTreeMap<String, ResourceState>,
    /// Output values by name.
    #[serde(default)]
    pub outputs: BTreeMap<String, OutputState>,
    /// Intents carried over from the journal with no completion yet: the operation may or
    /// may not have happened remotely, and the engine must resolve it (look the unique name
    /// up and adopt, or record that it did not happen). Omitted from the file when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Intent>,
}

impl StateDoc {
    /// An empty document with a new lineage at serial 0.
    pub fn fresh() -> Self {
        Self {
            format_version: FORMAT_VERSION,
            lineage: Uuid::new_v4(),
            serial: 0,
            resources: BTreeMap::new(),
            outputs: BTreeMap::new(),
            pending: Vec::new(),
        }
    }
}

/// What Garrison knows about one remote resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceState {
    /// Config address, e.g. `vm.trainer`, or a deposed key (`vm.x (deposed 42)`); its
    /// spelling is its key in [`StateDoc::resources`].
    pub address: StateKey,
    /// Resource kind, e.g. `vm`, `volume`.
    pub kind: Kind,
    /// The id the cloud gave it.
    pub remote_id: RemoteId,
    /// The unique cloud name.
    pub name: String,
    /// Region, empty for global kinds.
    #[serde(default)]
    pub region: String,
    /// Attributes as last read from the API; opaque to this crate.
    #[serde(default)]
    pub attributes: serde_json::Map<String, serde_json::Value>,
    /// Hashes of inputs the API never returns, e.g. `cloud-init` -> sha256 hex.
    #[serde(default)]
    pub input_hashes: BTreeMap<String, String>,
    /// Addresses this resource depends on (used to order deletes once it leaves the config).
    #[serde(default)]
    pub dependencies: Vec<String>,
    /// Refuse deletes and replaces.
    #[serde(default)]
    pub protect: bool,
    /// A generated ssh key whose private key never reached Garrison (its create's answer
    /// was lost and the key adopted by name): nobody can log in with it, so the plan
    /// replaces it. Omitted from the file when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub private_key_lost: bool,
    /// A VM whose `ready-when` command did not succeed after its create (like Terraform's
    /// tainted resource): the next plan replaces it, so what depends on it (a snapshot of a
    /// provisioned builder) never uses an unready one. Omitted from the file when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_ready: bool,
    /// When Garrison created or adopted it (RFC 3339).
    #[serde(default)]
    pub created_at: String,
}

/// One output value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputState {
    /// The value.
    pub value: serde_json::Value,
    /// Render as `(sensitive)`.
    #[serde(default)]
    pub sensitive: bool,
}
