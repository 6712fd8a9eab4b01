//! The Barrack enumerations and limits the config is validated against.
//!
//! The lists are `barrack_wire`'s catalog, the one copy the emulator seeds from too; this
//! module re-exports them under the names the validator uses and adds what only the
//! config knows (power states, the name-character predicates).

pub use barrack_wire::catalog::{
    BOOTABLE_VOLUME_MIN_GB, CLOUD_INIT_MAX_BYTES, DEFAULT_VOLUME_TYPE, DIRECTIONS, ETHERTYPES,
    GPU_COUNTS, GPU_MODELS, NAME_MAX, OS_IMAGES, PROTOCOLS, REGIONS, VOLUME_TYPES,
};

/// Firewall description length.
pub use barrack_wire::catalog::DESCRIPTION_MAX as FIREWALL_DESCRIPTION_MAX;
/// Firewalls per account.
pub use barrack_wire::catalog::MAX_FIREWALLS as FIREWALLS_PER_ACCOUNT;
/// SSH keys per account (Barrack says 25 per region, and copies every key to all regions).
pub use barrack_wire::catalog::MAX_SSH_KEYS as SSH_KEYS_PER_ACCOUNT;
/// Largest volume, in GB.
pub use barrack_wire::catalog::VOLUME_MAX_GB as VOLUME_SIZE_MAX_GB;
/// Smallest volume, in GB.
pub use barrack_wire::catalog::VOLUME_MIN_GB as VOLUME_SIZE_MIN_GB;

/// VM power states.
pub const POWER_STATES: &[&str] = &["running", "stopped", "hibernated"];

/// The largest startup script content the API accepts (as for cloud-init).
pub const SCRIPT_MAX_BYTES: usize = CLOUD_INIT_MAX_BYTES;

/// Whether `c` may appear in a resource name (VM, volume, firewall, snapshot, image, script).
pub fn is_name_char(c: char) -> bool {
    barrack_wire::catalog::is_name_char(c, true)
}

/// Whether `c` may appear in an SSH key name (no space).
pub fn is_ssh_key_name_char(c: char) -> bool {
    barrack_wire::catalog::is_name_char(c, false)
}
