//! Instances (VMs): statuses, the deployment request and answer, and the instance object.

use serde::{Deserialize, Serialize};

use super::rules::{Rule, RuleRequest};
use crate::id::Id;

/// Instance statuses (OpenStack style, upper case on the wire).
pub mod instance_status {
    pub const CREATING: &str = "CREATING";
    pub const BUILD: &str = "BUILD";
    pub const ACTIVE: &str = "ACTIVE";
    pub const ERROR: &str = "ERROR";
    pub const STOPPING: &str = "STOPPING";
    pub const SHUTOFF: &str = "SHUTOFF";
    pub const STARTING: &str = "STARTING";
    pub const REBOOTING: &str = "REBOOTING";
    pub const HIBERNATING: &str = "HIBERNATING";
    pub const HIBERNATED: &str = "HIBERNATED";
    pub const RESTORING: &str = "RESTORING";
    pub const DELETING: &str = "DELETING";

    /// Statuses that a poller waits through.
    pub fn is_transitional(status: &str) -> bool {
        matches!(
            status,
            CREATING | BUILD | STOPPING | STARTING | REBOOTING | HIBERNATING | RESTORING | DELETING
        )
    }
}

/// `POST /instances` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DeploymentRequest {
    pub name: String,
    pub region: String,
    pub gpu_model: String,
    pub gpu_count: u32,
    /// OS image name (one of the three boot sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_name: Option<String>,
    /// Custom image id (one of the three boot sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<Id>,
    /// Bootable volume id (one of the three boot sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boot_volume_id: Option<Id>,
    pub ssh_key_ids: Vec<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup_script_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_init: Option<String>,
    pub public_ip: bool,
    pub security_rules: Vec<RuleRequest>,
    /// How many identical VMs (default 1; Garrison always sends 1).
    pub count: Option<u32>,
}

/// `POST /instances` -> `deployment_id` + `instances`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Deployment {
    pub deployment_id: String,
    pub instances: Vec<Instance>,
}

/// CPU, RAM and disk that come with a GPU configuration.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Flavor {
    pub cpu: u32,
    /// GB.
    pub ram: u32,
    /// GB.
    pub disk: u32,
    /// GB.
    pub ephemeral: u32,
}

/// The image an instance booted from.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ImageRef {
    pub name: String,
    pub id: Option<Id>,
}

/// A volume attached to an instance.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct VolumeAttachment {
    pub volume_id: Id,
    pub device: String,
    pub status: String,
}

/// An instance (VM) as the API returns it. The API never returns `cloud_init`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Instance {
    pub id: Id,
    pub name: String,
    pub region: String,
    /// See [`instance_status`].
    pub status: String,
    /// `RUNNING`, `SHUTDOWN`, `HIBERNATED`, `NOSTATE`.
    pub power_state: String,
    pub gpu_model: String,
    pub gpu_count: u32,
    pub flavor: Flavor,
    pub image: ImageRef,
    pub boot_volume_id: Option<Id>,
    pub ssh_key_ids: Vec<Id>,
    pub startup_script_id: Option<Id>,
    pub fixed_ip: Option<String>,
    pub public_ip: Option<String>,
    pub public_ip_enabled: bool,
    pub security_rules: Vec<Rule>,
    pub volume_attachments: Vec<VolumeAttachment>,
    pub firewall_ids: Vec<Id>,
    pub price_per_hour: f64,
    pub created_at: String,
}

/// `POST /instances/{id}/public-ip` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct PublicIpRequest {
    pub enable: bool,
}

/// `POST /instances/{id}/volumes/attach|detach` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct VolumeIdsRequest {
    pub volume_ids: Vec<Id>,
}

/// `GET /instances/hibernated/count` -> `count`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct HibernatedCount {
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_instance_read() {
        let json = r#"{"id": "17", "name": "a", "status": "ACTIVE", "unknown_field": [1,2],
                       "public_ip": null, "ssh_key_ids": [1, "2"]}"#;
        let instance: Instance = serde_json::from_str(json).unwrap();
        assert_eq!(instance.id, Id::new(17));
        assert_eq!(instance.ssh_key_ids, vec![Id::new(1), Id::new(2)]);
        assert_eq!(instance.gpu_count, 0);
    }
}
