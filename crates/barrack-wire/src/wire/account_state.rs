//! The whole account as wire objects: what the emulator's `GET /_sim/state` returns and
//! `PUT /_sim/state` (or `SimHandle::seed`) accepts, so an emulator can be seeded from a
//! real account's listing (a rehearsal), ids preserved.

use serde::{Deserialize, Serialize};

use super::{Firewall, GpuStock, Image, Instance, Script, Snapshot, SshKey, Volume};

/// Every resource of every kind, the GPU stock and the balance of one account.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AccountState {
    pub instances: Vec<Instance>,
    pub volumes: Vec<Volume>,
    pub firewalls: Vec<Firewall>,
    pub ssh_keys: Vec<SshKey>,
    pub scripts: Vec<Script>,
    pub snapshots: Vec<Snapshot>,
    pub images: Vec<Image>,
    /// Remaining credit, USD; `None` when unknown (the emulator keeps its seed balance).
    pub balance: Option<f64>,
    /// GPU stock per region and model; a region and model left out keeps the seed stock.
    pub stock: Vec<GpuStock>,
    /// Simulated milliseconds since the account was created (read only: a seed ignores it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_ms: Option<u64>,
}
