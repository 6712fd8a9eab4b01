//! The desired attributes of a config resource, named as in `schema.rs`.
//!
//! Links hold addresses (`"ssh-key.laptop"`), sets are sorted, cloud-init is reduced to its
//! hash (the API never returns it), rules become canonical objects.

use garrison_config::model::{BootSource, Direction, Ethertype, Resource, RuleSpec, Spec};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::schema::{self, firewall, image, script, snapshot, ssh_key, vm, volume};

/// Attributes by name.
pub type Attrs = Map<String, Value>;

/// `sha256:<hex>` of a text: how inputs the API never returns are compared.
pub fn hash_text(text: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())))
}

/// A rule as a canonical JSON object (the same shape the engine builds from the API).
pub fn rule_value(rule: &RuleSpec) -> Value {
    json!({
        "direction": match rule.direction { Direction::Ingress => "ingress", Direction::Egress => "egress" },
        "protocol": rule.protocol,
        "ethertype": match rule.ethertype { Ethertype::IPv4 => "IPv4", Ethertype::IPv6 => "IPv6" },
        "port-min": rule.port_min,
        "port-max": rule.port_max,
        "remote": rule.remote,
    })
}

/// A sorted JSON list of canonical rules.
pub fn rules_value(rules: &[RuleSpec]) -> Value {
    // A rule written twice is one rule (the cloud would hold it twice, to no effect).
    let mut values: Vec<Value> = rules.iter().map(rule_value).collect();
    sort_values(&mut values);
    values.dedup();
    Value::Array(values)
}

/// Sorts values by their JSON text, so sets compare equal whatever their order.
pub fn sort_values(values: &mut [Value]) {
    values.sort_by_cached_key(|v| v.to_string());
}

fn addresses<'a>(list: impl IntoIterator<Item = &'a garrison_config::model::Address>) -> Value {
    let mut items: Vec<String> = list.into_iter().map(|a| a.to_string()).collect();
    items.sort();
    items.dedup();
    Value::Array(items.into_iter().map(Value::String).collect())
}

/// The desired attributes of `resource` (computed attributes excluded).
pub fn desired(resource: &Resource) -> Attrs {
    let mut out = Attrs::new();
    out.insert(schema::NAME.into(), json!(resource.name));
    // SSH keys are account-wide: no region to compare.
    if !matches!(resource.spec, Spec::SshKey(_)) {
        out.insert(schema::REGION.into(), json!(resource.region));
    }
    match &resource.spec {
        Spec::Vm(spec) => {
            out.insert(vm::GPU_MODEL.into(), json!(spec.gpu_model));
            out.insert(vm::GPU_COUNT.into(), json!(spec.gpu_count));
            let (image, boot_image, boot_volume) = match &spec.boot {
                BootSource::OsImage(name) => (json!(name), Value::Null, Value::Null),
                BootSource::Image(a) => (Value::Null, json!(a.to_string()), Value::Null),
                BootSource::Volume(a) => (Value::Null, Value::Null, json!(a.to_string())),
            };
            out.insert(vm::IMAGE.into(), image);
            out.insert(vm::BOOT_IMAGE.into(), boot_image);
            out.insert(vm::BOOT_VOLUME.into(), boot_volume);
            out.insert(vm::SSH_KEYS.into(), addresses(&spec.ssh_keys));
            out.insert(
                vm::STARTUP_SCRIPT.into(),
                spec.startup_script
                    .as_ref()
                    .map_or(Value::Null, |a| json!(a.to_string())),
            );
            out.insert(
                vm::CLOUD_INIT.into(),
                spec.cloud_init
                    .as_deref()
                    .map_or(Value::Null, |t| json!(hash_text(t))),
            );
            out.insert(vm::FIREWALLS.into(), addresses(&spec.firewalls));
            out.insert(vm::VOLUMES.into(), addresses(&spec.volumes));
            out.insert(vm::PUBLIC_IP.into(), json!(spec.public_ip));
            out.insert(vm::POWER.into(), json!(spec.power.as_str()));
            out.insert(vm::SECURITY_RULES.into(), rules_value(&spec.security_rules));
        }
        Spec::Volume(spec) => {
            out.insert(volume::SIZE_GB.into(), json!(spec.size_gb));
            out.insert(volume::TYPE.into(), json!(spec.volume_type));
            out.insert(volume::BOOTABLE.into(), json!(spec.bootable));
            out.insert(volume::IMAGE.into(), json!(spec.image));
            out.insert(volume::DESCRIPTION.into(), json!(spec.description));
        }
        Spec::Firewall(spec) => {
            out.insert(firewall::DESCRIPTION.into(), json!(spec.description));
            out.insert(firewall::RULES.into(), rules_value(&spec.rules));
        }
        Spec::SshKey(spec) => {
            if let Some(key) = &spec.public_key {
                out.insert(ssh_key::PUBLIC_KEY.into(), json!(normalize_public_key(key)));
            }
        }
        Spec::Script(spec) => {
            out.insert(script::CONTENT.into(), json!(spec.content));
            out.insert(script::DESCRIPTION.into(), json!(spec.description));
        }
        Spec::Snapshot(spec) => {
            out.insert(snapshot::VM.into(), json!(spec.vm.to_string()));
            out.insert(snapshot::DESCRIPTION.into(), json!(spec.description));
        }
        Spec::Image(spec) => {
            out.insert(image::SNAPSHOT.into(), json!(spec.snapshot.to_string()));
            out.insert(image::DESCRIPTION.into(), json!(spec.description));
        }
    }
    out
}

/// An OpenSSH public key reduced to `type base64` (the comment and spacing do not matter).
pub fn normalize_public_key(key: &str) -> String {
    key.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}
