//! What each kind accepts and exposes: config attributes, attributes known at plan time, and
//! attributes known only after apply. The one place to look this up.

use crate::model::Kind;

/// Child nodes every resource accepts.
pub const COMMON_ATTRS: &[&str] = &[
    "name",
    "region",
    "protect",
    "depends-on",
    "lifecycle",
    "precondition",
    "postcondition",
];

/// Properties on the resource node itself.
pub const RESOURCE_PROPS: &[&str] = &["count", "for-each"];

/// Child nodes a resource of `kind` accepts besides [`COMMON_ATTRS`].
pub fn config_attrs(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Vm => &[
            "gpu",
            "image",
            "boot-volume",
            "ssh-keys",
            "startup-script",
            "cloud-init",
            "firewalls",
            "volumes",
            "ready-when",
            "public-ip",
            "power",
            "security-rule",
        ],
        Kind::Volume => &["size-gb", "type", "bootable", "image", "description"],
        Kind::Firewall => &["description", "rule"],
        Kind::SshKey => &["public-key", "private-key-file"],
        Kind::Script => &["content", "description"],
        Kind::Snapshot => &["vm", "description"],
        Kind::Image => &["snapshot", "description"],
    }
}

/// Attributes of `kind` that other resources may reference at plan time
/// (`(ref)"volume.data.size-gb"`).
pub fn static_attrs(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Vm => &[
            "name",
            "region",
            "gpu",
            "gpu-count",
            "image",
            "power",
            "cloud-init",
        ],
        Kind::Volume => &[
            "name",
            "region",
            "size-gb",
            "type",
            "bootable",
            "image",
            "description",
        ],
        Kind::Firewall => &["name", "region", "description"],
        // No region: SSH keys are account-wide.
        Kind::SshKey => &["name", "public-key"],
        Kind::Script => &["name", "region", "content", "description"],
        Kind::Snapshot => &["name", "region", "description"],
        Kind::Image => &["name", "region", "description"],
    }
}

/// Attributes of `kind` known only after apply: allowed in outputs, shown as
/// `(known after apply)` by the planner.
pub fn after_apply_attrs(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Vm => &["id", "public-ip", "fixed-ip", "status", "power-state"],
        Kind::Volume => &["id", "status"],
        Kind::Firewall => &["id", "status"],
        Kind::SshKey => &["id", "fingerprint"],
        Kind::Script => &["id"],
        Kind::Snapshot => &["id", "status", "size-gb"],
        Kind::Image => &["id", "status"],
    }
}

/// Attribute names `lifecycle { ignore-changes ... }` may list for `kind`.
pub fn ignorable_attrs(kind: Kind) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = vec!["name"];
    v.extend(
        config_attrs(kind)
            .iter()
            .copied()
            .filter(|a| *a != "region"),
    );
    v
}

pub use garrison_core::is_label_char;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_and_after_apply_are_disjoint() {
        for kind in Kind::ALL {
            for a in after_apply_attrs(kind) {
                assert!(!static_attrs(kind).contains(a), "{kind}.{a} is both");
            }
        }
    }
}
