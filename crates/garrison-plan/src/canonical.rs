//! Rule lists in a change, before and after alike: the same fields (no remote `id`, which
//! only the cloud side has) in the same canonical order, so a diff of `before` and `after`
//! sees only the rules that really change.

use serde_json::Value;

use crate::action::{After, ResourceChange};
use crate::desired::sort_values;
use crate::schema::{firewall, vm};
use crate::seal::strip_rule_id;

/// Canonicalizes the rule attributes of `change` in place.
pub(crate) fn rules(change: &mut ResourceChange) {
    for attr in change
        .attrs
        .iter_mut()
        .filter(|a| a.name() == firewall::RULES || a.name() == vm::SECURITY_RULES)
    {
        if let Some(before) = attr.before_mut() {
            canonical(before);
        }
        if let Some(After::Known(after)) = attr.after.as_mut() {
            canonical(after);
        }
    }
}

fn canonical(v: &mut Value) {
    if let Value::Array(items) = v {
        let mut out: Vec<Value> = items.iter().map(strip_rule_id).collect();
        sort_values(&mut out);
        *items = out;
    }
}
