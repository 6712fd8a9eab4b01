//! Evaluating one module instance: its inputs in the caller's scope, then the module's
//! directory as a config of its own (root-only nodes refused) whose variables are those
//! inputs, whose addresses carry the instance's module path, and whose diagnostics, file
//! texts and `(file)` reads join the caller's.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use super::{OutputVal, Place};
use crate::collect::{did_you_mean, name_span, Diags};
use crate::diagnostic::Code;
use crate::eval::{Ev, Eval, Expansion, Scope, Val};
use crate::model::{Edge, Index, ModuleStep, Resource, Span};
use crate::vars::VarDecl;

/// What an instance gives its caller.
pub(crate) struct Evaluated {
    /// Its resources and those of the modules it calls.
    pub(crate) resources: Vec<Resource>,
    /// Its outputs by name.
    pub(crate) outputs: BTreeMap<String, OutputVal>,
}

/// One input as the caller wrote it: value, references, the input node.
type Given = BTreeMap<String, (Ev, Vec<Edge>, Span)>;

/// Evaluates instance `index` of the call `name` of `ev`; `None` if its source was refused
/// or cannot be read (reported).
pub(crate) fn evaluate(ev: &mut Eval<'_>, name: &str, index: Option<Index>) -> Option<Evaluated> {
    let call = ev.calls.get(name)?;
    let (node, file, header) = (call.node, call.file, call.span.clone());
    let place = call.source.clone()?;
    let each_value = match (&call.expansion, &index) {
        (Expansion::Each(m), Some(Index::Key(k))) => m.get(k).cloned(),
        _ => None,
    };
    if !count_instance(ev, &place, &header) {
        return None;
    }
    let given = inputs(ev, node, file, &Scope::for_index(&index, each_value));
    let parsed = parsed(ev, &place, &header)?;
    let mut path = ev.module.clone();
    path.push(ModuleStep {
        name: name.to_owned(),
        index,
    });
    Some(run(ev, place, path, &parsed, given, &header))
}

/// A module directory's files, parsed.
#[derive(Debug)]
pub(crate) struct Parsed {
    files: Vec<crate::source::SourceFile>,
    sources: crate::diagnostic::Sources,
}

/// The parsed files of `place` (read and parsed once per directory, their parse errors
/// reported and their texts kept the first time).
fn parsed(ev: &mut Eval<'_>, place: &Place, header: &Span) -> Option<Rc<Parsed>> {
    if let Some(done) = place.parsed.borrow().get(&place.dir) {
        return Some(done.clone());
    }
    let files = files(ev, place, header)?;
    let (files, sources) = crate::load::parse_all(files, &mut ev.diags);
    ev.module_sources.extend(sources.clone());
    let done = Rc::new(Parsed { files, sources });
    place
        .parsed
        .borrow_mut()
        .insert(place.dir.clone(), done.clone());
    Some(done)
}

/// The module's files by path relative to the root, unsaved buffers in place of their files.
fn files(ev: &mut Eval<'_>, place: &Place, header: &Span) -> Option<Vec<(PathBuf, String)>> {
    let unsaved = place
        .overlay
        .iter()
        .filter(|(rel, _)| rel.parent() == Some(place.rel.as_path()));
    let on_disk = match crate::source::read_dir(&place.dir) {
        Ok(files) => files,
        Err(crate::source::ReadError::Empty(_)) if unsaved.clone().next().is_some() => Vec::new(),
        Err(e) => {
            ev.diags.error(
                e.code(),
                header,
                e.to_string(),
                "in this module",
                Some(e.help()),
            );
            return None;
        }
    };
    let mut files: BTreeMap<PathBuf, String> = on_disk
        .into_iter()
        .map(|(rel, text)| (super::source::file_rel(place, &rel), text))
        .collect();
    files.extend(unsaved.map(|(rel, text)| (rel.clone(), text.clone())));
    Some(files.into_iter().collect())
}

/// Counts one more instance against the config's limit.
fn count_instance(ev: &mut Eval<'_>, place: &Place, header: &Span) -> bool {
    let n = place.instances.get() + 1;
    place.instances.set(n);
    if n > crate::limits::MODULE_MAX_INSTANCES {
        let max = crate::limits::MODULE_MAX_INSTANCES;
        ev.diags.error(
            Code::Limit,
            header,
            format!("the config expands to more than {max} module instances"),
            "one too many",
            Some("lower the `count`s or `for-each`es of module calls".to_owned()),
        );
        return false;
    }
    true
}

/// The inputs of a call (its children), each evaluated in the caller's scope.
fn inputs(
    ev: &mut Eval<'_>,
    node: crate::tree::KdlNode<'_>,
    file: &std::path::Path,
    scope: &Scope,
) -> Given {
    let mut given = Given::new();
    for c in node.children().unwrap_or_default() {
        let input = c.name().value().to_owned();
        let sp = name_span(file, c);
        ev.begin_refs();
        let value = ev.node_value(file, c, scope);
        let edges = ev.end_refs();
        if let Some((_, _, first)) = given.get(&input) {
            let first = first.clone();
            crate::load::duplicate(&mut ev.diags, &format!("input `{input}`"), &sp, &first);
            continue;
        }
        given.insert(input, (value, edges, sp));
    }
    given
}

/// Loads the module's files as a config of its own, in a child evaluator.
fn run(
    ev: &mut Eval<'_>,
    place: Place,
    path: Vec<ModuleStep>,
    parsed: &Parsed,
    given: Given,
    header: &Span,
) -> Evaluated {
    let dir = place.dir.clone();
    let rel = place.rel.clone();
    let mut child = Eval::new(Some(&dir), Diags::default());
    child.workspace = ev.workspace.clone();
    // the caller waits meanwhile: lend it the catalog rather than copy it per instance, and
    // the evaluation budget, which bounds the whole load, every module instance included
    child.offered = std::mem::take(&mut ev.offered);
    child.budget = std::mem::take(&mut ev.budget);
    child.provider_region = ev.provider_region.clone();
    child.provider_region_failed = ev.provider_region_failed;
    child.module = path;
    child.place = Some(place);
    // objects the caller's data sources found may be passed in and attached by id
    child.data_ids = ev.data_ids.clone();
    let top = crate::load::declare(&mut child, &parsed.files, true);
    bind(&mut child, top.decls(), given, header);
    crate::load::prelude(&mut child, &top);
    let (_, mut resources) = crate::load::evaluate(&mut child, &top);
    let mut outputs = BTreeMap::new();
    for (name, (node, file)) in top.outputs() {
        let out = crate::load::output_value(&mut child, name, *node, file);
        outputs.insert(name.clone(), out.map(|o| (o.value, o.edges)));
    }
    resources.extend(super::resources(&mut child));
    crate::load::unused(&mut child, &top, &parsed.sources);
    ev.diags.items.append(&mut child.diags.items);
    ev.module_sources.append(&mut child.module_sources);
    for (read, text) in std::mem::take(&mut child.files_read) {
        ev.files_read.insert(rel.join(read), Arc::clone(&text));
    }
    ev.uses_workspace |= child.uses_workspace;
    // the module's data sources are read with the root's: what they need joins its needs
    ev.account_needs
        .kinds
        .append(&mut child.account_needs.kinds);
    ev.account_needs.stock |= child.account_needs.stock;
    ev.data_ids.append(&mut child.data_ids);
    ev.offered = std::mem::take(&mut child.offered);
    ev.budget = std::mem::take(&mut child.budget);
    Evaluated { resources, outputs }
}

/// Sets the module's variables from the inputs: each declared variable gets its input
/// (checked against its type when known at plan time) or its default; an input the module
/// does not declare, or a required variable without input, is an error at the call.
fn bind(child: &mut Eval<'_>, decls: &BTreeMap<String, VarDecl>, given: Given, header: &Span) {
    child.declared_vars = decls.keys().cloned().collect();
    for (input, (_, _, sp)) in &given {
        if decls.contains_key(input) {
            continue;
        }
        let help = did_you_mean(input, decls.keys().map(String::as_str))
            .map(|c| format!("did you mean `{c}`?"))
            .or_else(|| Some(inputs_help(decls)));
        child.diags.error(
            Code::UnknownVariable,
            sp,
            format!("the module has no input `{input}`"),
            "not a variable of the module",
            help,
        );
    }
    let mut given = given;
    for (name, decl) in decls {
        let bound = match given.remove(name) {
            Some((value, edges, sp)) => checked(child, decl, value, &sp).map(|v| (v, edges)),
            None => match &decl.default {
                Some(v) => Some((Ev::json(v.clone()), Vec::new())),
                None => {
                    child.diags.error(
                        Code::MissingVariable,
                        header,
                        format!("the module needs input `{name}`"),
                        "input missing",
                        Some(format!("add `{name} VALUE` inside the module block")),
                    );
                    None
                }
            },
        };
        let (mut value, edges) = bound.unwrap_or_else(|| (Ev::poison(), Vec::new()));
        value.sensitive |= decl.sensitive;
        child.inputs.insert(name.clone(), (value, edges));
    }
}

/// An input's value checked against its variable's declaration (a value known only after
/// apply, or a resource reference, passes whole: it is checked where it is used).
fn checked(child: &mut Eval<'_>, decl: &VarDecl, value: Ev, sp: &Span) -> Option<Ev> {
    let Val::Json(v) = &value.val else {
        return Some(value);
    };
    let Some(problem) = crate::vars::check(decl, v) else {
        return Some(value);
    };
    child.diags.error(
        Code::VariableValue,
        sp,
        format!("input `{}`: {problem}", decl.name),
        "bad input",
        None,
    );
    None
}

/// The inputs a module takes, for a help line.
fn inputs_help(decls: &BTreeMap<String, VarDecl>) -> String {
    if decls.is_empty() {
        return "the module declares no variables".to_owned();
    }
    let names: Vec<String> = decls.keys().map(|n| format!("`{n}`")).collect();
    format!("its inputs are {}", names.join(", "))
}
