//! The desired attributes of a config resource, named as in `schema.rs`.
//!
//! Links hold addresses (`"ssh-key.laptop"`), sets are sorted, cloud-init is reduced to its
//! hash (the API never returns it), rules become canonical objects. Each kind's own
//! attributes come from its module in `kinds/`.

use garrison_config::model::{Direction, Ethertype, Resource, RuleSpec, Spec};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::schema;

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

/// A sorted set of addresses as a JSON list.
pub(crate) fn addresses<'a>(
    list: impl IntoIterator<Item = &'a garrison_config::model::Address>,
) -> Value {
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
    crate::kinds::desired(&resource.spec, &mut out);
    out
}

/// An OpenSSH public key reduced to `type base64` (the comment and spacing do not matter).
pub fn normalize_public_key(key: &str) -> String {
    key.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}
