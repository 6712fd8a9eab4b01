//! Volumes: statuses, the volume object and its requests.

use serde::{Deserialize, Serialize};

use crate::id::Id;

/// Volume statuses (lower case on the wire).
pub mod volume_status {
    pub const CREATING: &str = "creating";
    pub const AVAILABLE: &str = "available";
    pub const IN_USE: &str = "in-use";
    pub const DELETING: &str = "deleting";
    pub const ERROR: &str = "error";
}

/// A volume.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Volume {
    pub id: Id,
    pub name: String,
    pub region: String,
    /// GB.
    pub size: u64,
    pub volume_type: String,
    pub bootable: bool,
    pub image_name: Option<String>,
    pub description: String,
    /// See [`volume_status`].
    pub status: String,
    /// The instance it is attached to, if any.
    pub instance_id: Option<Id>,
    pub created_at: String,
}

/// `POST /volumes` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct CreateVolumeRequest {
    pub name: String,
    pub region: String,
    /// GB: 10..=1_048_576, bootable >= 100.
    pub size: u64,
    pub volume_type: String,
    pub bootable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_name: Option<String>,
    pub description: String,
}

/// `POST /volumes/{id}/resize` body (grow only).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ResizeVolumeRequest {
    pub size: u64,
}

/// `POST /volumes/{id}/clone` and `POST /snapshots/{id}/restore` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct NameRequest {
    pub name: String,
}
