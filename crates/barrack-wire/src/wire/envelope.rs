//! The envelopes every body shares: errors, acknowledgements, pagination, resource keys
//! and the headers the contract names.

use serde::{Deserialize, Serialize};

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
