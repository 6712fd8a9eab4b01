//! The catalog: regions, GPU models and prices, GPU counts, OS images, volume types,
//! rule protocols, prices and limits. The ONE copy: the emulator seeds from it, the config
//! validates against it.

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

/// GPU model names, in [`GPU_PRICES`]' order.
pub const GPU_MODELS: &[&str] = &gpu_models::<{ GPU_PRICES.len() }>();

const fn gpu_models<const N: usize>() -> [&'static str; N] {
    let mut models = [""; N];
    let mut i = 0;
    while i < N {
        models[i] = GPU_PRICES[i].0;
        i += 1;
    }
    models
}

/// GPU counts a VM may have.
pub const GPU_COUNTS: &[u32] = &[1, 2, 4, 8];

/// Stock OS images.
pub const OS_IMAGES: &[&str] = &[
    "Ubuntu Server 22.04 LTS R550 CUDA 12.4",
    "Ubuntu Server 22.04 LTS R550 CUDA 12.4 with Docker",
    "Ubuntu Server 20.04 LTS R535 CUDA 12.2",
    "Ubuntu Server 20.04 LTS R535 CUDA 12.2 with Docker",
];

/// Volume types; the first is the default.
pub const VOLUME_TYPES: &[&str] = &["Cloud-SSD"];

/// The volume type of a volume that names none.
pub const DEFAULT_VOLUME_TYPE: &str = VOLUME_TYPES[0];

/// Rule directions.
pub const DIRECTIONS: &[&str] = &["ingress", "egress"];

/// Rule ethertypes.
pub const ETHERTYPES: &[&str] = &["IPv4", "IPv6"];

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
        && name.chars().all(|c| is_name_char(c, allow_space))
}

/// Whether `c` may appear in a name (`allow_space` false for ssh keys).
pub fn is_name_char(c: char, allow_space: bool) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') || (allow_space && c == ' ')
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
    fn names() {
        assert!(valid_name("team-a trainer_0.x", true));
        assert!(!valid_name("team a", false));
        assert!(!valid_name("", true));
        assert!(!valid_name(&"a".repeat(51), true));
        assert!(!valid_name("bad/name", true));
    }

    #[test]
    fn gpu_models_follow_the_price_list() {
        let priced: Vec<&str> = GPU_PRICES.iter().map(|(m, _)| *m).collect();
        assert_eq!(GPU_MODELS, priced.as_slice());
    }
}
