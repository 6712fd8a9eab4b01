//! What a diagnostic about a value says of the variable the value came from: where it was
//! set (`--var`, a var file and line, the environment, the default), and `(sensitive)`
//! instead of a sensitive value, which is never echoed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::collect::{Diags, Raw};
use crate::diagnostic::{line_col, Label, Level, Sources};
use crate::model::{Span, VarValue};
use crate::vars::{Origin, VarDecl, ENV_PREFIX};

/// What is shown instead of a sensitive value.
pub(crate) const REDACTED: &str = "(sensitive)";

/// Sensitive values this long are scrubbed from every diagnostic, wherever they turn up.
const SCRUB_EVERYWHERE_LEN: usize = 4;

/// The variables of a config, for annotating diagnostics.
pub(crate) struct Vars<'a> {
    pub(crate) decls: &'a BTreeMap<String, VarDecl>,
    pub(crate) values: &'a BTreeMap<String, VarValue>,
    pub(crate) origins: &'a BTreeMap<String, Origin>,
    /// Every `var.NAME` read, at the span of the entry that read it.
    pub(crate) uses: &'a [(Span, String)],
}

/// Adds to each error about a value read from variables where the value came from, and
/// replaces sensitive values by `(sensitive)` in every diagnostic.
pub(crate) fn annotate(diags: &mut Diags, vars: &Vars<'_>, sources: &Sources) {
    let mut by_span: BTreeMap<&Span, BTreeSet<&str>> = BTreeMap::new();
    for (sp, name) in vars.uses {
        by_span.entry(sp).or_default().insert(name.as_str());
    }
    for d in &mut diags.items {
        let names: Vec<&str> = d
            .labels
            .first()
            .and_then(|l| by_span.get(&l.span))
            .map(|n| n.iter().copied().collect())
            .unwrap_or_default();
        for name in names {
            let Some(decl) = vars.decls.get(name) else {
                continue;
            };
            if decl.sensitive {
                if let Some(v) = vars.values.get(name) {
                    for text in texts(&v.value) {
                        scrub(d, &text);
                    }
                }
            }
            if d.level == Level::Error {
                note(d, name, decl, vars, sources);
            }
        }
        for v in vars
            .values
            .values()
            .filter(|v| v.sensitive && !v.value.is_boolean())
        {
            for text in texts(&v.value) {
                if text.chars().count() >= SCRUB_EVERYWHERE_LEN {
                    scrub(d, &text);
                }
            }
        }
    }
}

/// "the value came from ...", in the help; a label at a non-sensitive default.
fn note(d: &mut Raw, name: &str, decl: &VarDecl, vars: &Vars<'_>, sources: &Sources) {
    let Some(origin) = vars.origins.get(name) else {
        return;
    };
    let set = match origin {
        Origin::Cli => format!("set by `--var {name}=...`"),
        Origin::File(path, line) => format!("set in var-file `{}:{line}`", path.display()),
        Origin::Env => format!("set by `{ENV_PREFIX}{name}`"),
        Origin::Default => match &decl.default_span {
            Some(sp) => {
                let line = sources
                    .get(&*sp.file)
                    .map_or(0, |t| line_col(t, sp.offset).0);
                format!(
                    "the default of `var.{name}` at `{}:{line}`",
                    sp.file.display()
                )
            }
            None => format!("the default of `var.{name}`"),
        },
    };
    let text = if decl.sensitive {
        format!("the value came from sensitive variable `{name}` ({set})")
    } else {
        format!("the value came from `var.{name}` ({set})")
    };
    d.help = Some(match d.help.take() {
        Some(h) => format!("{h}\n{text}"),
        None => text,
    });
    if let (Origin::Default, Some(sp), false) = (origin, &decl.default_span, decl.sensitive) {
        if !d.labels.iter().any(|l| &l.span == sp) {
            d.labels.push(Label {
                span: sp.clone(),
                text: format!("the value of `var.{name}`"),
            });
        }
    }
}

/// The ways a value may be spelled in a message.
fn texts(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| out.extend(texts(i))),
        Value::Object(m) => m.values().for_each(|i| out.extend(texts(i))),
        Value::Null => {}
        other => out.push(other.to_string()),
    }
    if !v.is_string() && !v.is_number() && !v.is_boolean() && !v.is_null() {
        out.push(v.to_string());
    }
    out.retain(|t| !t.is_empty());
    out
}

fn scrub(d: &mut Raw, secret: &str) {
    let redact = |s: &str| s.replace(secret, REDACTED);
    d.message = redact(&d.message);
    for l in &mut d.labels {
        l.text = redact(&l.text);
    }
    d.help = d.help.as_deref().map(redact);
}
