//! Attribute readers used while building a resource instance: one value, a list of links,
//! typed conversions with diagnostics, and sensitivity tracking.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::tree::{KdlEntry, KdlNode};
use serde_json::Value;

use crate::collect::{name_span, span, suggest};
use crate::diagnostic::Code;
use crate::eval::{Ev, Eval, Scope, Val};
use crate::literal::type_name;
use crate::model::{Address, Expr, Kind, Span};

/// Builds one instance: the evaluator, its file, scope and address.
pub(crate) struct Builder<'e, 'a> {
    pub(crate) ev: &'e mut Eval<'a>,
    pub(crate) file: &'a Path,
    pub(crate) scope: Scope,
    pub(crate) addr: Address,
    pub(crate) sensitive: BTreeSet<String>,
    /// Entries whose value derives from a sensitive variable: never echoed.
    pub(crate) sensitive_spans: BTreeSet<Span>,
    /// What unknown children (already reported) were taken for: `size-gbb` -> `size-gb`.
    pub(crate) misspelt: Vec<String>,
}

/// The child nodes of a resource, by name (repeatable ones listed in order).
pub(crate) struct Children<'a> {
    /// A resource has a dozen attributes at most: a list searched in place beats a map
    /// built per resource (100k of them at 100k resources).
    pub(crate) one: Vec<(&'a str, KdlNode<'a>)>,
    pub(crate) many: BTreeMap<&'a str, Vec<KdlNode<'a>>>,
}

impl<'a> Children<'a> {
    pub(crate) fn get(&self, name: &str) -> Option<KdlNode<'a>> {
        self.one
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, node)| *node)
    }
    pub(crate) fn all(&self, name: &str) -> Vec<KdlNode<'a>> {
        self.many.get(name).cloned().unwrap_or_default()
    }
}

const REPEATABLE: &[&str] = &["rule", "security-rule", "precondition", "postcondition"];

fn describe(ev: &Val) -> String {
    match ev {
        Val::Json(v) => format!("a {}", type_name(v)),
        Val::Link(a) => format!("a reference to `{a}`"),
        Val::Links(v) => format!("a list of {} resource references", v.len()),
        Val::After(_) => "a value known after apply".to_owned(),
        Val::Poison => "an invalid value".to_owned(),
    }
}

fn after_text(e: &Expr) -> String {
    match e {
        Expr::Attr { target, attr } => format!("`{target}.{attr}`"),
        Expr::Splat { kind, name, attr } => format!("`{kind}.{name}[*].{attr}`"),
        Expr::List(items) => items
            .iter()
            .map(after_text)
            .find(|t| t != "it")
            .unwrap_or_else(|| "it".to_owned()),
        Expr::Template(parts) => parts
            .iter()
            .filter_map(|p| match p {
                crate::model::TemplatePart::Expr(e) => Some(after_text(e)),
                crate::model::TemplatePart::Text(_) => None,
            })
            .find(|t| t != "it")
            .unwrap_or_else(|| "it".to_owned()),
        Expr::Value(_) => "it".to_owned(),
    }
}

impl<'e, 'a> Builder<'e, 'a> {
    pub(crate) fn sp(&self, s: miette::SourceSpan) -> Span {
        span(self.file, s)
    }

    /// Splits children by name; reports unknown names (with did-you-mean) and duplicates.
    pub(crate) fn children(&mut self, node: KdlNode<'a>, allowed: &[&str]) -> Children<'a> {
        let mut c = Children {
            one: Vec::new(),
            many: BTreeMap::new(),
        };
        let Some(doc) = node.children() else { return c };
        c.one.reserve(doc.len());
        for child in doc {
            let name = child.name().value();
            if !allowed.contains(&name) {
                let owner = node.name().value();
                let (message, label) = if owner == self.addr.kind.as_str() {
                    (
                        format!("`{}` has no attribute `{name}`", self.addr.kind),
                        "unknown attribute",
                    )
                } else {
                    (
                        format!("`{owner}` has no setting `{name}`"),
                        "unknown setting",
                    )
                };
                let help = suggest(name, allowed);
                self.ev.diags.error(
                    Code::UnknownAttribute,
                    &name_span(self.file, child),
                    message,
                    label,
                    help,
                );
                if let Some(meant) = crate::collect::did_you_mean(name, allowed.iter().copied()) {
                    self.misspelt.push(meant);
                }
                continue;
            }
            if REPEATABLE.contains(&name) {
                c.many.entry(name).or_default().push(child);
                continue;
            }
            if let Some(first) = c.get(name) {
                let first_line = self.sp(first.span());
                self.ev.diags.error_labels(
                    Code::DuplicateAttribute,
                    format!("`{name}` is set twice in `{}`", self.addr.block()),
                    vec![
                        crate::diagnostic::Label {
                            span: name_span(self.file, child),
                            text: "set again here".to_owned(),
                        },
                        crate::diagnostic::Label {
                            span: Span {
                                len: first.name().span().len(),
                                ..first_line
                            },
                            text: "first set here".to_owned(),
                        },
                    ],
                    Some("remove one of them".to_owned()),
                );
                continue;
            }
            c.one.push((name, child));
        }
        c
    }

    /// Reports properties of `node` not in `allowed`.
    pub(crate) fn check_props(&mut self, node: KdlNode<'_>, allowed: &[&str]) {
        for e in node.entries() {
            if let Some(n) = e.name() {
                if !allowed.contains(&n.value()) {
                    self.ev.diags.error(
                        Code::UnknownAttribute,
                        &self.sp(e.span()),
                        format!("`{}` has no property `{}`", node.name().value(), n.value()),
                        "unknown property",
                        suggest(n.value(), allowed),
                    );
                }
            }
        }
    }

    /// The positional arguments of `node`.
    pub(crate) fn args(node: KdlNode<'a>) -> Vec<KdlEntry<'a>> {
        node.entries()
            .iter()
            .filter(|e| e.name().is_none())
            .collect()
    }

    /// Exactly one positional argument, evaluated.
    pub(crate) fn one(&mut self, node: KdlNode<'a>, props: &[&str]) -> Option<(Ev, Span)> {
        self.check_props(node, props);
        // The first two positional arguments, without a list per attribute (a million
        // attributes at 100k resources).
        let mut args = node.entries().iter().filter(|e| e.name().is_none());
        let name = node.name().value();
        match [args.next(), args.next()] {
            [Some(e), None] => {
                let ev = self.ev.entry(self.file, e, &self.scope);
                if ev.sensitive {
                    self.sensitive.insert(name.to_owned());
                    self.sensitive_spans.insert(self.sp(e.span()));
                }
                Some((ev, self.sp(e.span())))
            }
            [None, _] => {
                self.ev.diags.error(
                    Code::MissingAttribute,
                    &name_span(self.file, node),
                    format!("`{name}` needs a value"),
                    "value missing",
                    None,
                );
                None
            }
            [Some(_), Some(extra)] => {
                self.ev.diags.error(
                    Code::WrongType,
                    &self.sp(extra.span()),
                    format!("`{name}` takes one value"),
                    "extra value",
                    None,
                );
                None
            }
        }
    }

    /// A plan-time value (not a reference, not known-after-apply).
    pub(crate) fn plain(&mut self, ev: Ev, sp: &Span, what: &str) -> Option<Value> {
        match ev.val {
            Val::Json(v) => Some(v),
            Val::Poison => None,
            Val::After(e) => {
                self.ev.diags.error(
                    Code::KnownAfterApply,
                    sp,
                    format!("`{what}` must be known at plan time, but {} is known only after apply", after_text(&e)),
                    "known only after apply",
                    Some("use it in an `output`, or use a value known now (a variable, a local, a name or region)".to_owned()),
                );
                None
            }
            other => {
                let help = match &other {
                    Val::Link(a) => Some(format!("name an attribute, e.g. `(ref)\"{a}.name\"`")),
                    _ => None,
                };
                self.ev.diags.error(
                    Code::WrongType,
                    sp,
                    format!("`{what}` expects a value, found {}", describe(&other)),
                    "not a value",
                    help,
                );
                None
            }
        }
    }

    fn wrong(&mut self, sp: &Span, what: &str, expected: &str, v: &Value) {
        self.ev.diags.error(
            Code::WrongType,
            sp,
            format!("`{what}` must be {expected}, found a {}", type_name(v)),
            format!("expected {expected}"),
            None,
        );
    }

    pub(crate) fn want_string(&mut self, ev: Ev, sp: &Span, what: &str) -> Option<String> {
        let v = self.plain(ev, sp, what)?;
        match v {
            Value::String(s) => Some(s),
            other => {
                self.wrong(sp, what, "a string", &other);
                None
            }
        }
    }

    pub(crate) fn want_int(&mut self, ev: Ev, sp: &Span, what: &str) -> Option<i64> {
        let v = self.plain(ev, sp, what)?;
        match v.as_i64() {
            Some(n) => Some(n),
            None => {
                self.wrong(sp, what, "an integer", &v);
                None
            }
        }
    }

    pub(crate) fn want_bool(&mut self, ev: Ev, sp: &Span, what: &str) -> Option<bool> {
        let v = self.plain(ev, sp, what)?;
        match v {
            Value::Bool(b) => Some(b),
            other => {
                let help = match other.as_str() {
                    Some("true" | "false") => Some(format!(
                        "KDL v2 spells booleans `#{}`",
                        other.as_str().unwrap_or("")
                    )),
                    _ => Some("write `#true` or `#false`".to_owned()),
                };
                self.ev.diags.error(
                    Code::WrongType,
                    sp,
                    format!("`{what}` must be a bool, found a {}", type_name(&other)),
                    "expected `#true` or `#false`",
                    help,
                );
                None
            }
        }
    }

    /// Resource instances of `kind` from an evaluated value.
    pub(crate) fn want_links(&mut self, ev: Ev, sp: &Span, what: &str, kind: Kind) -> Vec<Address> {
        if let Some(link) = self.data_link(&ev, kind) {
            self.ev.diags.error(
                Code::WrongType,
                sp,
                format!("`{what}` links the config's own `{kind}` resources, not `{}`", link.source),
                "an existing object",
                Some(format!("a data source's object is only read; to manage it, adopt it with `import to=\"{kind}.NAME\" id=\"{}\"`", link.id)),
            );
            return vec![];
        }
        let list = match ev.val {
            Val::Link(a) => vec![a],
            Val::Links(v) => v,
            Val::Poison => return vec![],
            Val::Json(Value::String(s)) => {
                self.ev.diags.error(
                    Code::WrongType,
                    sp,
                    format!("`{what}` expects a reference to a `{kind}`, found a string"),
                    "a string, not a reference",
                    Some(if s.starts_with(&format!("{kind}.")) {
                        format!("write `(ref)\"{s}\"`")
                    } else {
                        format!("write `(ref)\"{kind}.NAME\"`")
                    }),
                );
                return vec![];
            }
            other => {
                let d = describe(&other);
                self.ev.diags.error(
                    Code::WrongType,
                    sp,
                    format!("`{what}` expects a reference to a `{kind}`, found {d}"),
                    "not a reference",
                    Some(format!("write `(ref)\"{kind}.NAME\"`")),
                );
                return vec![];
            }
        };
        let mut out = Vec::new();
        for a in list {
            if a.kind == kind {
                out.push(a);
            } else {
                self.ev.diags.error(
                    Code::WrongType,
                    sp,
                    format!("`{what}` expects a `{kind}`, but `{a}` is a `{}`", a.kind),
                    format!("not a `{kind}`"),
                    None,
                );
            }
        }
        out
    }

    /// All positional arguments of `node` as links of `kind`.
    pub(crate) fn links(&mut self, node: KdlNode<'a>, kind: Kind) -> Vec<Address> {
        self.check_props(node, &[]);
        let name = node.name().value().to_owned();
        // One address per argument but for splats: a VM's list of one key held room for
        // four (15 MB of a 100k-resource model).
        let args = Self::args(node);
        let mut out = Vec::with_capacity(args.len());
        for &e in &args {
            let ev = self.ev.entry(self.file, e, &self.scope);
            let sp = self.sp(e.span());
            out.extend(self.want_links(ev, &sp, &name, kind));
        }
        if out.is_empty() && args.is_empty() {
            self.ev.diags.error(
                Code::MissingAttribute,
                &name_span(self.file, node),
                format!("`{name}` lists no `{kind}`"),
                "empty",
                Some(format!("write `{name} (ref)\"{kind}.NAME\"`")),
            );
        }
        out
    }

    /// One link of `kind`.
    pub(crate) fn link(&mut self, node: KdlNode<'a>, kind: Kind) -> Option<Address> {
        let (ev, sp) = self.one(node, &[])?;
        let name = node.name().value().to_owned();
        let v = self.want_links(ev, &sp, &name, kind);
        if v.len() > 1 {
            self.ev.diags.error(
                Code::WrongType,
                &sp,
                format!("`{name}` takes one `{kind}`, this names {}", v.len()),
                "several instances",
                Some("pick one instance with an index, e.g. `[0]`".to_owned()),
            );
            return None;
        }
        v.into_iter().next()
    }

    /// A string attribute.
    pub(crate) fn string(&mut self, node: KdlNode<'a>) -> Option<(String, Span)> {
        let (ev, sp) = self.one(node, &[])?;
        let s = self.want_string(ev, &sp, node.name().value())?;
        Some((s, sp))
    }

    /// An integer attribute.
    pub(crate) fn int(&mut self, node: KdlNode<'a>) -> Option<(i64, Span)> {
        let (ev, sp) = self.one(node, &[])?;
        let n = self.want_int(ev, &sp, node.name().value())?;
        Some((n, sp))
    }

    /// A bool attribute.
    pub(crate) fn bool(&mut self, node: KdlNode<'a>) -> Option<bool> {
        let (ev, sp) = self.one(node, &[])?;
        self.want_bool(ev, &sp, node.name().value())
    }

    /// A property of `node` evaluated.
    pub(crate) fn prop(&mut self, node: KdlNode<'a>, name: &str) -> Option<(Ev, Span)> {
        let e = node
            .entries()
            .iter()
            .find(|e| e.name().is_some_and(|n| n.value() == name))?;
        let ev = self.ev.entry(self.file, e, &self.scope);
        if ev.sensitive {
            self.sensitive.insert(node.name().value().to_owned());
            self.sensitive_spans.insert(self.sp(e.span()));
        }
        Some((ev, self.sp(e.span())))
    }

    /// `value` in backticks, or `(sensitive)` when the entry at `sp` derives from a
    /// sensitive variable.
    pub(crate) fn shown(&self, sp: &Span, value: &str) -> String {
        if self.sensitive_spans.contains(sp) {
            crate::provenance::REDACTED.to_owned()
        } else {
            format!("`{value}`")
        }
    }

    /// Checks `value` is one of `allowed`; reports with did-you-mean (a sensitive value gets
    /// the list: a close match would tell something of the secret).
    pub(crate) fn one_of(&mut self, value: &str, sp: &Span, what: &str, allowed: &[&str]) -> bool {
        if allowed.contains(&value) {
            return true;
        }
        let help = if self.sensitive_spans.contains(sp) {
            suggest("", allowed)
        } else {
            suggest(value, allowed)
        };
        self.ev.diags.error(
            Code::InvalidValue,
            sp,
            format!("unknown {what} {}", self.shown(sp, value)),
            format!("not a known {what}"),
            help,
        );
        false
    }
}
