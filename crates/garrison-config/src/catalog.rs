//! The Barrack enumerations and limits the config is validated against.
//!
//! This MIRRORS `barrack_api::wire` (garrison-config must not depend on barrack-api; a
//! workspace test checks that both lists agree). Change both together.

/// Regions.
pub const REGIONS: &[&str] = &["NORWAY-1", "CANADA-1", "US-1"];

/// GPU models.
pub const GPU_MODELS: &[&str] = &[
    "H100-SXM5-80GB",
    "H100-PCIe-NVLink-80GB",
    "H100-PCIe-80GB",
    "A100-SXM4-80GB-NVLink",
    "A100-PCIe-80GB",
    "L40",
    "RTX-A6000",
    "A40",
];

/// GPUs per VM.
pub const GPU_COUNTS: &[u32] = &[1, 2, 4, 8];

/// Public OS images.
pub const OS_IMAGES: &[&str] = &[
    "Ubuntu Server 22.04 LTS R550 CUDA 12.4",
    "Ubuntu Server 22.04 LTS R550 CUDA 12.4 with Docker",
    "Ubuntu Server 20.04 LTS R535 CUDA 12.2",
    "Ubuntu Server 20.04 LTS R535 CUDA 12.2 with Docker",
];

/// Volume types.
pub const VOLUME_TYPES: &[&str] = &["Cloud-SSD"];

/// The default volume type.
pub const DEFAULT_VOLUME_TYPE: &str = "Cloud-SSD";

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

/// Rule directions.
pub const DIRECTIONS: &[&str] = &["ingress", "egress"];

/// Rule ethertypes.
pub const ETHERTYPES: &[&str] = &["IPv4", "IPv6"];

/// VM power states.
pub const POWER_STATES: &[&str] = &["running", "stopped", "hibernated"];

/// Names: 1..=50 characters.
pub const NAME_MAX: usize = 50;

/// Cloud-init user data, in bytes.
pub const CLOUD_INIT_MAX_BYTES: usize = 16 * 1024;

/// The largest startup script content the API accepts (as for cloud-init).
pub const SCRIPT_MAX_BYTES: usize = 16 * 1024;

/// Volume sizes in GB.
pub const VOLUME_SIZE_MIN_GB: u64 = 10;
/// Largest volume, in GB.
pub const VOLUME_SIZE_MAX_GB: u64 = 1_048_576;
/// Smallest bootable volume, in GB.
pub const BOOTABLE_VOLUME_MIN_GB: u64 = 100;

/// Firewall description length.
pub const FIREWALL_DESCRIPTION_MAX: usize = 255;

/// Firewalls per account.
pub const FIREWALLS_PER_ACCOUNT: usize = 25;

/// SSH keys per account (Barrack says 25 per region, and copies every key to all regions).
pub const SSH_KEYS_PER_ACCOUNT: usize = 25;

/// Whether `c` may appear in a resource name (VM, volume, firewall, snapshot, image, script).
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '-')
}

/// Whether `c` may appear in an SSH key name (no space).
pub fn is_ssh_key_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}
