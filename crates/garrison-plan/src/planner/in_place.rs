//! The in-place update ops a changed attribute needs.

use std::collections::BTreeSet;

use garrison_config::model::{Kind, Power};
use serde_json::Value;

use crate::desired::Attrs;
use crate::error::PlanError;
use crate::schema::{firewall, vm, volume};
use crate::seal::strip_rule_id;
use crate::step::UpdateOp;

use super::ids::id_text;
use super::IdIndex;

fn string_set(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string).or_else(|| id_text(x)))
        .collect()
}

/// Rules in `want` not in `have` (to add) and the ids of rules in `have` not in `want`.
fn rule_delta(want: &Value, have: Option<&Value>) -> (Vec<Value>, Vec<String>) {
    let want_items: Vec<Value> = want.as_array().cloned().unwrap_or_default();
    let have_items: Vec<Value> = have.and_then(Value::as_array).cloned().unwrap_or_default();
    let want_set: BTreeSet<String> = want_items
        .iter()
        .map(|r| strip_rule_id(r).to_string())
        .collect();
    let have_set: BTreeSet<String> = have_items
        .iter()
        .map(|r| strip_rule_id(r).to_string())
        .collect();
    let add = want_items
        .into_iter()
        .filter(|r| !have_set.contains(&strip_rule_id(r).to_string()))
        .collect();
    // Rules not wanted, and duplicates of wanted ones (a retried create may have made two).
    let mut kept = BTreeSet::new();
    let delete = have_items
        .iter()
        .filter(|r| {
            let key = strip_rule_id(r).to_string();
            !(want_set.contains(&key) && kept.insert(key))
        })
        .filter_map(|r| r.get("id").and_then(id_text))
        .collect();
    (add, delete)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn in_place_ops(
    kind: Kind,
    name: &str,
    want: &Value,
    have: Option<&Value>,
    observed_raw: &Attrs,
    relinked: &[String],
    ids: &IdIndex,
    address: &str,
    errors: &mut Vec<PlanError>,
    ops: &mut Vec<UpdateOp>,
) {
    match (kind, name) {
        (Kind::Volume, volume::SIZE_GB) => {
            let to = want.as_u64().unwrap_or_default();
            let from = have.and_then(Value::as_u64).unwrap_or_default();
            if to < from {
                errors.push(PlanError::VolumeShrink {
                    address: address.to_string(),
                    from,
                    to,
                    src: None,
                    at: None,
                });
            } else {
                ops.push(UpdateOp::ResizeVolume { size_gb: to });
            }
        }
        (Kind::Script, _) if !ops.contains(&UpdateOp::UpdateScript) => {
            ops.push(UpdateOp::UpdateScript);
        }
        (Kind::Firewall, firewall::RULES) => {
            let (add, delete) = rule_delta(want, have);
            if !delete.is_empty() {
                ops.push(UpdateOp::DeleteFirewallRules { rule_ids: delete });
            }
            if !add.is_empty() {
                ops.push(UpdateOp::AddFirewallRules { rules: add });
            }
        }
        (Kind::Vm, vm::SECURITY_RULES) => {
            let (add, delete) = rule_delta(want, have);
            if !delete.is_empty() {
                ops.push(UpdateOp::DeleteSecurityRules { rule_ids: delete });
            }
            if !add.is_empty() {
                ops.push(UpdateOp::AddSecurityRules { rules: add });
            }
        }
        (Kind::Vm, vm::VOLUMES) => {
            let want_set = string_set(Some(want));
            let have_set = string_set(have);
            // Observed ids of volumes that leave (or are replaced): detach by id.
            let raw_ids: Vec<String> = observed_raw
                .get(vm::VOLUMES)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(id_text)
                .collect();
            let leaving: BTreeSet<&String> = have_set
                .iter()
                .filter(|a| !want_set.contains(*a) || relinked.contains(a))
                .collect();
            let detach: Vec<String> = raw_ids
                .into_iter()
                .filter(|id| leaving.contains(&ids.address(Kind::Volume, id)))
                .collect();
            if !detach.is_empty() {
                ops.push(UpdateOp::DetachVolumes { volume_ids: detach });
            }
            let attach: Vec<String> = want_set
                .iter()
                .filter(|a| !have_set.contains(*a) || relinked.contains(a))
                .cloned()
                .collect();
            if !attach.is_empty() {
                ops.push(UpdateOp::AttachVolumes { volumes: attach });
            }
        }
        (Kind::Vm, vm::PUBLIC_IP) => ops.push(UpdateOp::SetPublicIp {
            enable: want.as_bool().unwrap_or(false),
        }),
        (Kind::Vm, vm::POWER) => {
            let to = want
                .as_str()
                .and_then(|s| s.parse::<Power>().ok())
                .unwrap_or_default();
            let from = have
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Power>().ok())
                .unwrap_or_default();
            ops.push(UpdateOp::SetPower { from, to });
        }
        // Firewalls on a VM are carried out by the firewall-attachment steps.
        _ => {}
    }
}
