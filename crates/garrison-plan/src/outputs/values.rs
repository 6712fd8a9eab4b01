//! Output values: the model's expressions evaluated against the state's attributes (after
//! an apply, and in a plan for outputs whose resources do not change).

use std::collections::BTreeMap;

use crate::schema::vm;
use crate::REDACTED;
use garrison_config::model::{Expr, Kind, Model, TemplatePart};
use garrison_state::{OutputState, StateDoc};
use serde_json::{json, Value};

/// Every output of `model`; sensitive ones are stored as [`REDACTED`].
pub fn evaluate_outputs(model: &Model, state: &StateDoc) -> BTreeMap<String, OutputState> {
    model
        .outputs
        .iter()
        .map(|o| {
            let value = if o.sensitive {
                json!(REDACTED)
            } else {
                eval(&o.value, model, state)
            };
            (
                o.name.clone(),
                OutputState {
                    value,
                    sensitive: o.sensitive,
                },
            )
        })
        .collect()
}

/// The output postconditions that fail against the final values (`self`, sensitive
/// ones included: only the configured message is shown), as `(output.NAME, message)`.
pub fn failed_output_postconditions(model: &Model, state: &StateDoc) -> Vec<(String, String)> {
    let mut failed = Vec::new();
    for o in model
        .outputs
        .iter()
        .filter(|o| !o.postconditions.is_empty())
    {
        let value = eval(&o.value, model, state);
        for pc in &o.postconditions {
            if let Err(message) = garrison_config::postcondition::check(model, pc, None, &value) {
                let address = format!("output.{}", o.name);
                failed.push((
                    address.clone(),
                    format!("postcondition of `{address}` failed: {message}"),
                ));
            }
        }
    }
    failed
}

/// A recorded object as references name its attributes (`self` of a postcondition, a
/// readiness command): the state's attributes, plus `public-ip` (the address) and
/// `power-state` for a VM, as `vm.x.public-ip` reads them.
pub fn as_referenced(kind: Kind, attrs: &serde_json::Map<String, Value>) -> Value {
    let mut out = attrs.clone();
    if kind == Kind::Vm {
        for alias in ["public-ip", "power-state"] {
            let value = attrs.get(attribute_name(kind, alias)).cloned();
            out.insert(alias.to_owned(), value.unwrap_or(Value::Null));
        }
    }
    Value::Object(out)
}

/// The state attribute an output attribute name reads.
pub(super) fn attribute_name(kind: Kind, attr: &str) -> &str {
    match (kind, attr) {
        (Kind::Vm, "public-ip") => vm::PUBLIC_IP_ADDRESS,
        (Kind::Vm, "power-state") => vm::POWER,
        _ => attr,
    }
}

fn read(state: &StateDoc, address: &str, kind: Kind, attr: &str) -> Value {
    state
        .resources
        .get(address)
        .and_then(|r| r.attributes.get(attribute_name(kind, attr)))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The value of `expr` with the attributes the state records.
pub(crate) fn eval(expr: &Expr, model: &Model, state: &StateDoc) -> Value {
    match expr {
        Expr::Value(v) => v.clone(),
        Expr::Attr { target, attr } => read(state, &target.to_string(), target.kind, attr),
        Expr::Splat { kind, name, attr } => Value::Array(
            model
                .resources
                .iter()
                .filter(|r| {
                    r.address.module.is_empty()
                        && r.address.kind == *kind
                        && *r.address.name == **name
                })
                .map(|r| read(state, &r.address.to_string(), *kind, attr))
                .collect(),
        ),
        Expr::List(items) => Value::Array(items.iter().map(|e| eval(e, model, state)).collect()),
        Expr::Template(parts) => {
            let mut text = String::new();
            for part in parts {
                match part {
                    TemplatePart::Text(t) => text.push_str(t),
                    TemplatePart::Expr(e) => match eval(e, model, state) {
                        Value::String(s) => text.push_str(&s),
                        Value::Null => {}
                        other => text.push_str(&other.to_string()),
                    },
                }
            }
            Value::String(text)
        }
    }
}
