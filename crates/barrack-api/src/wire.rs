//! Every JSON shape of the Barrack API: request bodies, resource objects and envelopes.
//!
//! This is the ONE module that knows JSON field names (all GUESSED, modelled on Hyperstack;
//! see `docs/api.md`). The client and the emulator both use these types.
//! Deserialization is lenient: unknown fields are ignored and almost every field has a
//! default, so a field the real API omits does not break a read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::id::Id;

// ----------------------------------------------------------------------------------------
// Envelopes
// ----------------------------------------------------------------------------------------

/// The error body: `{"status": false, "message": "...", "error_reason": "..."}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ErrorBody {
    pub status: bool,
    pub message: String,
    pub error_reason: String,
}

/// The fields every success body carries next to its resource key.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Ack {
    pub status: bool,
    pub message: String,
}

/// Pagination fields added to list bodies: `count` (total items), `page`, `page_size`.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct PageInfo {
    pub count: u64,
    pub page: u32,
    pub page_size: u32,
}

/// Default page size when the query names none.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// Largest page size the API accepts.
pub const MAX_PAGE_SIZE: u32 = 200;

/// Query parameters of a paginated list: `?page=1&page_size=N`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PageQuery {
    #[serde(default = "one")]
    pub page: u32,
    #[serde(default = "default_page_size")]
    pub page_size: u32,
}

fn one() -> u32 {
    1
}

fn default_page_size() -> u32 {
    DEFAULT_PAGE_SIZE
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// The JSON key under which each resource (singular) and list (plural) travels.
pub mod keys {
    pub const BALANCE: &str = "balance";
    pub const REGIONS: &str = "regions";
    pub const STOCKS: &str = "stocks";
    pub const GPUS: &str = "gpus";
    pub const PRICING: &str = "pricing";
    pub const QUOTE: &str = "quote";
    pub const IMAGES: &str = "images";
    pub const IMAGE: &str = "image";
    pub const INSTANCE: &str = "instance";
    pub const INSTANCES: &str = "instances";
    pub const COUNT: &str = "count";
    pub const SECURITY_RULE: &str = "security_rule";
    pub const FIREWALLS: &str = "firewalls";
    pub const FIREWALL: &str = "firewall";
    pub const FIREWALL_RULE: &str = "firewall_rule";
    pub const PROTOCOLS: &str = "protocols";
    pub const BILLING: &str = "billing";
    pub const SSH_KEY: &str = "keypair";
    pub const SSH_KEYS: &str = "keypairs";
    pub const SCRIPT: &str = "script";
    pub const SCRIPTS: &str = "scripts";
    pub const VOLUME: &str = "volume";
    pub const VOLUMES: &str = "volumes";
    pub const VOLUME_TYPES: &str = "volume_types";
    pub const SNAPSHOT: &str = "snapshot";
    pub const SNAPSHOTS: &str = "snapshots";
    pub const RELATIONSHIP: &str = "relationship";
    pub const RELATIONSHIPS: &str = "relationships";
    pub const DEPLOYMENT_ID: &str = "deployment_id";
}

/// Header carrying the number of seconds to wait after a 429.
pub const RETRY_AFTER: &str = "retry-after";
/// Header carrying the request id the server assigned (echoed in errors).
pub const REQUEST_ID: &str = "x-request-id";

// ----------------------------------------------------------------------------------------
// Account
// ----------------------------------------------------------------------------------------

/// `GET /balance` -> `balance`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Balance {
    /// Remaining credit.
    pub balance: f64,
    pub currency: String,
}

/// `GET /regions` -> `regions`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Region {
    pub id: Id,
    pub name: String,
    pub description: String,
}

/// `GET /gpu/stocks` -> `stocks`: what can be deployed now, per region and model.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct GpuStock {
    pub region: String,
    pub gpu_model: String,
    /// GPUs free to deploy.
    pub available: u32,
    /// GPUs in the region in all.
    pub total: u32,
}

/// `GET /gpu/specs` -> `gpus`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct GpuSpec {
    pub gpu_model: String,
    pub memory_gb: u32,
    pub cpu_per_gpu: u32,
    pub ram_gb_per_gpu: u32,
    pub ephemeral_gb_per_gpu: u32,
    /// USD per GPU-hour.
    pub price_per_hour: f64,
}

/// `GET /pricing` -> `pricing`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Pricing {
    pub currency: String,
    /// USD per GPU-hour, by GPU model.
    pub gpu_per_hour: BTreeMap<String, f64>,
    /// USD per hour for a hibernated VM.
    pub hibernated_per_hour: f64,
    /// USD per TB-hour of provisioned volume size.
    pub volume_per_tb_hour: f64,
    /// USD per GB-hour of snapshot storage (actual size). GUESSED: the rate is not published.
    pub snapshot_per_gb_hour: f64,
    /// USD per GB-hour of custom image storage (the snapshot's footprint). GUESSED likewise.
    pub image_per_gb_hour: f64,
}

/// `POST /pricing` body: a quote for a configuration.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct QuoteRequest {
    pub items: Vec<QuoteItem>,
    /// Hours to quote for (default 1).
    pub hours: Option<f64>,
}

/// One line of a quote request.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct QuoteItem {
    /// `instance` or `volume`.
    pub kind: String,
    pub gpu_model: Option<String>,
    pub gpu_count: Option<u32>,
    pub size_gb: Option<u64>,
    /// How many of this item (default 1).
    pub quantity: Option<u32>,
}

/// `POST /pricing` -> `quote`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Quote {
    pub currency: String,
    pub price_per_hour: f64,
    pub hours: f64,
    pub total: f64,
    pub lines: Vec<QuoteLine>,
}

/// One priced line of a quote.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct QuoteLine {
    pub kind: String,
    pub description: String,
    pub price_per_hour: f64,
}

/// `GET /os-images?region=` -> `images`: the stock OS images.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct OsImage {
    pub id: Id,
    pub name: String,
    pub region: String,
    pub size_gb: u64,
}

/// Query of `GET /os-images`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RegionQuery {
    pub region: Option<String>,
}

// ----------------------------------------------------------------------------------------
// Rules (firewall rules and instance security rules share one shape)
// ----------------------------------------------------------------------------------------

/// A firewall rule or an instance security rule, as the API returns it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Rule {
    pub id: Id,
    /// `ingress` | `egress`.
    pub direction: String,
    /// `IPv4` | `IPv6`.
    pub ethertype: String,
    /// `tcp`, `udp`, `icmp`, `any`, ...
    pub protocol: String,
    pub port_range_min: Option<u16>,
    pub port_range_max: Option<u16>,
    pub remote_ip_prefix: String,
    pub status: String,
}

/// A rule to create (firewall rule or instance security rule).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(default)]
pub struct RuleRequest {
    pub direction: String,
    pub ethertype: String,
    pub protocol: String,
    pub port_range_min: Option<u16>,
    pub port_range_max: Option<u16>,
    pub remote_ip_prefix: String,
}

impl Rule {
    /// The rule's content without id and status, to compare with a wanted rule.
    pub fn request(&self) -> RuleRequest {
        RuleRequest {
            direction: self.direction.clone(),
            ethertype: self.ethertype.clone(),
            protocol: self.protocol.clone(),
            port_range_min: self.port_range_min,
            port_range_max: self.port_range_max,
            remote_ip_prefix: self.remote_ip_prefix.clone(),
        }
    }
}

// ----------------------------------------------------------------------------------------
// Instances
// ----------------------------------------------------------------------------------------

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

/// `GET /{instances|volumes|snapshots}/{id}/billing` -> `billing`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Billing {
    pub resource_id: Id,
    /// `instance`, `volume`, `snapshot`.
    pub resource_type: String,
    /// Current rate, USD per hour.
    pub price_per_hour: f64,
    /// USD billed so far.
    pub incurred_bill: f64,
    /// Billed minutes per status (`ACTIVE`, `SHUTOFF`, `HIBERNATED`, ...).
    pub usage_minutes: BTreeMap<String, u64>,
}

// ----------------------------------------------------------------------------------------
// SSH keys
// ----------------------------------------------------------------------------------------

/// An SSH key pair. `private_key` is present once, in the answer to a create without
/// `public_key`; it is a secret and must never be stored in state or printed. Keys are
/// account-wide: Barrack copies every key to all regions (CONFIRMED), so a key has no
/// region and serves VMs in any region.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SshKey {
    pub id: Id,
    pub name: String,
    pub public_key: String,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    pub created_at: String,
}

impl std::fmt::Debug for SshKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SshKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("fingerprint", &self.fingerprint)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "(redacted)"),
            )
            .finish_non_exhaustive()
    }
}

/// `POST /ssh-keys` body: a name and an optional public key; no region (keys are
/// account-wide).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct CreateSshKeyRequest {
    pub name: String,
    /// Without it the server generates an RSA key and returns `private_key` once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

// ----------------------------------------------------------------------------------------
// Scripts
// ----------------------------------------------------------------------------------------

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

// ----------------------------------------------------------------------------------------
// Firewalls
// ----------------------------------------------------------------------------------------

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

// ----------------------------------------------------------------------------------------
// Volumes
// ----------------------------------------------------------------------------------------

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

// ----------------------------------------------------------------------------------------
// Snapshots and images
// ----------------------------------------------------------------------------------------

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

/// `POST /snapshots/image-relationships` body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SnapshotIdsRequest {
    pub snapshot_ids: Vec<Id>,
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
    /// See [`snapshot_status`].
    pub status: String,
    pub size_gb: u64,
    pub created_at: String,
}

// ----------------------------------------------------------------------------------------
// Seed data and enumerations (shared by the emulator and validation)
// ----------------------------------------------------------------------------------------

/// Regions.
pub const REGIONS: &[&str] = &["NORWAY-1", "CANADA-1", "US-1"];

/// GPU models with their seed price, USD per GPU-hour.
pub const GPU_PRICES: &[(&str, f64)] = &[
    ("H100-SXM5-80GB", 2.69),
    ("H100-PCIe-NVLink-80GB", 2.29),
    ("H100-PCIe-80GB", 2.25),
    ("A100-SXM4-80GB-NVLink", 1.59),
    ("A100-PCIe-80GB", 1.55),
    ("L40", 1.19),
    ("RTX-A6000", 0.69),
    ("A40", 0.69),
];

/// GPU counts a VM may have.
pub const GPU_COUNTS: &[u32] = &[1, 2, 4, 8];

/// Stock OS images.
pub const OS_IMAGES: &[&str] = &[
    "Ubuntu Server 22.04 LTS R550 CUDA 12.4",
    "Ubuntu Server 22.04 LTS R550 CUDA 12.4 with Docker",
    "Ubuntu Server 20.04 LTS R535 CUDA 12.2",
    "Ubuntu Server 20.04 LTS R535 CUDA 12.2 with Docker",
];

/// Volume types.
pub const VOLUME_TYPES: &[&str] = &["Cloud-SSD"];

/// Rule protocols.
pub const PROTOCOLS: &[&str] = &[
    "any",
    "tcp",
    "udp",
    "icmp",
    "ah",
    "dccp",
    "egp",
    "esp",
    "gre",
    "igmp",
    "ipip",
    "ipv6-encap",
    "ipv6-frag",
    "ipv6-icmp",
    "ipv6-nonxt",
    "ipv6-opts",
    "ipv6-route",
    "ospf",
    "pgm",
    "rsvp",
    "sctp",
    "udplite",
    "vrrp",
];

/// USD per hour for a hibernated VM.
pub const HIBERNATED_PRICE_PER_HOUR: f64 = 0.01;
/// USD per TB-hour of provisioned volume size.
pub const VOLUME_PRICE_PER_TB_HOUR: f64 = 0.10;
/// USD per GB-hour of snapshot storage (the emulator's guess: the volume rate).
pub const SNAPSHOT_PRICE_PER_GB_HOUR: f64 = VOLUME_PRICE_PER_TB_HOUR / 1000.0;
/// USD per GB-hour of custom image storage (the emulator's guess: the volume rate).
pub const IMAGE_PRICE_PER_GB_HOUR: f64 = VOLUME_PRICE_PER_TB_HOUR / 1000.0;

/// Name limits: 1-50 chars of `[A-Za-z0-9 _.-]` (ssh keys: no space).
pub const NAME_MAX: usize = 50;
/// Firewall description limit.
pub const DESCRIPTION_MAX: usize = 255;
/// Firewalls per account.
pub const MAX_FIREWALLS: usize = 25;
/// SSH keys per account: the API says 25 per region and copies every key to all
/// regions, so the account holds 25 (CONFIRMED).
pub const MAX_SSH_KEYS: usize = 25;
/// Cloud-init limit, bytes.
pub const CLOUD_INIT_MAX_BYTES: usize = 16 * 1024;
/// Volume size limits, GB.
pub const VOLUME_MIN_GB: u64 = 10;
pub const VOLUME_MAX_GB: u64 = 1_048_576;
pub const BOOTABLE_VOLUME_MIN_GB: u64 = 100;

/// True when `name` follows the naming rule (`allow_space` false for ssh keys).
pub fn valid_name(name: &str, allow_space: bool) -> bool {
    !name.is_empty()
        && name.chars().count() <= NAME_MAX
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || c == '_'
                || c == '.'
                || c == '-'
                || (allow_space && c == ' ')
        })
}

/// The seed price of a GPU model, USD per GPU-hour.
pub fn gpu_price(model: &str) -> Option<f64> {
    GPU_PRICES
        .iter()
        .find(|(m, _)| *m == model)
        .map(|(_, p)| *p)
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

    #[test]
    fn names() {
        assert!(valid_name("team-a trainer_0.x", true));
        assert!(!valid_name("team a", false));
        assert!(!valid_name("", true));
        assert!(!valid_name(&"a".repeat(51), true));
        assert!(!valid_name("bad/name", true));
    }

    #[test]
    fn private_key_is_redacted_in_debug() {
        let key = SshKey {
            private_key: Some("-----BEGIN SECRET".into()),
            ..SshKey::default()
        };
        assert!(!format!("{key:?}").contains("SECRET"));
    }
}
