//! Modules, the unit of reuse: `module "NAME" source="./modules/X" { INPUT VALUE ... }`
//! (with `count` or `for-each`) loads the directory `X` as a config of its own, once per
//! instance, its `variable`s set from the inputs (evaluated in the caller's scope), its
//! resources at `module.NAME[INDEX].KIND.LABEL`, its `output`s read by the caller as
//! `module.NAME.OUTPUT`. Everything lands in the one flat model: the planner and engine
//! see addresses, not modules (docs/language.md, "Modules").

mod instance;
mod reference;
mod source;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::tree::{KdlEntry, KdlNode};

use crate::collect::{header_span, span, suggest};
use crate::diagnostic::Code;
use crate::eval::{Ev, Eval, Expansion};
use crate::model::{Edge, Index, Resource, Span};

pub(crate) use instance::Evaluated;

/// Where a config or module lives, for resolving the `source` of the modules it calls.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    /// The root config directory, canonical: no module is read from outside it.
    root: PathBuf,
    /// This config's or module's directory, canonical.
    dir: PathBuf,
    /// `dir` relative to `root` (empty at the root): the prefix of its files' spans.
    rel: PathBuf,
    /// The directories of the modules calling this one, root first (for cycles).
    callers: Vec<PathBuf>,
    /// Module instances loaded so far in this config, at every level.
    instances: Rc<Cell<usize>>,
    /// Unsaved module files (an editor's buffers), by path relative to `root`.
    overlay: Rc<BTreeMap<PathBuf, String>>,
    /// Each module directory's files, parsed once for all its instances.
    parsed: Rc<RefCell<BTreeMap<PathBuf, Rc<instance::Parsed>>>>,
}

impl Place {
    /// The root config directory `dir`, with the unsaved texts of module files (`None` if
    /// it cannot be resolved: loading reports it then).
    pub(crate) fn root(dir: &Path, overlay: BTreeMap<PathBuf, String>) -> Option<Place> {
        let canon = dir.canonicalize().ok()?;
        Some(Place {
            root: canon.clone(),
            dir: canon,
            rel: PathBuf::new(),
            callers: Vec::new(),
            instances: Rc::new(Cell::new(0)),
            overlay: Rc::new(overlay),
            parsed: Rc::default(),
        })
    }
}

/// One `module` call as declared.
pub(crate) struct Call<'a> {
    node: KdlNode<'a>,
    file: &'a Path,
    /// The resolved source directory (`None`: refused, reported).
    source: Option<Place>,
    /// The `module "NAME"` header.
    span: Span,
    /// `Pending` until [`expand`] (a reference meanwhile is from a `count` or `for-each`).
    pub(crate) expansion: Expansion,
    count: Option<KdlEntry<'a>>,
    each: Option<KdlEntry<'a>>,
    instances: BTreeMap<Option<Index>, Instance>,
}

/// An instance's evaluation.
enum Instance {
    /// Being evaluated: a reference back to it is a cycle.
    Running,
    /// Evaluated (its diagnostics are in the caller's).
    Done(Rc<Evaluated>),
    /// Could not be evaluated (reported).
    Failed,
}

/// An output of a module instance as the caller sees it: its value and the references
/// its value made (`None`: the output failed, reported).
pub(crate) type OutputVal = Option<(Ev, Vec<Edge>)>;

/// Declares the `module` calls `nodes`: name, `source`, inputs; [`expand`] evaluates their
/// `count` / `for-each` next. Instances are evaluated on first use.
pub(crate) fn calls<'a>(ev: &mut Eval<'a>, nodes: &[(KdlNode<'a>, &'a Path)]) {
    for (node, file) in nodes {
        let Some((name, name_span)) = crate::load::label(*node, file, &mut ev.diags, "module")
            .map(|(l, sp)| (l.to_owned(), sp))
        else {
            continue;
        };
        if !name.chars().all(crate::schema::is_label_char) {
            ev.diags.error(
                Code::InvalidName,
                &name_span,
                format!("`{name}` cannot be used in an address"),
                "invalid module name",
                Some("module names use letters, digits, `_` and `-`".to_owned()),
            );
            continue;
        }
        let header = header_span(file, *node);
        if let Some(first) = ev.calls.get(&name) {
            let first = first.span.clone();
            let what = format!("module `{name}`");
            crate::load::duplicate(&mut ev.diags, &what, &header, &first);
            continue;
        }
        let call = call(ev, *node, file, &name, header);
        ev.calls.insert(name, call);
    }
}

/// One call's properties.
fn call<'a>(
    ev: &mut Eval<'a>,
    node: KdlNode<'a>,
    file: &'a Path,
    name: &str,
    header: Span,
) -> Call<'a> {
    let (mut count, mut each, mut source_entry) = (None, None, None);
    for e in node.entries().iter().filter(|e| e.name().is_none()).skip(1) {
        ev.diags.error(
            Code::UnknownAttribute,
            &span(file, e.span()),
            format!("`module \"{name}\"` takes one label"),
            "unexpected argument",
            Some("inputs go inside the braces: `module \"NAME\" source=\"./modules/X\" { INPUT VALUE }`".to_owned()),
        );
    }
    for e in node.entries() {
        match e.name().map(|n| n.value()) {
            None => {}
            Some("count") => count = Some(e),
            Some("for-each") => each = Some(e),
            Some("source") => source_entry = Some(e),
            Some(other) => ev.diags.error(
                Code::UnknownAttribute,
                &span(file, e.span()),
                format!("`module` takes no property `{other}`"),
                "unknown property",
                suggest(other, &["source", "count", "for-each"]),
            ),
        }
    }
    let source = match source_entry {
        Some(e) => source::resolve(ev, file, e),
        None => {
            ev.diags.error(
                Code::MissingAttribute,
                &header,
                format!("module `{name}` has no `source`"),
                "source missing",
                Some(format!(
                    "write `module \"{name}\" source=\"./modules/NAME\" {{ ... }}`"
                )),
            );
            None
        }
    };
    Call {
        node,
        file,
        source,
        span: header,
        expansion: Expansion::Pending,
        count,
        each,
        instances: BTreeMap::new(),
    }
}

/// Evaluates every call's `count` / `for-each` in the caller's scope, like a resource's.
pub(crate) fn expand(ev: &mut Eval<'_>) {
    let names: Vec<String> = ev.calls.keys().cloned().collect();
    for name in names {
        let Some(call) = ev.calls.get(&name) else {
            continue;
        };
        let (file, count, each) = (call.file, call.count, call.each);
        let what = format!("module.{name}");
        let expansion = crate::resources::expansion(ev, file, &what, count, each);
        if let Some(call) = ev.calls.get_mut(&name) {
            call.expansion = expansion;
        }
    }
}

/// The files of every module directory the config files `files` of `root` reach through
/// `module` calls, by path relative to `root` (for `fmt`; a source that cannot be read is
/// skipped: loading reports it).
pub(crate) fn module_files(root: &Path, files: &[(PathBuf, String)]) -> Vec<(PathBuf, String)> {
    let Some(top) = Place::root(root, BTreeMap::new()) else {
        return Vec::new();
    };
    let mut queue: Vec<(PathBuf, Vec<String>)> = vec![(top.dir.clone(), sources_in(files))];
    let mut seen = std::collections::BTreeSet::from([top.dir.clone()]);
    let mut out = Vec::new();
    while let Some((dir, sources)) = queue.pop() {
        for text in sources {
            let Some(found) = source::local_dir(&top.root, &dir, &text) else {
                continue;
            };
            if !seen.insert(found.clone()) || seen.len() > crate::limits::MODULE_MAX_INSTANCES {
                continue;
            }
            let Ok(read) = crate::source::read_dir(&found) else {
                continue;
            };
            let rel = found
                .strip_prefix(&top.root)
                .unwrap_or(&found)
                .to_path_buf();
            let read: Vec<(PathBuf, String)> =
                read.into_iter().map(|(f, t)| (rel.join(f), t)).collect();
            queue.push((found, sources_in(&read)));
            out.extend(read);
        }
    }
    out
}

/// The `source` of every `module` call in `files`.
fn sources_in(files: &[(PathBuf, String)]) -> Vec<String> {
    let docs = files.iter().filter(|(_, t)| t.contains("module"));
    let docs = docs.filter_map(|(_, t)| crate::source::parse_document(t));
    let mut out = Vec::new();
    for doc in docs {
        let calls = doc.nodes().iter().filter(|n| n.name().value() == "module");
        out.extend(calls.filter_map(|n| Some(n.get("source")?.as_string()?.to_owned())));
    }
    out
}

/// Refuses a node a module may not hold (`load::ROOT_ONLY`).
pub(crate) fn root_only(ev: &mut Eval<'_>, node: KdlNode<'_>, file: &Path) {
    let name = node.name().value();
    ev.diags.error(
        Code::RootOnly,
        &crate::collect::name_span(file, node),
        format!("a module cannot hold `{name}`"),
        "only the root config may",
        Some(format!("move `{name}` to the root config: the provider, state, timeouts, policy and day-two blocks apply to the whole config, and `moved`/`import`/`removed` there take module addresses (`module.NAME.vm.x`)")),
    );
}

/// Every resource of every instance of the module calls of `ev` (nested ones included),
/// evaluating the instances nothing referred to yet.
pub(crate) fn resources(ev: &mut Eval<'_>) -> Vec<Resource> {
    let mut out = Vec::new();
    let names: Vec<String> = ev.calls.keys().cloned().collect();
    for name in names {
        let Some(call) = ev.calls.get(&name) else {
            continue;
        };
        let sp = call.span.clone();
        for (index, _) in call.expansion.instances() {
            if let Some(done) = ev.module_instance(&name, index, &sp) {
                out.extend(done.resources.iter().cloned());
            }
        }
    }
    out
}

impl Eval<'_> {
    /// The evaluated instance `index` of module call `name` (evaluated now if it was not).
    pub(crate) fn module_instance(
        &mut self,
        name: &str,
        index: Option<Index>,
        sp: &Span,
    ) -> Option<Rc<Evaluated>> {
        let call = self.calls.get_mut(name)?;
        match call.instances.get(&index) {
            Some(Instance::Done(done)) => return Some(done.clone()),
            Some(Instance::Failed) => return None,
            Some(Instance::Running) => {
                self.diags.error(
                    Code::Cycle,
                    sp,
                    format!("module `module.{name}` depends on itself"),
                    "this reference closes the cycle",
                    Some("an input of a module cannot refer, directly or through other values, to the module's own outputs".to_owned()),
                );
                return None;
            }
            None => {}
        }
        call.instances.insert(index.clone(), Instance::Running);
        let result = instance::evaluate(self, name, index.clone()).map(Rc::new);
        let state = match &result {
            Some(done) => Instance::Done(done.clone()),
            None => Instance::Failed,
        };
        if let Some(call) = self.calls.get_mut(name) {
            call.instances.insert(index, state);
        }
        result
    }
}
