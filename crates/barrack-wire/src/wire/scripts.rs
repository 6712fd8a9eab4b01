//! Startup scripts and their requests.

use serde::{Deserialize, Serialize};

use crate::id::Id;

/// A startup script.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Script {
    pub id: Id,
    pub name: String,
    pub content: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
}

/// `POST /scripts` and `PUT /scripts/{id}` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ScriptRequest {
    pub name: String,
    pub content: String,
    pub description: String,
}

/// `POST /scripts/bulk-delete` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ScriptIdsRequest {
    pub script_ids: Vec<Id>,
}
