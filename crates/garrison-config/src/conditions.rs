//! Conditions (docs/language.md, "Conditions"): `precondition` in a resource or an
//! output stops the plan with its message when false; a `check "NAME" { assert ... }`
//! block warns; a variable's `validation` refuses a value that breaks it. Each is
//! `NODE CONDITION message="..."`: the condition a plan-time bool (`(expr)"..."`,
//! `(ref)"..."` or `#true`), the message a string (templates allowed).

use std::path::Path;

use crate::tree::KdlNode;
use serde_json::Value;

use crate::collect::{name_span, span, suggest};
use crate::diagnostic::Code;
use crate::eval::{Eval, Scope, Val};
use crate::literal::type_name;
use crate::model::Span;

/// A condition as evaluated: whether it holds, its message, where it is written.
struct Outcome {
    holds: bool,
    message: String,
    at: Span,
}

/// Evaluates `node` in `scope`; `None` when it is malformed (reported).
fn condition(ev: &mut Eval<'_>, file: &Path, node: KdlNode<'_>, scope: &Scope) -> Option<Outcome> {
    let what = node.name().value().to_owned();
    let mut args = node.entries().iter().filter(|e| e.name().is_none());
    let Some(cond) = args.next() else {
        ev.diags.error(
            Code::MissingAttribute,
            &name_span(file, node),
            format!("`{what}` needs a condition"),
            "no condition",
            Some(format!(
                "write `{what} (expr)\"var.size > 0\" message=\"...\"`"
            )),
        );
        return None;
    };
    let at = span(file, cond.span());
    let holds = match ev.entry(file, cond, scope).val {
        Val::Json(Value::Bool(b)) => Some(b),
        Val::Poison => None,
        Val::After(_) => {
            ev.diags.error(
                Code::KnownAfterApply,
                &at,
                format!("a `{what}` must be decided at plan time"),
                "known only after apply",
                Some("conditions read variables, locals and attributes known at plan time".into()),
            );
            None
        }
        Val::Json(other) => {
            ev.diags.error(
                Code::WrongType,
                &at,
                format!("a `{what}` is a bool, not a {}", type_name(&other)),
                "not a bool",
                Some("compare to make a bool, e.g. `(expr)\"var.size >= 100\"`".into()),
            );
            None
        }
        Val::Link(_) | Val::Links(_) => {
            ev.diags.error(
                Code::WrongType,
                &at,
                format!("a `{what}` is a bool, not a resource"),
                "not a bool",
                None,
            );
            None
        }
    };
    let message = message(ev, file, node, scope, &what)?;
    Some(Outcome {
        holds: holds?,
        message,
        at,
    })
}

fn message(
    ev: &mut Eval<'_>,
    file: &Path,
    node: KdlNode<'_>,
    scope: &Scope,
    what: &str,
) -> Option<String> {
    let mut found = None;
    for e in node.entries() {
        match e.name().map(|n| n.value()) {
            None => {}
            Some("message") => found = Some(e),
            Some(other) => ev.diags.error(
                Code::UnknownAttribute,
                &span(file, e.span()),
                format!("`{what}` has no property `{other}`"),
                "unknown property",
                suggest(other, &["message"]),
            ),
        }
    }
    let Some(e) = found else {
        ev.diags.error(
            Code::MissingAttribute,
            &name_span(file, node),
            format!("`{what}` needs `message=\"...\"`, shown when it fails"),
            "no message",
            None,
        );
        return None;
    };
    match ev.entry(file, e, scope).val {
        Val::Json(Value::String(s)) => Some(s),
        Val::Poison => None,
        _ => {
            ev.diags.error(
                Code::WrongType,
                &span(file, e.span()),
                "`message` is a string",
                "not a string",
                None,
            );
            None
        }
    }
}

/// `node`'s outcome when its condition is decided and false (malformed: reported, `None`).
fn failed(ev: &mut Eval<'_>, file: &Path, node: KdlNode<'_>, scope: &Scope) -> Option<Outcome> {
    condition(ev, file, node, scope).filter(|o| !o.holds)
}

/// The `precondition` children of a resource instance or an output, in `scope`: a false
/// one is an error carrying its message.
pub(crate) fn preconditions(
    ev: &mut Eval<'_>,
    file: &Path,
    nodes: &[KdlNode<'_>],
    scope: &Scope,
    owner: &str,
) {
    for node in nodes {
        if let Some(o) = failed(ev, file, *node, scope) {
            ev.diags.error(
                Code::PreconditionFailed,
                &o.at,
                format!("precondition of `{owner}` failed: {}", o.message),
                "false",
                None,
            );
        }
    }
}

/// `check "NAME" { assert CONDITION message="..." ... }`: a false assert is a warning.
pub(crate) fn check_block(ev: &mut Eval<'_>, file: &Path, node: KdlNode<'_>) {
    let name = node
        .entries()
        .iter()
        .find(|e| e.name().is_none())
        .and_then(|e| e.value().as_string())
        .unwrap_or("?")
        .to_owned();
    let children = node.children().unwrap_or_default();
    for c in children {
        if c.name().value() != "assert" {
            ev.diags.error(
                Code::UnknownAttribute,
                &name_span(file, c),
                format!("`check` has no setting `{}`", c.name().value()),
                "unknown setting",
                Some("a check holds `assert (expr)\"...\" message=\"...\"` lines".into()),
            );
            continue;
        }
        if let Some(o) = failed(ev, file, c, &Scope::default()) {
            ev.diags.warning(
                Code::CheckFailed,
                &o.at,
                format!("check `{name}` failed: {}", o.message),
                "false",
                None,
            );
        }
    }
}

/// A variable's `validation` children, once its value is known: a false one refuses it.
pub(crate) fn validations(ev: &mut Eval<'_>, name: &str, file: &Path, nodes: &[KdlNode<'_>]) {
    if !ev.vars.contains_key(name) {
        return; // no value (reported)
    }
    for node in nodes {
        if let Some(o) = failed(ev, file, *node, &Scope::default()) {
            ev.diags.error(
                Code::ValidationFailed,
                &o.at,
                format!("`var.{name}` is not valid: {}", o.message),
                "false for this value",
                None,
            );
        }
    }
}
