//! Snapshots of instances: statuses (shared with images), the snapshot and its requests.

use serde::{Deserialize, Serialize};

use crate::id::Id;

/// Snapshot and image statuses.
pub mod snapshot_status {
    pub const CREATING: &str = "CREATING";
    pub const SUCCESS: &str = "SUCCESS";
    pub const ERROR: &str = "ERROR";
}

/// A snapshot of an instance.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Snapshot {
    pub id: Id,
    pub name: String,
    pub region: String,
    pub instance_id: Option<Id>,
    pub description: String,
    /// See [`snapshot_status`].
    pub status: String,
    pub size_gb: u64,
    pub created_at: String,
}

/// `POST /snapshots` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct CreateSnapshotRequest {
    pub instance_id: Id,
    pub name: String,
    pub description: String,
}

/// `POST /snapshots/image-relationships` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SnapshotIdsRequest {
    pub snapshot_ids: Vec<Id>,
}
