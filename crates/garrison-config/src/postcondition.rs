//! Postconditions (docs/language.md, "Conditions"): `postcondition (expr)"..."
//! message="..."` in a resource or an output is checked after apply, with `self` the
//! object as the cloud holds it after its create or update (an output: its final value).
//! At load only its syntax and message are checked; [`check`] evaluates it later, with the
//! config's variables, data sources, `count.index` and `each.key` in scope.

use std::path::Path;

use crate::tree::KdlNode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::collect::{name_span, span, suggest, Diags};
use crate::diagnostic::{Code, Level};
use crate::eval::{Eval, Scope, Val};
use crate::model::{Index, Model, Span};
use crate::refs::is_template;

/// A postcondition as written: evaluated after apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postcondition {
    /// The condition, an expression over `self` and plan-time values.
    pub condition: String,
    /// The message (a template may read `self`), shown when it is false.
    pub message: String,
    /// The condition's place in the config.
    pub span: Span,
}

/// The `postcondition` children of a resource or an output: syntax and message checked.
pub(crate) fn collect(ev: &mut Eval<'_>, file: &Path, nodes: &[KdlNode<'_>]) -> Vec<Postcondition> {
    let found: Vec<Postcondition> = nodes
        .iter()
        .filter_map(|node| one(&mut ev.diags, file, *node))
        .collect();
    for p in &found {
        ev.mention_vars(&p.condition);
        ev.mention_vars(&p.message);
    }
    found
}

fn one(diags: &mut Diags, file: &Path, node: KdlNode<'_>) -> Option<Postcondition> {
    let cond = node.entries().iter().find(|e| e.name().is_none());
    let text = cond.filter(|e| e.ty().map(|t| t.value()) == Some("expr"));
    let Some((entry, text)) = text.and_then(|e| Some((e, e.value().as_string()?))) else {
        diags.error(
            Code::WrongType,
            &cond.map_or_else(|| name_span(file, node), |e| span(file, e.span())),
            "a `postcondition` is an `(expr)` over `self`",
            "not an (expr)",
            Some(
                "write `postcondition (expr)\"self.status == \\\"ACTIVE\\\"\" message=\"...\"`"
                    .into(),
            ),
        );
        return None;
    };
    let at = span(file, entry.span());
    if let Err(err) = crate::expr::parse(text) {
        let help = err.help.clone();
        diags.error(err.code, &at, err.message, "here", help);
        return None;
    }
    let message = message(diags, file, node)?;
    Some(Postcondition {
        condition: text.to_owned(),
        message,
        span: at,
    })
}

fn message(diags: &mut Diags, file: &Path, node: KdlNode<'_>) -> Option<String> {
    let mut found = None;
    for e in node.entries() {
        match e.name().map(|n| n.value()) {
            None => {}
            Some("message") => found = e.value().as_string().map(str::to_owned),
            Some(other) => diags.error(
                Code::UnknownAttribute,
                &span(file, e.span()),
                format!("`postcondition` has no property `{other}`"),
                "unknown property",
                suggest(other, &["message"]),
            ),
        }
    }
    if found.is_none() {
        diags.error(
            Code::MissingAttribute,
            &name_span(file, node),
            "`postcondition` needs `message=\"...\"`, shown when it fails",
            "no message",
            None,
        );
    }
    found
}

/// Checks `pc` of the instance at `index` against `this` (the object's attributes, or
/// an output's value): `Err` with its message when false, or why it could not be decided.
pub fn check(
    model: &Model,
    pc: &Postcondition,
    index: Option<&Index>,
    this: &Value,
) -> Result<(), String> {
    let (mut ev, scope) = after_apply(model, index, this);
    let map = crate::expr::Mapper {
        whole: pc.span.clone(),
        base: None,
    };
    let held = ev.expression(&pc.condition, map, &scope).val;
    if let Some(why) = first_error(&ev.diags) {
        return Err(format!("could not be decided: {why}"));
    }
    match held {
        Val::Json(Value::Bool(true)) => Ok(()),
        // The message as written when its template cannot be filled.
        Val::Json(Value::Bool(false)) => {
            let filled = fill(model, &pc.message, &pc.span, index, this, false);
            Err(filled.unwrap_or(pc.message.clone()))
        }
        _ => Err("could not be decided: it is not a bool".to_owned()),
    }
}

/// An evaluator after apply: the config's variables, data sources and workspace, and the
/// scope of the instance at `index` with `self` = `this`.
fn after_apply(model: &Model, index: Option<&Index>, this: &Value) -> (Eval<'static>, Scope) {
    let mut ev = Eval::new(None, Diags::default());
    ev.vars = model.variables.clone();
    ev.data = model.data.clone();
    ev.workspace = model.workspace.clone();
    let scope = Scope {
        this: Some(this.clone()),
        ..Scope::for_index(&index.cloned(), None)
    };
    (ev, scope)
}

/// `text` with its `${...}` filled in after apply (`self` = `this`); `Err` says why not.
/// A text shown to people (`sensitive` false) may not read a sensitive variable.
pub(crate) fn fill(
    model: &Model,
    text: &str,
    at: &Span,
    index: Option<&Index>,
    this: &Value,
    sensitive: bool,
) -> Result<String, String> {
    if !is_template(text) {
        return Ok(text.to_owned());
    }
    let (mut ev, scope) = after_apply(model, index, this);
    let filled = ev.template(text, at, &scope);
    if let Some(why) = first_error(&ev.diags) {
        return Err(why);
    }
    if filled.sensitive && !sensitive {
        return Err("it reads a sensitive value".to_owned());
    }
    match filled.val {
        Val::Json(Value::String(s)) => Ok(s),
        Val::Json(other) => Ok(other.to_string()),
        _ => Err("its value is not known".to_owned()),
    }
}

fn first_error(diags: &Diags) -> Option<String> {
    diags
        .items
        .iter()
        .find(|d| d.level == Level::Error)
        .map(|d| d.message.clone())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{load_str, VarInputs};

    fn check_first(this: Value) -> Result<(), String> {
        let text = r#"
provider "barrack" {
    region "NORWAY-1"
}
variable "min" type="int" default=100
volume "v" count=2 {
    size-gb 200
    postcondition (expr)"self.size-gb >= var.min" message="v[${count.index}] has ${self.size-gb} GB"
}
"#;
        let model = load_str("main.kdl", text, &VarInputs::default())
            .map_err(|f| format!("{:?}", f.errors))?
            .model;
        let v1 = &model.resources[1];
        check(
            &model,
            &v1.postconditions[0],
            v1.address.index.as_ref(),
            &this,
        )
    }

    #[test]
    fn a_message_never_shows_a_sensitive_value() {
        let text = r#"
provider "barrack" {
    region "NORWAY-1"
}
variable "token" type="string" sensitive=#true default="hunter2"
volume "v" {
    size-gb 200
    postcondition (expr)"self.size-gb > 500" message="token ${var.token} did not help"
}
"#;
        let model = load_str("main.kdl", text, &VarInputs::default())
            .map_err(|f| format!("{:?}", f.errors))
            .unwrap_or_else(|e| panic!("{e}"))
            .model;
        let v = &model.resources[0];
        let failed = check(&model, &v.postconditions[0], None, &json!({"size-gb": 200}));
        assert_eq!(failed, Err("token ${var.token} did not help".to_owned()));
    }

    #[test]
    fn a_postcondition_reads_self_vars_and_the_instance() {
        assert_eq!(check_first(json!({"size-gb": 200})), Ok(()));
        assert_eq!(
            check_first(json!({"size-gb": 50})),
            Err("v[1] has 50 GB".to_owned())
        );
        let undecided = check_first(json!({"status": "available"}));
        assert!(
            undecided
                .as_ref()
                .is_err_and(|m| m.starts_with("could not be decided")),
            "{undecided:?}"
        );
    }
}
