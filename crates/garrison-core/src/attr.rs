//! Attribute names of each kind: desired (config) and observed (API) attributes use exactly
//! these, so a diff compares like with like. How each changes lives in `garrison-plan`'s schema.

/// Attribute names shared by every kind.
pub const NAME: &str = "name";
/// Region of the resource.
pub const REGION: &str = "region";
/// The remote id (computed).
pub const ID: &str = "id";
/// The remote status (computed).
pub const STATUS: &str = "status";

/// VM attribute names.
pub mod vm {
    pub const GPU_MODEL: &str = "gpu-model";
    pub const GPU_COUNT: &str = "gpu-count";
    /// OS image name, when the VM boots from a public image.
    pub const IMAGE: &str = "image";
    /// Custom image (link), when the VM boots from one.
    pub const BOOT_IMAGE: &str = "boot-image";
    /// Bootable volume (link), when the VM boots from one.
    pub const BOOT_VOLUME: &str = "boot-volume";
    pub const SSH_KEYS: &str = "ssh-keys";
    pub const STARTUP_SCRIPT: &str = "startup-script";
    /// `sha256:<hex>` of the cloud-init text: the API never returns it.
    pub const CLOUD_INIT: &str = "cloud-init";
    pub const FIREWALLS: &str = "firewalls";
    pub const VOLUMES: &str = "volumes";
    pub const PUBLIC_IP: &str = "public-ip";
    /// `running` | `stopped` | `hibernated`.
    pub const POWER: &str = "power";
    /// Sorted list of rule objects (see `desired::rule_value`); observed rules carry an `id`.
    pub const SECURITY_RULES: &str = "security-rules";
    pub const PUBLIC_IP_ADDRESS: &str = "public-ip-address";
    pub const FIXED_IP: &str = "fixed-ip";
}

/// Volume attribute names.
pub mod volume {
    pub const SIZE_GB: &str = "size-gb";
    pub const TYPE: &str = "type";
    pub const BOOTABLE: &str = "bootable";
    pub const IMAGE: &str = "image";
    pub const DESCRIPTION: &str = "description";
    /// The VM it is attached to (computed; link by id).
    pub const ATTACHED_TO: &str = "attached-to";
}

/// Firewall attribute names.
pub mod firewall {
    pub const DESCRIPTION: &str = "description";
    /// Sorted list of rule objects; observed rules carry an `id`.
    pub const RULES: &str = "rules";
    /// VMs attached (observed: instance ids). Managed by the firewall-attachment step, from
    /// the `firewalls` attribute of the VMs.
    pub const ATTACHED_VMS: &str = "attached-vms";
}

/// SSH key attribute names.
pub mod ssh_key {
    pub const PUBLIC_KEY: &str = "public-key";
    pub const FINGERPRINT: &str = "fingerprint";
}

/// Script attribute names.
pub mod script {
    pub const CONTENT: &str = "content";
    pub const DESCRIPTION: &str = "description";
}

/// Snapshot attribute names.
pub mod snapshot {
    pub const VM: &str = "vm";
    pub const DESCRIPTION: &str = "description";
    pub const SIZE_GB: &str = "size-gb";
}

/// Image attribute names.
pub mod image {
    pub const SNAPSHOT: &str = "snapshot";
    pub const DESCRIPTION: &str = "description";
    /// Storage footprint (inherited from the snapshot), billed per GB-hour.
    pub const SIZE_GB: &str = "size-gb";
}
