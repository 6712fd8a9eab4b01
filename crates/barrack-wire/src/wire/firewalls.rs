//! Firewalls: statuses, attachments, the firewall object and its requests.

use serde::{Deserialize, Serialize};

use super::rules::Rule;
use crate::id::Id;

/// Firewall and attachment statuses.
pub mod firewall_status {
    pub const CREATING: &str = "CREATING";
    pub const SUCCESS: &str = "SUCCESS";
    pub const ERROR: &str = "ERROR";
    pub const ATTACHING: &str = "ATTACHING";
}

/// A firewall attached to an instance.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct FirewallAttachment {
    pub instance_id: Id,
    pub status: String,
}

/// A firewall with its rules and attachments.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Firewall {
    pub id: Id,
    pub name: String,
    pub region: String,
    pub description: String,
    pub status: String,
    pub rules: Vec<Rule>,
    pub attachments: Vec<FirewallAttachment>,
    pub created_at: String,
}

/// `POST /firewalls` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct CreateFirewallRequest {
    pub name: String,
    pub region: String,
    pub description: String,
}

/// `POST /firewalls/{id}/attach` body. REPLACES the whole attachment set.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AttachFirewallRequest {
    pub instance_ids: Vec<Id>,
}
