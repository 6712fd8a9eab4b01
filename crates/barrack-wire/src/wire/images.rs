//! Custom images made from snapshots, and the snapshot-to-image relationship.

use serde::{Deserialize, Serialize};

use crate::id::Id;

/// `POST /snapshots/{id}/image` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct CreateImageRequest {
    pub name: String,
    pub description: String,
}

/// `GET /snapshots/{id}/image-relationship` -> `relationship`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ImageRelationship {
    pub snapshot_id: Id,
    pub image_ids: Vec<Id>,
}

/// A custom image, made from a snapshot.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Image {
    pub id: Id,
    pub name: String,
    pub region: String,
    pub snapshot_id: Option<Id>,
    pub description: String,
    /// See [`super::snapshot_status`].
    pub status: String,
    pub size_gb: u64,
    pub created_at: String,
}
