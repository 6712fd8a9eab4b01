//! Wire objects -> observed attributes, named exactly as in `garrison_plan::schema`.
//!
//! Links are remote ids as strings, sets are sorted, rules are the canonical objects of
//! `desired::rule_value` plus `"id"`. A resource's `desired()` equals `observe()` of the
//! object the API returns after creating it, computed attributes and cloud-init (never
//! returned; tracked by hash) aside, so a plan right after an apply is empty.

use barrack_api::wire::{instance_status as st, Rule, RuleRequest};
use barrack_api::Id;
use garrison_config::model::{Direction, Ethertype, Power};
use garrison_plan::desired::{sort_values, Attrs};
use garrison_plan::schema;
use serde_json::{json, Value};

use crate::remote::RemoteObject;

/// The observed attributes of `object`. `fallback_region` stands in when the API does not
/// return a region (scripts): pass the region recorded in state or the config's.
pub fn observe(object: &RemoteObject, fallback_region: &str) -> Attrs {
    let mut out = Attrs::new();
    out.insert(schema::NAME.into(), json!(object.name()));
    let region = if object.region().is_empty() {
        fallback_region
    } else {
        object.region()
    };
    // SSH keys are account-wide: no region.
    if !matches!(object, RemoteObject::SshKey(_)) {
        out.insert(schema::REGION.into(), json!(region));
    }
    out.insert(schema::ID.into(), json!(object.id().as_str()));
    crate::kinds::observe_into(object, &mut out);
    out
}

/// The power a VM status means; `None` for ERROR and unknown statuses.
pub fn power_of(status: &str) -> Option<Power> {
    match status {
        st::ACTIVE | st::STARTING | st::REBOOTING | st::RESTORING => Some(Power::Running),
        // A VM being built will be running.
        st::CREATING | st::BUILD => Some(Power::Running),
        st::SHUTOFF | st::STOPPING => Some(Power::Stopped),
        st::HIBERNATED | st::HIBERNATING => Some(Power::Hibernated),
        _ => None,
    }
}

pub(crate) fn id_or_null(id: Option<&Id>) -> Value {
    id.map_or(Value::Null, |id| json!(id.as_str()))
}

pub(crate) fn id_set<'a>(ids: impl Iterator<Item = &'a Id>) -> Value {
    let mut items: Vec<String> = ids.map(|i| i.as_str().to_string()).collect();
    items.sort();
    items.dedup();
    json!(items)
}

/// A wire rule as the canonical rule object of `desired::rule_value`, plus its `"id"`.
pub fn rule_value(rule: &Rule) -> Value {
    let mut value = canonical(&rule.request());
    if let Value::Object(map) = &mut value {
        map.insert("id".into(), json!(rule.id.as_str()));
    }
    value
}

pub(crate) fn rules(list: &[Rule]) -> Value {
    let mut values: Vec<Value> = list.iter().map(rule_value).collect();
    sort_values(&mut values);
    Value::Array(values)
}

/// A rule request as the canonical rule object (no id).
fn canonical(rule: &RuleRequest) -> Value {
    let direction = if rule.direction.eq_ignore_ascii_case("egress") {
        "egress"
    } else {
        "ingress"
    };
    let ethertype = if rule.ethertype.eq_ignore_ascii_case("ipv6") {
        "IPv6"
    } else {
        "IPv4"
    };
    json!({
        "direction": direction,
        "protocol": rule.protocol.to_ascii_lowercase(),
        "ethertype": ethertype,
        "port-min": rule.port_range_min,
        "port-max": rule.port_range_max,
        "remote": rule.remote_ip_prefix,
    })
}

/// A typed rule (from the config, or a plan step) as the API's request body.
pub fn rule_request(rule: &garrison_config::model::Rule) -> RuleRequest {
    RuleRequest {
        direction: match rule.direction {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
        .into(),
        ethertype: match rule.ethertype {
            Ethertype::IPv4 => "IPv4",
            Ethertype::IPv6 => "IPv6",
        }
        .into(),
        protocol: rule.protocol.clone(),
        port_range_min: rule.port_min,
        port_range_max: rule.port_max,
        remote_ip_prefix: rule.remote.clone(),
    }
}

#[cfg(test)]
mod tests {
    use barrack_api::wire::{self, ImageRef, Instance, VolumeAttachment};
    use garrison_plan::desired;
    use garrison_plan::schema::vm;

    use garrison_config::model::RuleSpec;

    use super::*;

    fn rule_spec() -> RuleSpec {
        RuleSpec {
            direction: Direction::Ingress,
            protocol: "tcp".into(),
            ethertype: Ethertype::IPv4,
            port_min: Some(22),
            port_max: Some(22),
            remote: "10.0.0.0/8".into(),
        }
    }

    #[test]
    fn power_follows_status() {
        let cases = [
            ("ACTIVE", Some(Power::Running)),
            ("RESTORING", Some(Power::Running)),
            ("STOPPING", Some(Power::Stopped)),
            ("SHUTOFF", Some(Power::Stopped)),
            ("HIBERNATING", Some(Power::Hibernated)),
            ("HIBERNATED", Some(Power::Hibernated)),
            ("ERROR", None),
        ];
        for (status, want) in cases {
            assert_eq!(power_of(status), want, "{status}");
        }
    }

    #[test]
    fn a_wire_rule_is_the_desired_rule_plus_its_id() {
        let spec = rule_spec();
        let wire_rule = Rule {
            id: Id::new(7),
            direction: "INGRESS".into(),
            ethertype: "ipv4".into(),
            protocol: "TCP".into(),
            port_range_min: Some(22),
            port_range_max: Some(22),
            remote_ip_prefix: "10.0.0.0/8".into(),
            status: "ACTIVE".into(),
        };
        let mut observed = rule_value(&wire_rule);
        assert_eq!(observed["id"], json!("7"));
        if let Value::Object(map) = &mut observed {
            map.remove("id");
        }
        assert_eq!(observed, desired::rule_value(&spec));
        // The request made from the typed rule is the same rule again.
        let typed = garrison_config::model::Rule::from(&spec);
        assert_eq!(canonical(&rule_request(&typed)), desired::rule_value(&spec));
    }

    #[test]
    fn boot_volume_is_not_an_attached_volume_and_hides_the_image_name() {
        let instance = Instance {
            id: Id::new(1),
            name: "box".into(),
            region: "NORWAY-1".into(),
            status: "SHUTOFF".into(),
            image: ImageRef {
                name: "Ubuntu".into(),
                id: None,
            },
            boot_volume_id: Some(Id::new(9)),
            volume_attachments: vec![
                VolumeAttachment {
                    volume_id: Id::new(9),
                    ..VolumeAttachment::default()
                },
                VolumeAttachment {
                    volume_id: Id::new(3),
                    ..VolumeAttachment::default()
                },
            ],
            ssh_key_ids: vec![Id::new(5), Id::new(4)],
            ..Instance::default()
        };
        let attrs = observe(&RemoteObject::Vm(instance), "");
        assert_eq!(attrs[vm::VOLUMES], json!(["3"]));
        assert_eq!(attrs[vm::BOOT_VOLUME], json!("9"));
        assert_eq!(attrs[vm::IMAGE], Value::Null);
        assert_eq!(attrs[vm::SSH_KEYS], json!(["4", "5"]));
        assert_eq!(attrs[vm::POWER], json!("stopped"));
        assert_eq!(attrs[vm::PUBLIC_IP], json!(false));
    }

    #[test]
    fn scripts_take_the_fallback_region() {
        let script = wire::Script {
            id: Id::new(2),
            name: "boot".into(),
            ..wire::Script::default()
        };
        let attrs = observe(&RemoteObject::Script(script), "CANADA-1");
        assert_eq!(attrs[schema::REGION], json!("CANADA-1"));
    }
}
