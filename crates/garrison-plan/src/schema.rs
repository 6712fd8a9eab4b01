//! The attributes of each resource kind: their names, and how a change to each is applied.
//!
//! Desired attributes (from the config, see `desired.rs`) and observed attributes (read from
//! the API by the engine) use exactly these names, so the diff compares like with like.
//! Link attributes hold addresses on the desired side and remote ids on the observed side;
//! the planner maps ids to addresses through the state before comparing.

use garrison_config::model::Kind;

/// How a change to an attribute reaches the cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// The API cannot change it: the resource is replaced.
    Replace,
    /// Changed in place by an API call.
    InPlace,
    /// Set by the cloud; never compared, shown `(known after apply)` on create.
    Computed,
}

/// What an attribute's value refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// A plain value.
    None,
    /// One resource of this kind (string), or null.
    One(Kind),
    /// A set of resources of this kind (sorted list of strings).
    Many(Kind),
}

/// One attribute of a kind.
#[derive(Clone, Copy, Debug)]
pub struct AttrSpec {
    /// Name as written in the config and shown in plans (kebab-case).
    pub name: &'static str,
    /// How a change is applied.
    pub update: Update,
    /// Link target, if any.
    pub link: Link,
    /// Render changes as a unified diff.
    pub multiline: bool,
}

const fn a(name: &'static str, update: Update) -> AttrSpec {
    AttrSpec {
        name,
        update,
        link: Link::None,
        multiline: false,
    }
}

const fn link(name: &'static str, update: Update, link: Link) -> AttrSpec {
    AttrSpec {
        name,
        update,
        link,
        multiline: false,
    }
}

const fn text(name: &'static str, update: Update) -> AttrSpec {
    AttrSpec {
        name,
        update,
        link: Link::None,
        multiline: true,
    }
}

pub use garrison_core::attr::{firewall, image, script, snapshot, ssh_key, vm, volume};
pub use garrison_core::attr::{ID, NAME, REGION, STATUS};
use Update::{Computed, InPlace, Replace};

const VM: &[AttrSpec] = &[
    a(NAME, Replace),
    a(REGION, Replace),
    a(vm::GPU_MODEL, Replace),
    a(vm::GPU_COUNT, Replace),
    a(vm::IMAGE, Replace),
    link(vm::BOOT_IMAGE, Replace, Link::One(Kind::Image)),
    link(vm::BOOT_VOLUME, Replace, Link::One(Kind::Volume)),
    link(vm::SSH_KEYS, Replace, Link::Many(Kind::SshKey)),
    link(vm::STARTUP_SCRIPT, Replace, Link::One(Kind::Script)),
    a(vm::CLOUD_INIT, Replace),
    link(vm::FIREWALLS, InPlace, Link::Many(Kind::Firewall)),
    link(vm::VOLUMES, InPlace, Link::Many(Kind::Volume)),
    a(vm::PUBLIC_IP, InPlace),
    a(vm::POWER, InPlace),
    a(vm::SECURITY_RULES, InPlace),
    a(ID, Computed),
    a(STATUS, Computed),
    a(vm::PUBLIC_IP_ADDRESS, Computed),
    a(vm::FIXED_IP, Computed),
];

const VOLUME: &[AttrSpec] = &[
    a(NAME, Replace),
    a(REGION, Replace),
    a(volume::SIZE_GB, InPlace),
    a(volume::TYPE, Replace),
    a(volume::BOOTABLE, Replace),
    a(volume::IMAGE, Replace),
    a(volume::DESCRIPTION, Replace),
    a(ID, Computed),
    a(STATUS, Computed),
    link(volume::ATTACHED_TO, Computed, Link::One(Kind::Vm)),
];

const FIREWALL: &[AttrSpec] = &[
    a(NAME, Replace),
    a(REGION, Replace),
    a(firewall::DESCRIPTION, Replace),
    a(firewall::RULES, InPlace),
    a(ID, Computed),
    a(STATUS, Computed),
    link(firewall::ATTACHED_VMS, Computed, Link::Many(Kind::Vm)),
];

// No region: Barrack copies every SSH key to all regions.
const SSH_KEY: &[AttrSpec] = &[
    a(NAME, Replace),
    text(ssh_key::PUBLIC_KEY, Replace),
    a(ID, Computed),
    a(ssh_key::FINGERPRINT, Computed),
];

const SCRIPT: &[AttrSpec] = &[
    a(NAME, Replace),
    a(REGION, Replace),
    text(script::CONTENT, InPlace),
    a(script::DESCRIPTION, InPlace),
    a(ID, Computed),
];

const SNAPSHOT: &[AttrSpec] = &[
    a(NAME, Replace),
    a(REGION, Replace),
    link(snapshot::VM, Replace, Link::One(Kind::Vm)),
    a(snapshot::DESCRIPTION, Replace),
    a(ID, Computed),
    a(STATUS, Computed),
    a(snapshot::SIZE_GB, Computed),
];

const IMAGE: &[AttrSpec] = &[
    a(NAME, Replace),
    a(REGION, Replace),
    link(image::SNAPSHOT, Replace, Link::One(Kind::Snapshot)),
    a(image::DESCRIPTION, Replace),
    a(ID, Computed),
    a(STATUS, Computed),
    a(image::SIZE_GB, Computed),
];

/// Every attribute of `kind`, in display order.
pub fn attrs(kind: Kind) -> &'static [AttrSpec] {
    match kind {
        Kind::Vm => VM,
        Kind::Volume => VOLUME,
        Kind::Firewall => FIREWALL,
        Kind::SshKey => SSH_KEY,
        Kind::Script => SCRIPT,
        Kind::Snapshot => SNAPSHOT,
        Kind::Image => IMAGE,
    }
}

/// The spec of one attribute of `kind`.
pub fn attr(kind: Kind, name: &str) -> Option<&'static AttrSpec> {
    attrs(kind).iter().find(|spec| spec.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_per_kind_and_every_regional_kind_has_name_and_region() {
        for kind in Kind::ALL {
            let specs = attrs(kind);
            for (i, spec) in specs.iter().enumerate() {
                assert!(
                    specs[i + 1..].iter().all(|other| other.name != spec.name),
                    "{kind}: `{}` twice",
                    spec.name
                );
            }
            assert!(attr(kind, NAME).is_some());
            // SSH keys are account-wide (F1).
            assert_eq!(attr(kind, REGION).is_some(), kind != Kind::SshKey, "{kind}");
        }
    }
}
