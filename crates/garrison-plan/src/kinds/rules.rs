//! Rule sets changed in place (a firewall's rules, a VM's security rules): the rules to add
//! and the rule ids to delete.

use std::collections::BTreeSet;

use garrison_config::model::Rule;
use serde::Deserialize;
use serde_json::Value;

use crate::planner::id_text;
use crate::seal::strip_rule_id;
use crate::step::UpdateOp;

/// Adds the delete op (rule ids) then the add op (rules) that turn `have` into `want`.
pub(super) fn rule_ops(
    want: &Value,
    have: Option<&Value>,
    delete_op: fn(Vec<String>) -> UpdateOp,
    add_op: fn(Vec<Rule>) -> UpdateOp,
    ops: &mut Vec<UpdateOp>,
) {
    let (add, delete) = rule_delta(want, have);
    if !delete.is_empty() {
        ops.push(delete_op(delete));
    }
    if !add.is_empty() {
        ops.push(add_op(add));
    }
}

/// Rules in `want` not in `have` (to add) and the ids of rules in `have` not in `want`.
fn rule_delta(want: &Value, have: Option<&Value>) -> (Vec<Rule>, Vec<String>) {
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
    // Desired rules are canonical rule objects made from typed rules (`desired::rule_value`),
    // so each reads back as the `Rule` it was made from.
    let add = want_items
        .iter()
        .filter(|r| !have_set.contains(&strip_rule_id(r).to_string()))
        .filter_map(|r| Rule::deserialize(r).ok())
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

#[cfg(test)]
mod tests {
    use garrison_config::model::{Direction, Ethertype, RuleSpec};
    use serde_json::json;

    use super::*;
    use crate::desired::rules_value;

    fn spec(protocol: &str, ports: Option<u16>, ethertype: Ethertype) -> RuleSpec {
        RuleSpec {
            direction: Direction::Egress,
            protocol: protocol.into(),
            ethertype,
            port_min: ports,
            port_max: ports,
            remote: "10.0.0.0/8".into(),
        }
    }

    /// Every desired rule object reads back as the typed rule it was made from, so no rule
    /// to add is ever lost between the diff (JSON attributes) and the op (typed rules).
    #[test]
    fn rules_to_add_are_the_typed_config_rules() {
        let specs = [
            spec("tcp", Some(22), Ethertype::IPv4),
            spec("icmp", None, Ethertype::IPv6),
        ];
        let (add, delete) = rule_delta(&rules_value(&specs), Some(&json!([])));
        let mut want: Vec<Rule> = specs.iter().map(Rule::from).collect();
        want.sort_by_key(|r| serde_json::to_string(r).unwrap_or_default());
        let mut add = add;
        add.sort_by_key(|r| serde_json::to_string(r).unwrap_or_default());
        assert_eq!(add, want);
        assert!(delete.is_empty());
    }
}
