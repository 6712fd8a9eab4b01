//! Values of the `state` node: plain strings, or `var.*` references and templates. The
//! state is opened before any resource exists, so nothing else is allowed there, and a
//! `(ref)` or `${...}` is never silently kept as literal text.

use std::path::Path;

use crate::tree::KdlEntry;
use serde_json::Value;

use crate::diagnostic::Code;
use crate::eval::{Eval, Scope, Val};
use crate::model::Span;
use crate::refs::{is_template, parse_template, Piece};

/// The value of one `state` property; `None` when it was reported as wrong.
pub(crate) fn value(ev: &mut Eval<'_>, file: &Path, e: KdlEntry<'_>, sp: &Span) -> Option<Value> {
    let refs: Vec<String> = match (e.ty().map(|t| t.value()), e.value().as_string()) {
        (Some("ref"), Some(s)) => vec![s.to_owned()],
        (None, Some(s)) if is_template(s) => match parse_template(s) {
            Ok(pieces) => pieces
                .into_iter()
                .filter_map(|p| match p {
                    Piece::Ref(r) => Some(r),
                    Piece::Text(_) => None,
                })
                .collect(),
            Err(_) => vec![], // reported by the evaluator below
        },
        _ => vec![],
    };
    if let Some(bad) = refs.iter().find(|r| !r.starts_with("var.")) {
        ev.diags.error(
            Code::BadReference,
            sp,
            format!("the `state` node can only use variables, not `{bad}`"),
            "not a variable",
            Some(if bad.starts_with("garrison.") {
                "each workspace already has its own state, derived from the `state` node (docs/state.md, \"Workspaces\"): leave `garrison.workspace` out of it".to_owned()
            } else {
                "the state is read before anything else is evaluated: use `var.NAME` or plain text"
                    .to_owned()
            }),
        );
        return None;
    }
    ev.begin_refs();
    let v = ev.entry(file, e, &Scope::default());
    ev.end_refs();
    if v.sensitive {
        ev.diags.error(
            Code::InvalidValue,
            sp,
            "the `state` node cannot use a sensitive variable",
            "derives from a sensitive variable",
            Some(
                "state settings are shown in messages and plans; use a non-sensitive variable"
                    .to_owned(),
            ),
        );
        return None;
    }
    match v.val {
        Val::Json(v) => Some(v),
        Val::Poison => None,
        _ => {
            ev.diags.error(
                Code::BadReference,
                sp,
                "the `state` node takes plain values",
                "not a plain value",
                None,
            );
            None
        }
    }
}
