//! The blocks that speak about existing objects rather than desired ones: `import` (adopt an
//! object at a config address), `moved` (rename a state address) and `removed` (stop
//! managing an address, destroying its objects or not). Each is checked against the
//! declared resources, so a contradiction is a diagnostic at its token, never a surprise in
//! a plan.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::tree::{KdlEntry, KdlNode};
use serde_json::Value;

use crate::collect::{header_span, span, suggest};
use crate::diagnostic::Code;
use crate::eval::{Eval, Scope, Val};
use crate::model::{Address, Import, ImportBy, Kind, Moved, Removed, Resource, Span};

/// What the blocks declared (only the valid ones).
#[derive(Debug, Default)]
pub(crate) struct DayTwo {
    pub(crate) imports: Vec<Import>,
    pub(crate) moved: Vec<Moved>,
    pub(crate) removed: Vec<Removed>,
}

/// What the config declares: resource instances and blocks.
struct Declared<'r> {
    instances: BTreeSet<&'r Address>,
    blocks: BTreeSet<Address>,
}

impl Declared<'_> {
    /// Whether `a` (an instance, or a block address) is declared.
    fn has(&self, a: &Address) -> bool {
        self.instances.contains(a) || (a.index.is_none() && self.blocks.contains(a))
    }
}

/// Parses and checks every `import`, `moved` and `removed` node.
pub(crate) fn blocks(
    ev: &mut Eval<'_>,
    nodes: &[(KdlNode<'_>, &Path)],
    resources: &[Resource],
    blocks: &[(Kind, &str)],
) -> DayTwo {
    // The index of every declared address is for checking these blocks: most configs have
    // none, and at 100k resources it cost 24 MB at the load phase's peak.
    if nodes.is_empty() {
        return DayTwo::default();
    }
    let declared = Declared {
        instances: resources.iter().map(|r| &r.address).collect(),
        blocks: blocks
            .iter()
            .map(|(k, l)| Address::new(*k, *l))
            .chain(resources.iter().map(|r| r.address.block()))
            .collect(),
    };
    let mut out = DayTwo::default();
    for (node, file) in nodes {
        let props = Props::read(ev, node, file);
        match node.name().value() {
            "import" => out.imports.extend(import(ev, &props, &declared)),
            "moved" => match crate::module_moves::paths(&props.raw("from"), &props.raw("to")) {
                Some((from, to)) => out.moved.extend(crate::module_moves::expand(
                    ev,
                    (from, to),
                    &props.node_span,
                    resources,
                )),
                None => out.moved.extend(moved(ev, &props, &declared)),
            },
            _ => out.removed.extend(removed(ev, &props, &declared)),
        }
    }
    duplicate_imports(ev, &out.imports);
    moved_cycles(ev, &out.moved);
    moved_targets(ev, &out.moved, &declared);
    out
}

/// The properties of one node, each with its span; unknown ones reported.
struct Props<'n> {
    what: &'static str,
    node_span: Span,
    file: &'n Path,
    entries: BTreeMap<&'n str, (KdlEntry<'n>, Span)>,
}

impl<'n> Props<'n> {
    fn read(ev: &mut Eval<'_>, node: &'n KdlNode, file: &'n Path) -> Self {
        let (what, allowed): (&'static str, &[&str]) = match node.name().value() {
            "import" => ("import", &["to", "id", "name"]),
            "moved" => ("moved", &["from", "to"]),
            _ => ("removed", &["from", "destroy"]),
        };
        let mut entries = BTreeMap::new();
        for e in node.entries() {
            let sp = span(file, e.span());
            match e.name().map(|n| n.value()) {
                Some(k) if allowed.contains(&k) => {
                    entries.insert(k, (e, sp));
                }
                Some(k) => ev.diags.error(
                    Code::UnknownAttribute,
                    &sp,
                    format!("`{what}` has no property `{k}`"),
                    "unknown property",
                    suggest(k, allowed),
                ),
                None => ev.diags.error(
                    Code::WrongType,
                    &sp,
                    format!("`{what}` takes properties only"),
                    "unexpected argument",
                    Some(example(what).to_owned()),
                ),
            }
        }
        if node.children().is_some() {
            ev.diags.error(
                Code::UnknownAttribute,
                &header_span(file, *node),
                format!("`{what}` takes no children"),
                "unexpected block",
                Some(example(what).to_owned()),
            );
        }
        Props {
            what,
            node_span: header_span(file, *node),
            file,
            entries,
        }
    }

    /// The plain-string text of property `key`, if it has one (unchecked).
    fn raw(&self, key: &str) -> Option<String> {
        let (e, _) = self.entries.get(key)?;
        e.value().as_string().map(str::to_owned)
    }

    /// A required address property.
    fn address(&self, ev: &mut Eval<'_>, key: &str) -> Option<(Address, Span)> {
        let Some((e, sp)) = self.entries.get(key) else {
            self.missing(ev, key);
            return None;
        };
        let text = match e.value().as_string() {
            Some(s) if e.ty().is_none() => s,
            _ => {
                ev.diags.error(
                    Code::WrongType,
                    sp,
                    format!("`{key}` is an address written as a plain string"),
                    "not a plain string",
                    Some(format!("write `{key}=\"vm.trainer[0]\"`")),
                );
                return None;
            }
        };
        match text.parse::<Address>() {
            Ok(a) => Some((a, sp.clone())),
            Err(err) => {
                ev.diags.error(
                    Code::InvalidValue,
                    sp,
                    err.to_string(),
                    "not an address",
                    Some(
                        "an address is `KIND.NAME`, `KIND.NAME[N]` or `KIND.NAME[\"key\"]`".into(),
                    ),
                );
                None
            }
        }
    }

    /// An optional string property (a plain string or a variable).
    fn string(&self, ev: &mut Eval<'_>, key: &str) -> Option<Option<String>> {
        let (e, sp) = self.entries.get(key)?.clone();
        let v = ev.entry(self.file, e, &Scope::default());
        match v.val {
            Val::Json(Value::String(s)) if !s.is_empty() => Some(Some(s)),
            Val::Json(Value::Number(n)) if key == "id" => Some(Some(n.to_string())),
            Val::Poison => Some(None),
            _ => {
                ev.diags.error(
                    Code::WrongType,
                    &sp,
                    format!("`{key}` is a non-empty string known at plan time"),
                    "not a string",
                    None,
                );
                Some(None)
            }
        }
    }

    fn missing(&self, ev: &mut Eval<'_>, key: &str) {
        ev.diags.error(
            Code::MissingAttribute,
            &self.node_span,
            format!("this `{}` has no `{key}`", self.what),
            format!("`{key}` missing"),
            Some(example(self.what).to_owned()),
        );
    }
}

fn example(what: &str) -> &'static str {
    match what {
        "import" => "write `import to=\"vm.trainer\" id=\"123\"` or `import to=\"volume.data\" name=\"team datasets\"`",
        "moved" => "write `moved from=\"vm.old\" to=\"vm.new\"`",
        _ => "write `removed from=\"vm.old\" destroy=#false` (keep the object) or `destroy=#true`",
    }
}

fn import(ev: &mut Eval<'_>, props: &Props<'_>, declared: &Declared<'_>) -> Option<Import> {
    let to = props.address(ev, "to");
    let id = props.string(ev, "id");
    let name = props.string(ev, "name");
    let by = match (id, name) {
        (Some(_), Some(_)) => {
            ev.diags.error(
                Code::InvalidValue,
                &props.node_span,
                "an `import` names its object by `id` or by `name`, not both",
                "both given",
                Some(example("import").to_owned()),
            );
            return None;
        }
        (Some(id), None) => ImportBy::Id(id?),
        (None, Some(name)) => ImportBy::Name(name?),
        (None, None) => {
            props.missing(ev, "id");
            return None;
        }
    };
    let (to, sp) = to?;
    // A declared block takes only its own instances; an undeclared address is allowed
    // (`garrison plan --generate-config-out` writes its config).
    if !declared.instances.contains(&to) && declared.blocks.contains(&to.block()) {
        ev.diags.error(
            Code::BadIndex,
            &sp,
            format!("`{to}` is not an instance of `{}`", to.block()),
            "no such instance",
            Some(format!(
                "import into one of its instances, e.g. `{}`",
                instance_example(declared, &to)
            )),
        );
        return None;
    }
    Some(Import {
        to,
        by,
        span: props.node_span.clone(),
    })
}

fn instance_example(declared: &Declared<'_>, to: &Address) -> String {
    declared
        .instances
        .iter()
        .find(|a| a.block() == to.block())
        .map_or_else(|| to.to_string(), ToString::to_string)
}

fn moved(ev: &mut Eval<'_>, props: &Props<'_>, declared: &Declared<'_>) -> Option<Moved> {
    let from = props.address(ev, "from");
    let to = props.address(ev, "to");
    let ((from, from_sp), (to, to_sp)) = (from?, to?);
    let error = |ev: &mut Eval<'_>, sp: &Span, message: String, label: &str, help: String| {
        ev.diags
            .error(Code::BadMove, sp, message, label.to_owned(), Some(help));
    };
    if from.kind != to.kind {
        error(
            ev,
            &to_sp,
            format!("cannot move a `{}` to a `{}`", from.kind, to.kind),
            "another kind",
            "a move keeps the object: its kind cannot change".into(),
        );
        return None;
    }
    if from == to {
        error(
            ev,
            &to_sp,
            format!("`{from}` is moved to itself"),
            "same address",
            "remove this `moved` block".into(),
        );
        return None;
    }
    // Without an index, `from` is a block only when `to` is one too (a block move); moved
    // to an instance it is the one object of a resource without `count` (adding `count`:
    // `from="vm.a" to="vm.a[0]"`), still declared only as such.
    let still_declared = if to.index.is_some() {
        declared.instances.contains(&from)
    } else {
        declared.has(&from)
    };
    if still_declared {
        error(
            ev,
            &from_sp,
            format!("`{from}` is still declared"),
            "still in the config",
            format!("a move renames `{from}` to `{to}`: remove or rename the resource `{from}`"),
        );
        return None;
    }
    Some(Moved {
        from,
        to,
        span: props.node_span.clone(),
    })
}

fn removed(ev: &mut Eval<'_>, props: &Props<'_>, declared: &Declared<'_>) -> Option<Removed> {
    let from = props.address(ev, "from");
    let destroy = match props.entries.get("destroy") {
        None => {
            props.missing(ev, "destroy");
            None
        }
        Some((e, sp)) => match e.value().as_bool() {
            Some(b) => Some(b),
            None => {
                ev.diags.error(
                    Code::WrongType,
                    sp,
                    "`destroy` is `#true` or `#false`",
                    "not a bool",
                    Some(example("removed").to_owned()),
                );
                None
            }
        },
    };
    let (from, sp) = from?;
    if declared.has(&from) {
        ev.diags.error(
            Code::BadMove,
            &sp,
            format!("`{from}` is still declared"),
            "still in the config",
            Some(format!(
                "remove the resource `{from}` from the config, or this `removed` block"
            )),
        );
        return None;
    }
    Some(Removed {
        from,
        destroy: destroy?,
        span: props.node_span.clone(),
    })
}

fn duplicate_imports(ev: &mut Eval<'_>, imports: &[Import]) {
    let mut seen: BTreeMap<&Address, &Span> = BTreeMap::new();
    let mut by: BTreeMap<(Kind, &ImportBy), &Span> = BTreeMap::new();
    for i in imports {
        if let Some(first) = seen.insert(&i.to, &i.span) {
            ev.diags.error_labels(
                Code::Duplicate,
                format!("`{}` is imported twice", i.to),
                labels(&i.span, first),
                Some("one object per address: remove one `import`".into()),
            );
        }
        if let Some(first) = by.insert((i.to.kind, &i.by), &i.span) {
            ev.diags.error_labels(
                Code::Duplicate,
                format!("{} `{}` is imported twice", i.to.kind, i.by),
                labels(&i.span, first),
                Some("one object has one address: remove one `import`".into()),
            );
        }
    }
}

fn labels(again: &Span, first: &Span) -> Vec<crate::diagnostic::Label> {
    vec![
        crate::diagnostic::Label {
            span: again.clone(),
            text: "again here".into(),
        },
        crate::diagnostic::Label {
            span: first.clone(),
            text: "first here".into(),
        },
    ]
}

/// Every chain of moves ends at a declared address (`to` is declared, or moved on).
fn moved_targets(ev: &mut Eval<'_>, moved: &[Moved], declared: &Declared<'_>) {
    let sources: BTreeSet<&Address> = moved.iter().map(|m| &m.from).collect();
    for m in moved {
        let to = &m.to;
        if declared.has(to) || declared.blocks.contains(&to.block()) || sources.contains(to) {
            continue;
        }
        ev.diags.error(
            Code::BadMove,
            &m.span,
            format!("`{to}` is not declared"),
            "moved to an address not in the config",
            Some(format!(
                "declare `{to}`, or use `removed from=\"{}\" destroy=#false` to stop managing it",
                m.from
                    .to_string()
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
            )),
        );
    }
}

/// Two `moved` blocks from one address, or a chain that comes back to where it started.
fn moved_cycles(ev: &mut Eval<'_>, moved: &[Moved]) {
    let mut from: BTreeMap<&Address, &Moved> = BTreeMap::new();
    for m in moved {
        if let Some(first) = from.insert(&m.from, m) {
            ev.diags.error_labels(
                Code::BadMove,
                format!("`{}` is moved twice", m.from),
                labels(&m.span, &first.span),
                Some("an object moves to one address: remove one `moved`".into()),
            );
        }
    }
    for m in moved {
        let mut at = &m.to;
        for _ in 0..=moved.len() {
            match from.get(at) {
                Some(next) if next.from == m.from => {
                    ev.diags.error(
                        Code::BadMove,
                        &m.span,
                        format!("the `moved` blocks from `{}` come back to it", m.from),
                        "a cycle",
                        Some("a chain of moves must end at a declared address".into()),
                    );
                    return;
                }
                Some(next) => at = &next.to,
                None => break,
            }
        }
    }
}
