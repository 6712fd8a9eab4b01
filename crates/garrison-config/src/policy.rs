//! The `policy` block: built-in guardrails every plan of the config is checked against
//! (a maximum cost per hour, the GPU models and regions allowed, no ingress open to the
//! internet). Values may use variables, so a workspace can set its own budget.

use std::path::Path;

use crate::tree::KdlNode;
use serde_json::Value;

use crate::collect::span;
use crate::collect::{header_span, name_span, suggest};
use crate::diagnostic::Code;
use crate::eval::{Eval, Scope, Val};
use crate::model::Guardrails;
use crate::offered::List;

const SETTINGS: &[&str] = &[
    "max-cost-per-hour",
    "allowed-gpus",
    "allowed-regions",
    "deny-open-ingress",
];

/// The guardrails of the (single) `policy` block, if any.
pub(crate) fn guardrails(ev: &mut Eval<'_>, nodes: &[(KdlNode<'_>, &Path)]) -> Option<Guardrails> {
    let (node, file) = nodes.first()?;
    for (extra, efile) in nodes.iter().skip(1) {
        ev.diags.error(
            Code::Duplicate,
            &header_span(efile, *extra),
            "the `policy` block is defined twice",
            "defined again here",
            Some("keep one `policy` block per config".into()),
        );
    }
    let mut g = Guardrails {
        span: header_span(file, *node),
        ..Guardrails::default()
    };
    for c in node.children().unwrap_or_default() {
        let values = values(ev, file, c);
        let sp = name_span(file, c);
        match c.name().value() {
            "max-cost-per-hour" => match values.as_slice() {
                [Value::Number(n)] if n.as_f64().is_some_and(|v| v >= 0.0) => {
                    g.max_cost_per_hour = n.as_f64();
                }
                _ => ev.diags.error(
                    Code::WrongType,
                    &sp,
                    "`max-cost-per-hour` is one number of USD (0 or more)",
                    "not a number",
                    Some("write `max-cost-per-hour 200`".into()),
                ),
            },
            "allowed-gpus" => {
                g.allowed_gpus = strings(ev, &sp, &values, "GPU model", List::GpuModels)
            }
            "allowed-regions" => {
                g.allowed_regions = strings(ev, &sp, &values, "region", List::Regions)
            }
            "deny-open-ingress" => match values.as_slice() {
                [Value::Bool(b)] => g.deny_open_ingress = *b,
                _ => ev.diags.error(
                    Code::WrongType,
                    &sp,
                    "`deny-open-ingress` is `#true` or `#false`",
                    "not a bool",
                    None,
                ),
            },
            other => ev.diags.error(
                Code::UnknownAttribute,
                &sp,
                format!("`policy` has no setting `{other}`"),
                "unknown setting",
                suggest(other, SETTINGS),
            ),
        }
    }
    Some(g)
}

/// The evaluated arguments of a setting (errors already reported are left out).
fn values(ev: &mut Eval<'_>, file: &Path, c: KdlNode<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    for e in c.entries().iter().filter(|e| e.name().is_none()) {
        match ev.entry(file, e, &Scope::default()).val {
            Val::Json(Value::Array(items)) => out.extend(items),
            Val::Json(v) => out.push(v),
            Val::Poison => {}
            _ => ev.diags.error(
                Code::KnownAfterApply,
                &span(file, e.span()),
                "a policy value must be known when the plan is made",
                "not known yet",
                None,
            ),
        }
    }
    out
}

/// A list of catalog names; each unknown one is reported.
fn strings(
    ev: &mut Eval<'_>,
    sp: &crate::model::Span,
    values: &[Value],
    what: &str,
    list: List,
) -> Vec<String> {
    let mut out = Vec::new();
    for v in values {
        match v.as_str() {
            Some(s) => {
                if ev.offered(s, sp, what, list, false) {
                    out.push(s.to_string());
                }
            }
            None => ev.diags.error(
                Code::WrongType,
                sp,
                "expected strings",
                "not a string",
                None,
            ),
        }
    }
    out
}
