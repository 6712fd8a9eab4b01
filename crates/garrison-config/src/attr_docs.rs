//! What each attribute means, for people (editor hover and completion): its type, default,
//! and whether changing it is done in place or replaces the object. The one place this
//! text lives; `schema.rs` says which attributes exist.

use crate::model::Kind;

/// What a change of the attribute does to an existing object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Changed in place by an update call.
    InPlace,
    /// The object is replaced (deleted and created again).
    Replaces,
    /// Garrison's own setting: recorded in the state, no cloud call.
    GarrisonOnly,
}

impl Change {
    /// How a hover says it.
    pub fn describe(self) -> &'static str {
        match self {
            Change::InPlace => "updated in place",
            Change::Replaces => "forces replacement",
            Change::GarrisonOnly => "Garrison only, no cloud call",
        }
    }
}

/// One attribute's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrDoc {
    /// The attribute (child node) name.
    pub name: &'static str,
    /// Its type, as written in a config.
    pub ty: &'static str,
    /// Its default, when it has one.
    pub default: Option<&'static str>,
    /// What changing it does.
    pub change: Change,
    /// One or two sentences.
    pub doc: &'static str,
}

const fn attr(
    name: &'static str,
    ty: &'static str,
    default: Option<&'static str>,
    change: Change,
    doc: &'static str,
) -> AttrDoc {
    AttrDoc {
        name,
        ty,
        default,
        change,
        doc,
    }
}

use Change::{GarrisonOnly, InPlace, Replaces};

const COMMON: &[AttrDoc] = &[
    attr("name", "string", Some("the label (LABEL-INDEX / LABEL-KEY with count / for-each)"), Replaces, "The name in the cloud: 1-50 letters, digits, space, `_`, `.`, `-` (SSH keys: no space); unique per kind. Without it an existing object keeps its name, so a relabel with `moved` never replaces."),
    attr("region", "string", Some("the provider's region (snapshots and images: their source's)"), Replaces, "`NORWAY-1`, `CANADA-1` or `US-1`; not for `ssh-key`, which is account-wide."),
    attr("protect", "bool", Some("#false"), GarrisonOnly, "Garrison refuses to destroy or replace the object."),
    attr("depends-on", "(ref) addresses", None, GarrisonOnly, "Explicit ordering: this resource waits for the ones listed."),
    attr("lifecycle", "create-before-destroy=bool { ignore-changes \"attr\" ... replace-triggered-by (ref)\"KIND.NAME\" ... }", Some("off"), GarrisonOnly, "Create the replacement first; ignore drift and changes of the listed attributes; replace this resource when a listed one changes."),
    attr("precondition", "(expr) condition message=\"...\" (repeatable)", None, GarrisonOnly, "Must hold at plan time for each instance, or the plan stops with the message."),
    attr("postcondition", "(expr) condition over self message=\"...\" (repeatable)", None, GarrisonOnly, "Checked after the object is created or updated, `self` being the object as the cloud holds it; a false one fails that step with the message (its dependents do not run)."),
];

const VM: &[AttrDoc] = &[
    attr("gpu", "string count=1|2|4|8", Some("count 1"), Replaces, "The GPU model (required) and how many."),
    attr("image", "OS image name, (ref)\"image.X\" or (ref)\"data.image.X\"", None, Replaces, "What the VM boots: an OS image from the catalog, a custom image, or an existing image a data source found; exactly one of `image` and `boot-volume`."),
    attr("boot-volume", "(ref)\"volume.X\"", None, Replaces, "A bootable volume to boot from; exactly one of `image` and `boot-volume`."),
    attr("ssh-keys", "(ref) ssh-key addresses or data.ssh-key.X", None, Replaces, "The SSH keys installed at creation (required, one or more); an existing key a data source found is used by id."),
    attr("startup-script", "(ref)\"script.X\"", None, Replaces, "A script run at first boot."),
    attr("cloud-init", "string or (file)", None, Replaces, "cloud-init user data, at most 16 KB."),
    attr("firewalls", "(ref) firewall addresses", None, InPlace, "Firewalls the VM is a member of (same region as the VM)."),
    attr("volumes", "(ref) volume addresses or data.volume.X", None, InPlace, "Data volumes attached to the VM (same region as the VM); an existing volume a data source found is attached by id, detached (never deleted) when the VM goes."),
    attr("public-ip", "bool", Some("#false"), InPlace, "Whether the VM has a public IP address."),
    attr("ready-when", "\"PROGRAM\" \"ARG\"... or shell=\"...\" interval=\"5s\" timeout=\"15m\"", None, GarrisonOnly, "A local command run after the VM is ACTIVE, every `interval` until it exits 0 (`${self.public-ip}` is the VM's address); the create completes only then, so what depends on the VM waits for provisioning."),
    attr("power", "\"running\" | \"stopped\" | \"hibernated\"", Some("\"running\""), InPlace, "The power state: stopped is billed in full, hibernated costs $0.01/h."),
    attr("security-rule", "direction= protocol= port=|ports= remote= ethertype=", None, InPlace, "A rule on the VM itself (repeatable), shaped like a firewall rule."),
];

const VOLUME: &[AttrDoc] = &[
    attr("size-gb", "integer", None, InPlace, "Size in GB (required), 10..1048576; a bootable volume needs at least 100. Growing is in place; shrinking is refused."),
    attr("type", "string", Some("\"Cloud-SSD\""), Replaces, "The volume type from the catalog."),
    attr("bootable", "bool", Some("#false"), Replaces, "A bootable volume (needs `image`)."),
    attr("image", "OS image name", None, Replaces, "The OS image of a bootable volume; a data volume takes none."),
    attr("description", "string", None, Replaces, "Free text."),
];

const FIREWALL: &[AttrDoc] = &[
    attr(
        "description",
        "string",
        None,
        Replaces,
        "Free text, at most 255 characters.",
    ),
    attr(
        "rule",
        "direction= protocol= port=|ports= remote= ethertype=",
        None,
        InPlace,
        "One rule (repeatable); rules are added and removed in place.",
    ),
];

const SSH_KEY: &[AttrDoc] = &[
    attr("public-key", "string or (file)", None, Replaces, "The public key, usually `(file)\"keys/NAME.pub\"`."),
    attr("private-key-file", "path", None, Replaces, "Without `public-key`: the cloud generates the key and Garrison writes the private key here once (mode 0600)."),
];

const SCRIPT: &[AttrDoc] = &[
    attr(
        "content",
        "string or (file)",
        None,
        InPlace,
        "The script (required), at most 16 KiB.",
    ),
    attr("description", "string", None, InPlace, "Free text."),
];

const SNAPSHOT: &[AttrDoc] = &[
    attr(
        "vm",
        "(ref)\"vm.X\"",
        None,
        Replaces,
        "The VM whose boot disk is captured (required).",
    ),
    attr("description", "string", None, Replaces, "Free text."),
];

const IMAGE: &[AttrDoc] = &[
    attr(
        "snapshot",
        "(ref)\"snapshot.X\"",
        None,
        Replaces,
        "The snapshot the image is made from (required).",
    ),
    attr("description", "string", None, Replaces, "Free text."),
];

/// Properties of a firewall `rule` or a VM `security-rule`.
pub const RULE_PROPS: &[AttrDoc] = &[
    attr(
        "direction",
        "\"ingress\" | \"egress\"",
        None,
        InPlace,
        "Which traffic the rule lets through (required).",
    ),
    attr(
        "protocol",
        "string",
        None,
        InPlace,
        "`tcp`, `udp`, `icmp`, `any` or another IP protocol (required).",
    ),
    attr(
        "ethertype",
        "\"IPv4\" | \"IPv6\"",
        Some("\"IPv4\""),
        InPlace,
        "Must match `remote`.",
    ),
    attr(
        "port",
        "integer",
        Some("all ports"),
        InPlace,
        "One port, 1..65535; none for `icmp`.",
    ),
    attr(
        "ports",
        "\"LOW..HIGH\"",
        Some("all ports"),
        InPlace,
        "A port range.",
    ),
    attr(
        "remote",
        "CIDR",
        None,
        InPlace,
        "The other side (required): `10.0.0.0/8`, `::/0`; a bare address means one host.",
    ),
];

/// The documentation of `attr` on a resource of `kind`.
pub fn attr_doc(kind: Kind, attr: &str) -> Option<&'static AttrDoc> {
    let own: &'static [AttrDoc] = match kind {
        Kind::Vm => VM,
        Kind::Volume => VOLUME,
        Kind::Firewall => FIREWALL,
        Kind::SshKey => SSH_KEY,
        Kind::Script => SCRIPT,
        Kind::Snapshot => SNAPSHOT,
        Kind::Image => IMAGE,
    };
    own.iter().chain(COMMON).find(|d| d.name == attr)
}

/// The documentation of a rule property.
pub fn rule_prop_doc(prop: &str) -> Option<&'static AttrDoc> {
    RULE_PROPS.iter().find(|d| d.name == prop)
}

/// One line on what a kind is.
pub fn kind_doc(kind: Kind) -> &'static str {
    match kind {
        Kind::Vm => "A GPU virtual machine.",
        Kind::Volume => "A block storage volume (data or bootable).",
        Kind::Firewall => "A firewall: a set of rules VMs are members of (25 per account).",
        Kind::SshKey => "An SSH key, account-wide (25 per account).",
        Kind::Script => "A startup script VMs run at first boot.",
        Kind::Snapshot => "A snapshot of a VM's boot disk.",
        Kind::Image => "A custom OS image made from a snapshot.",
    }
}

/// One line on a top-level node that is not a resource (`provider`, `variable`, ...).
pub fn top_level_doc(node: &str) -> Option<&'static str> {
    Some(match node {
        "provider" => "The cloud: `provider \"barrack\" { region \"NORWAY-1\" }`, the default region of every resource.",
        "variable" => "An input: `variable \"NAME\" type=\"string\" default=... sensitive=#true`, used as `(ref)\"var.NAME\"`.",
        "locals" => "Named values computed once: `locals { prefix \"team-a\" }`, used as `(ref)\"local.prefix\"`.",
        "output" => "A value shown after apply: `output \"ip\" (ref)\"vm.dev.public-ip\"`.",
        "state" => "Where the state lives: `state \"local\" path=...` or `state \"postgres\" url-env=... workspace=...`.",
        "timeouts" => "Create, update and delete timeouts per kind: `timeouts { vm create=\"20m\" }`.",
        "import" => "Adopt an existing object: `import to=\"vm.x\" id=\"123\"` (or `name=`).",
        "moved" => "A renamed address: `moved from=\"vm.old\" to=\"vm.new\"`; the object moves in the state, no cloud call.",
        "removed" => "Stop managing an address: `removed from=\"vm.x\" destroy=#false` keeps the object.",
        "data" => "A data source read at plan time: the catalog (`data \"pricing\" \"now\"`, then `data.pricing.now.gpus[\"H100-SXM5-80GB\"]`), the GPU stock (`gpu-stock`), or one existing object by name (`data \"volume\" \"dataset\" { name \"imagenet\" }`, then `data.volume.dataset.id`; also `ssh-key`, `image`, `snapshot`, `firewall`, `vm`).",
        "module" => "A module instance: `module \"team-a\" source=\"./modules/trainer-node\" { team \"a\" }` loads that directory (its `variable`s are the inputs), with `count`/`for-each`; its resources are `module.team-a.vm.NAME`, its outputs `module.team-a.OUTPUT`.",
        "check" => "Assertions about the whole config: `assert (expr)\"...\" message=\"...\"`; a false one is a warning.",
        "policy" => "Guardrails every plan is checked against: `max-cost-per-hour`, `allowed-gpus`, `allowed-regions`, `deny-open-ingress`.",
        _ => return None,
    })
}

/// What the resource node's own properties do.
pub fn resource_prop_doc(prop: &str) -> Option<&'static str> {
    Some(match prop {
        "count" => "`count=N`: N instances, `KIND.LABEL[0]` .. `[N-1]`; `count.index` inside.",
        "for-each" => "`for-each=LIST_OR_MAP`: one instance per key, `KIND.LABEL[\"key\"]`; `each.key` and `each.value` inside.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_the_schema_accepts_is_documented() {
        for kind in Kind::ALL {
            let all = crate::schema::config_attrs(kind)
                .iter()
                .chain(crate::schema::COMMON_ATTRS);
            for a in all {
                assert!(attr_doc(kind, a).is_some(), "{kind}.{a} has no doc");
            }
        }
        for node in crate::TOP_LEVEL {
            let documented = top_level_doc(node).is_some() || node.parse::<Kind>().is_ok();
            assert!(documented, "top-level `{node}` has no doc");
        }
        for prop in crate::schema::RESOURCE_PROPS {
            assert!(resource_prop_doc(prop).is_some(), "`{prop}` has no doc");
        }
    }
}
