//! Terraform's machine-readable plan representation (`terraform show -json`), so tools made
//! for Terraform plans (summarisers, policy runners) read Garrison plans: `format_version`,
//! `resource_changes[]` with `address` (and `module_address` inside a module), `type` (`barrack_<kind>`), `name`, `index`,
//! `change.actions` / `before` / `after` / `after_unknown` / sensitivity, and `importing` /
//! `previous_address` for imports and moves. Attribute names are Terraform's snake_case.
//! Only the changes a reviewer needs are written (no `prior_state`, no `configuration`).

use serde_json::{json, Map, Value};

use crate::action::{Action, After, ResourceChange};
use crate::plan::Plan;
use garrison_config::model::Index;

/// The provider address Terraform tools show.
const PROVIDER: &str = "registry.terraform.io/garrison/barrack";

/// The plan as Terraform's plan JSON (format 1.2).
pub fn to_terraform_json(plan: &Plan) -> String {
    let doc = json!({
        "format_version": "1.2",
        "terraform_version": env!("CARGO_PKG_VERSION"),
        "applyable": plan.summary.has_changes() && plan.violations.is_empty() && plan.blocked.is_empty(),
        "complete": !plan.options.is_partial(),
        "errored": false,
        "resource_changes": plan.changes.iter().map(resource_change).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn resource_change(c: &ResourceChange) -> Value {
    let address = c.address.address();
    let kind = format!("barrack_{}", c.kind.as_str().replace('-', "_"));
    let module: String = address
        .module
        .iter()
        .map(|step| format!("{step}."))
        .collect();
    let mut out = json!({
        "address": format!("{module}{kind}.{}{}", address.name, address.index.as_ref().map_or(String::new(), ToString::to_string)),
        "mode": "managed",
        "type": kind,
        "name": address.name,
        "provider_name": PROVIDER,
        "change": change(c),
    });
    if let Some(module) = module.strip_suffix('.') {
        out["module_address"] = json!(module);
    }
    if let Some(index) = &address.index {
        out["index"] = match index {
            Index::Int(i) => json!(i),
            Index::Key(k) => json!(k),
        };
    }
    if c.address.is_deposed() {
        out["deposed"] = json!(c.remote_id);
    }
    if let Some(from) = &c.moved_from {
        out["previous_address"] = json!(from);
    }
    if c.action == Action::Replace {
        out["action_reason"] = json!("replace_because_cannot_update");
    }
    out
}

fn change(c: &ResourceChange) -> Value {
    let (mut before, mut after, mut unknown) = (Map::new(), Map::new(), Map::new());
    let (mut before_sensitive, mut after_sensitive) = (Map::new(), Map::new());
    for a in &c.attrs {
        let name = a.name().replace('-', "_");
        if let Some(v) = a.before() {
            before.insert(name.clone(), Value::clone(v));
        }
        match &a.after {
            Some(After::Known(v)) => drop(after.insert(name.clone(), v.clone())),
            Some(After::Unknown) => drop(unknown.insert(name.clone(), json!(true))),
            None => {}
        }
        if a.sensitive {
            before_sensitive.insert(name.clone(), json!(true));
            after_sensitive.insert(name, json!(true));
        }
    }
    let creates = matches!(c.action, Action::Create);
    let deletes = matches!(c.action, Action::Delete | Action::Forget);
    let mut out = json!({
        "actions": actions(c),
        "before": if creates { Value::Null } else { Value::Object(before) },
        "after": if deletes { Value::Null } else { Value::Object(after) },
        "after_unknown": unknown,
        "before_sensitive": if creates { json!(false) } else { Value::Object(before_sensitive) },
        "after_sensitive": if deletes { json!(false) } else { Value::Object(after_sensitive) },
    });
    if let Some(id) = &c.imported {
        out["importing"] = json!({ "id": id });
    }
    out
}

/// Terraform's action lists; a replacement in the order it runs.
fn actions(c: &ResourceChange) -> Vec<&'static str> {
    match c.action {
        Action::Create => vec!["create"],
        Action::Update => vec!["update"],
        Action::Replace if c.create_before_destroy => vec!["create", "delete"],
        Action::Replace => vec!["delete", "create"],
        Action::Delete => vec!["delete"],
        Action::Forget => vec!["forget"],
        Action::NoOp | Action::Wait => vec!["no-op"],
    }
}
