//! Rule sets changed in place (a firewall's rules, a VM's security rules): the rules to add
//! and the rule ids to delete.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::planner::id_text;
use crate::seal::strip_rule_id;
use crate::step::UpdateOp;

/// Adds the delete op (rule ids) then the add op (rules) that turn `have` into `want`.
pub(super) fn rule_ops(
    want: &Value,
    have: Option<&Value>,
    delete_op: fn(Vec<String>) -> UpdateOp,
    add_op: fn(Vec<Value>) -> UpdateOp,
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
