//! What a saved plan was made from beyond its config hash and state serial: the cloud's
//! values of every planned resource (sensitive ones sealed) and the seal of every sensitive
//! variable. `apply PLAN` refreshes and refuses when any moved, saying which (never how, for
//! a sensitive value).

use std::collections::BTreeMap;

use garrison_config::model::Model;
use garrison_plan::schema::{self, Update};
use garrison_plan::seal::{is_sealed, same, seal, seal_bytes, verify_bytes};
use garrison_plan::{is_sensitive, Observed, Plan, RemoteView};
use garrison_state::StateDoc;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The inputs a saved plan checks on apply.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanInputs {
    /// For every planned change of an existing object (update, replace, delete, ...): each
    /// configurable attribute as refreshed when the plan was made, sensitive ones sealed.
    #[serde(default)]
    pub observed: BTreeMap<String, BTreeMap<String, Value>>,
    /// For every sensitive variable: the seal of its value.
    #[serde(default)]
    pub sensitive_vars: BTreeMap<String, String>,
}

/// The configurable (not computed) attributes of `attrs` for `kind`, sensitive ones sealed.
fn configurable(
    change: &garrison_plan::ResourceChange,
    attrs: &serde_json::Map<String, Value>,
    state: &StateDoc,
    model: &Model,
) -> BTreeMap<String, Value> {
    let resource = change.address.live().and_then(|a| model.resource(a));
    let recorded = state.resources.get(&change.address.to_string());
    schema::attrs(change.kind)
        .iter()
        .filter(|s| s.update != Update::Computed)
        .filter_map(|s| {
            let value = attrs.get(s.name)?;
            let sensitive = resource.is_some_and(|r| is_sensitive(r, s.name))
                || recorded
                    .and_then(|r| r.attributes.get(s.name))
                    .is_some_and(is_sealed);
            let value = if sensitive {
                seal(value)
            } else {
                value.clone()
            };
            Some((s.name.to_string(), value))
        })
        .collect()
}

/// Record the inputs of `plan`, made from `state` and `view` (the view's values, or the
/// state's when the cloud was not read).
pub(crate) fn capture(
    plan: &Plan,
    view: &RemoteView,
    state: &StateDoc,
    model: &Model,
) -> PlanInputs {
    let mut observed = BTreeMap::new();
    for change in plan.changes.iter().filter(|c| c.remote_id.is_some()) {
        let address = change.address.to_string();
        let attrs = match view.resources.get(&address) {
            Some(Observed::Present { attrs }) => Some(attrs),
            Some(Observed::Gone) => None,
            None => state.resources.get(&address).map(|r| &r.attributes),
        };
        if let Some(attrs) = attrs {
            observed.insert(address, configurable(change, attrs, state, model));
        }
    }
    let sensitive_vars = model
        .variables
        .iter()
        .filter(|(_, v)| v.sensitive)
        .map(|(name, v)| (name.clone(), seal_bytes(v.value.to_string().as_bytes())))
        .collect();
    PlanInputs {
        observed,
        sensitive_vars,
    }
}

/// Why the saved `inputs` no longer hold for the refreshed `view` and `model`, if they don't.
pub(crate) fn moved(
    inputs: &PlanInputs,
    saved: &Plan,
    view: &RemoteView,
    model: &Model,
) -> Option<String> {
    moved_vars(inputs, model).or_else(|| moved_objects(inputs, saved, view))
}

fn moved_vars(inputs: &PlanInputs, model: &Model) -> Option<String> {
    for (name, v) in model.variables.iter().filter(|(_, v)| v.sensitive) {
        match inputs.sensitive_vars.get(name) {
            None => {
                return Some(format!(
                    "sensitive variable `{name}` was not recorded when the plan was made"
                ))
            }
            Some(sealed) if !verify_bytes(v.value.to_string().as_bytes(), sealed) => {
                return Some(format!(
                    "sensitive variable `{name}` has another value than when the plan was made"
                ))
            }
            Some(_) => {}
        }
    }
    inputs
        .sensitive_vars
        .keys()
        .find(|name| !model.variables.get(*name).is_some_and(|v| v.sensitive))
        .map(|name| format!("sensitive variable `{name}` is no longer set"))
}

fn moved_objects(inputs: &PlanInputs, saved: &Plan, view: &RemoteView) -> Option<String> {
    for change in saved.changes.iter().filter(|c| c.remote_id.is_some()) {
        let address = &change.address.to_string();
        let Some(was) = inputs.observed.get(address) else {
            if matches!(view.resources.get(address), Some(Observed::Present { .. })) {
                return Some(format!(
                    "the plan does not record what the cloud held for `{address}`"
                ));
            }
            continue;
        };
        let now = match view.resources.get(address) {
            Some(Observed::Present { attrs }) => attrs,
            Some(Observed::Gone) => {
                return Some(format!("`{address}` was deleted outside Garrison"))
            }
            None => continue,
        };
        for spec in schema::attrs(change.kind)
            .iter()
            .filter(|s| s.update != Update::Computed)
        {
            let (before, after) = (was.get(spec.name), now.get(spec.name));
            if !same(before, after) {
                return Some(describe(address, spec.name, before, after));
            }
        }
    }
    None
}

/// `` `vm.x`: `power` changed outside Garrison ("running" -> "stopped") ``, without values
/// for a sensitive attribute.
fn describe(address: &str, attr: &str, before: Option<&Value>, after: Option<&Value>) -> String {
    if before.is_some_and(is_sealed) {
        return format!("`{address}`: `{attr}` (sensitive) changed outside Garrison");
    }
    let show = |v: Option<&Value>| {
        let text = v.map_or_else(|| "none".to_string(), Value::to_string);
        match text.char_indices().nth(60) {
            Some((i, _)) => format!("{}...", &text[..i]),
            None => text,
        }
    };
    format!(
        "`{address}`: `{attr}` changed outside Garrison ({} -> {})",
        show(before),
        show(after)
    )
}
