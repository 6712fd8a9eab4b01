//! Loading a config: files to top-level declarations, variables, expansion, resources,
//! outputs, cross checks, and the final model or the list of every error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::tree::KdlNode;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::collect::{name_span, span, suggest, Diags};
use crate::diagnostic::{Code, ConfigDiagnostic, Failure, Label, Sources};
use crate::eval::{Block, Eval, Expansion, Scope, Val};
use crate::model::*;
use crate::offered::{List, Offered};
use crate::source;
use crate::vars::{VarDecl, VarInputs};

/// A loaded config: the model and its warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated model.
    pub model: Model,
    /// Warnings (the config is valid).
    pub warnings: Vec<ConfigDiagnostic>,
}

/// Every node a config file may hold at its top level.
pub const TOP_LEVEL: &[&str] = &[
    "provider", "variable", "locals", "state", "timeouts", "output", "vm", "volume", "firewall",
    "ssh-key", "script", "snapshot", "image", "import", "moved", "removed", "policy", "check",
    "data", "module",
];

/// The top-level nodes only the root config may hold (a module is refused them).
pub(crate) const ROOT_ONLY: &[&str] = &[
    "provider", "state", "timeouts", "policy", "import", "moved", "removed",
];

/// Loads every `*.kdl` file in `dir`, except the var files of `inputs` (a `--var-file`
/// kept in the config directory is not config).
pub fn load_dir(dir: &Path, inputs: &VarInputs) -> Result<Loaded, Failure> {
    load_dir_with(dir, inputs, &Offered::default())
}

/// [`load_dir`] validating against `offered` instead of the built-in catalog.
pub fn load_dir_with(dir: &Path, inputs: &VarInputs, offered: &Offered) -> Result<Loaded, Failure> {
    load_dir_overlay(dir, &BTreeMap::new(), inputs, offered)
}

/// [`load_dir`] with some files' text replaced (an editor's unsaved buffers): each key is
/// a file name relative to `dir` (`modules/x/main.kdl` for a module's file); a name not on
/// disk is added (a new, unsaved file). The result is what `garrison validate` would report
/// once the buffers were saved.
pub fn load_dir_overlay(
    dir: &Path,
    overlay: &BTreeMap<PathBuf, String>,
    inputs: &VarInputs,
    offered: &Offered,
) -> Result<Loaded, Failure> {
    let inputs = &crate::workspace_file::with_workspace_file(dir, inputs);
    let on_disk = match source::read_dir(dir) {
        Ok(files) => files,
        // A new directory whose only file is still unsaved.
        Err(source::ReadError::Empty(_)) if !overlay.is_empty() => Vec::new(),
        Err(e) => return Err(read_failure(&e)),
    };
    let var_files: Vec<PathBuf> = inputs
        .var_files
        .iter()
        .filter_map(|f| std::fs::canonicalize(f).ok())
        .collect();
    let mut files: BTreeMap<PathBuf, String> = on_disk.into_iter().collect();
    let (own, nested): (BTreeMap<_, _>, BTreeMap<_, _>) = overlay
        .clone()
        .into_iter()
        .partition(|(rel, _)| rel.components().count() == 1);
    files.extend(own);
    let files = files
        .into_iter()
        .filter(|(rel, _)| {
            std::fs::canonicalize(dir.join(rel)).map_or(true, |p| !var_files.contains(&p))
        })
        .collect();
    load_files(Some(dir), files, inputs, offered, nested)
}

/// The failure of a config directory that could not be read (also `fmt`'s).
pub(crate) fn read_failure(e: &source::ReadError) -> Failure {
    Failure {
        errors: vec![ConfigDiagnostic::build(
            e.code(),
            crate::diagnostic::Level::Error,
            e.to_string(),
            vec![],
            Some(e.help()),
            &Sources::new(),
        )],
        warnings: vec![],
    }
}

/// Loads one file's text as a whole config (for tests and tools). `(file)` values cannot be
/// read (there is no directory).
pub fn load_str(name: &str, text: &str, inputs: &VarInputs) -> Result<Loaded, Failure> {
    load_str_with(name, text, inputs, &Offered::default())
}

/// [`load_str`] validating against `offered` instead of the built-in catalog.
pub fn load_str_with(
    name: &str,
    text: &str,
    inputs: &VarInputs,
    offered: &Offered,
) -> Result<Loaded, Failure> {
    let files = vec![(PathBuf::from(name), text.to_owned())];
    load_files(None, files, inputs, offered, BTreeMap::new())
}

#[derive(Default)]
pub(crate) struct Top<'a> {
    providers: Vec<(KdlNode<'a>, &'a Path)>,
    states: Vec<(KdlNode<'a>, &'a Path)>,
    timeouts: Vec<(KdlNode<'a>, &'a Path)>,
    outputs: BTreeMap<String, (KdlNode<'a>, &'a Path)>,
    decls: BTreeMap<String, VarDecl>,
    /// `policy` nodes (one allowed).
    policies: Vec<(KdlNode<'a>, &'a Path)>,
    /// `import`, `moved` and `removed` nodes.
    day_two: Vec<(KdlNode<'a>, &'a Path)>,
    /// `check` blocks.
    checks: Vec<(KdlNode<'a>, &'a Path)>,
    /// `data` sources.
    data: Vec<(KdlNode<'a>, &'a Path)>,
    /// Each variable's `validation` nodes.
    validations: Vec<(String, KdlNode<'a>, &'a Path)>,
    /// `module` calls.
    modules: Vec<(KdlNode<'a>, &'a Path)>,
    /// Where each variable is declared.
    decl_spans: BTreeMap<String, Span>,
    /// Where each local is defined.
    local_spans: BTreeMap<String, Span>,
}

impl<'a> Top<'a> {
    /// The declared variables.
    pub(crate) fn decls(&self) -> &BTreeMap<String, VarDecl> {
        &self.decls
    }

    /// The `output` nodes by name.
    pub(crate) fn outputs(&self) -> &BTreeMap<String, (KdlNode<'a>, &'a Path)> {
        &self.outputs
    }
}

/// Parses every file: the parsed files and their texts.
pub(crate) fn parse_all(
    files: Vec<(PathBuf, String)>,
    diags: &mut Diags,
) -> (Vec<source::SourceFile>, Sources) {
    let mut sources: Sources = BTreeMap::new();
    let mut parsed = Vec::new();
    for (rel, text) in files {
        let doc = source::parse_for_load(&rel, &text, diags);
        sources.insert(rel.clone(), Arc::new(text));
        parsed.push(source::SourceFile { rel, doc });
    }
    (parsed, sources)
}

fn load_files(
    dir: Option<&Path>,
    files: Vec<(PathBuf, String)>,
    inputs: &VarInputs,
    offered: &Offered,
    module_overlay: BTreeMap<PathBuf, String>,
) -> Result<Loaded, Failure> {
    let mut diags = Diags::default();
    let (parsed, mut sources) = parse_all(files, &mut diags);
    let mut ev = Eval::new(dir, diags);
    ev.workspace = inputs.workspace.clone();
    ev.offered = offered.clone();
    ev.place = dir.and_then(|d| crate::modules::Place::root(d, module_overlay));
    let top = declare(&mut ev, &parsed, false);
    ev.declared_vars = top.decls.keys().cloned().collect();
    let mut var_sources = Sources::new();
    let (vars, var_origins) =
        crate::vars::resolve(&top.decls, inputs, &mut var_sources, &mut ev.diags);
    ev.vars = vars;
    prelude(&mut ev, &top);
    ev.provider_region = provider(&mut ev, &top.providers);
    let (keys, mut resources) = evaluate(&mut ev, &top);
    let outputs = outputs(&mut ev, &top.outputs);
    let state = state(&mut ev, &top.states);
    let timeouts = timeouts(&mut ev, &top.timeouts);
    let policy = crate::policy::guardrails(&mut ev, &top.policies);
    resources.extend(crate::modules::resources(&mut ev));
    ev.forget_attributes();
    // Built in address order (modules' instances aside): a sort would copy half the list
    // into scratch space (20 MB at 100k resources) to find it sorted.
    if !resources.is_sorted_by(|a, b| a.address <= b.address) {
        resources.sort_by(|a, b| a.address.cmp(&b.address));
    }
    resources.shrink_to_fit();
    let day_two = crate::day_two::blocks(&mut ev, &top.day_two, &resources, &keys);
    let positions = crate::positions::Positions::new(&resources);
    crate::checks::check(&resources, &positions, &mut ev.diags);
    crate::cycle::check(&resources, &positions, &mut ev.diags);
    drop(positions);
    unused(&mut ev, &top, &sources);
    sources.append(&mut ev.module_sources);
    let config_hash = hash(&sources, &ev.files_read, &ev.vars, &ev.workspace);
    let mut diags = std::mem::take(&mut ev.diags);
    crate::provenance::annotate(
        &mut diags,
        &crate::provenance::Vars {
            decls: &top.decls,
            values: &ev.vars,
            origins: &var_origins,
            uses: &ev.var_uses,
        },
        &sources,
    );
    let variables = std::mem::take(&mut ev.vars);
    let provider_region = ev.provider_region.clone();
    let rehearse = ev.provider_rehearse.unwrap_or(true);
    let has_errors = diags.has_errors();
    let (errors, warnings) = diags.finish_hiding(&sources, &var_sources);
    if has_errors {
        return Err(Failure { errors, warnings });
    }
    let config_warnings = warnings.iter().map(Into::into).collect();
    Ok(Loaded {
        model: Model {
            dir: dir.map(Path::to_path_buf).unwrap_or_default(),
            provider_region,
            workspace: ev.workspace.clone(),
            uses_workspace: ev.uses_workspace,
            rehearse,
            rate_limit_per_minute: ev.provider_rate_limit,
            state,
            timeouts,
            variables,
            resources,
            outputs,
            policy,
            imports: day_two.imports,
            moved: day_two.moved,
            removed: day_two.removed,
            config_hash,
            sources: ConfigSources(sources),
            warnings: config_warnings,
            catalog: ev.offered.catalog.clone(),
            account_needs: std::mem::take(&mut ev.account_needs),
            data: std::mem::take(&mut ev.data),
        },
        warnings,
    })
}

/// Sorts the top-level nodes of `parsed` into a [`Top`], and the resource blocks and locals
/// into `ev`. A module (`in_module`) may not hold the [`ROOT_ONLY`] nodes.
pub(crate) fn declare<'a>(
    ev: &mut Eval<'a>,
    parsed: &'a [source::SourceFile],
    in_module: bool,
) -> Top<'a> {
    let mut top = Top::default();
    let mut decl_spans: BTreeMap<String, Span> = BTreeMap::new();
    let mut local_spans: BTreeMap<String, Span> = BTreeMap::new();
    for f in parsed {
        let Some(doc) = &f.doc else { continue };
        let file = f.rel.as_path();
        ev.blocks.reserve(doc.nodes().len());
        for node in doc.nodes() {
            let name = node.name().value();
            if in_module && ROOT_ONLY.contains(&name) {
                crate::modules::root_only(ev, node, file);
                continue;
            }
            match name {
                "module" => top.modules.push((node, file)),
                "provider" => top.providers.push((node, file)),
                "import" | "moved" | "removed" => top.day_two.push((node, file)),
                "policy" => top.policies.push((node, file)),
                "check" => top.checks.push((node, file)),
                "data" => top.data.push((node, file)),
                "state" => top.states.push((node, file)),
                "timeouts" => {
                    no_entries(node, file, &mut ev.diags);
                    top.timeouts.push((node, file));
                }
                "variable" => {
                    if let Some(d) = crate::vars::parse_decl(file, node, &mut ev.diags) {
                        for v in node.children().unwrap_or_default() {
                            if v.name().value() == "validation" {
                                top.validations.push((d.name.clone(), v, file));
                            }
                        }
                        if let Some(first) = decl_spans.get(&d.name) {
                            duplicate(
                                &mut ev.diags,
                                &format!("variable `{}`", d.name),
                                &d.span,
                                first,
                            );
                        } else {
                            decl_spans.insert(d.name.clone(), d.span.clone());
                            top.decls.insert(d.name.clone(), d);
                        }
                    }
                }
                "locals" => {
                    no_entries(node, file, &mut ev.diags);
                    for c in node.children().unwrap_or_default() {
                        let ln = c.name().value().to_owned();
                        let sp = name_span(file, c);
                        if let Some(first) = local_spans.get(&ln) {
                            duplicate(&mut ev.diags, &format!("local `{ln}`"), &sp, first);
                        } else {
                            local_spans.insert(ln.clone(), sp);
                            ev.locals.insert(ln, (c, file));
                        }
                    }
                }
                "output" => {
                    let Some((oname, osp)) = label(node, file, &mut ev.diags, "output")
                        .map(|(l, sp)| (l.to_owned(), sp))
                    else {
                        continue;
                    };
                    if let Some((first, ffile)) = top.outputs.get(&oname) {
                        let fsp = span(ffile, first.span());
                        duplicate(&mut ev.diags, &format!("output `{oname}`"), &osp, &fsp);
                    } else {
                        top.outputs.insert(oname, (node, file));
                    }
                }
                other => match other.parse::<Kind>() {
                    Ok(kind) => {
                        let Some((lbl, lsp)) = label(node, file, &mut ev.diags, kind.as_str())
                        else {
                            continue;
                        };
                        if !lbl.chars().all(crate::schema::is_label_char) {
                            ev.diags.error(
                                Code::InvalidName,
                                &lsp,
                                format!("`{lbl}` cannot be used in an address"),
                                "invalid label",
                                Some("labels use letters, digits, `_` and `-`; set the cloud-side name with `name \"...\"`".to_owned()),
                            );
                            continue;
                        }
                        if let Some(first) = ev.blocks.get(kind, lbl) {
                            let fsp = crate::collect::header_span(first.file, first.node);
                            duplicate(
                                &mut ev.diags,
                                &format!("resource `{kind}.{lbl}`"),
                                &crate::collect::header_span(file, node),
                                &fsp,
                            );
                            continue;
                        }
                        ev.blocks.push(
                            lbl,
                            Block {
                                kind,
                                label: lbl.into(),
                                node,
                                file,
                                expansion: Expansion::Pending,
                            },
                        );
                    }
                    Err(_) => ev.diags.error(
                        Code::UnknownKind,
                        &name_span(file, node),
                        format!("unknown node `{other}`"),
                        "not a resource kind or setting",
                        suggest(other, TOP_LEVEL),
                    ),
                },
            }
        }
    }
    top.decl_spans = decl_spans;
    top.local_spans = local_spans;
    top
}

/// The data sources and variable validations, once the variables are set.
pub(crate) fn prelude(ev: &mut Eval<'_>, top: &Top<'_>) {
    crate::data::sources(ev, &top.data);
    for (name, node, file) in &top.validations {
        crate::conditions::validations(ev, name, file, &[*node]);
    }
}

/// What root and module share after [`prelude`] (and the provider): expansion, `module`
/// calls, the resources of `top` (not those of the modules called, see
/// `modules::resources`) and `check` blocks. Returns the block keys and the resources.
pub(crate) fn evaluate<'a>(
    ev: &mut Eval<'a>,
    top: &Top<'a>,
) -> (Vec<(Kind, &'a str)>, Vec<Resource>) {
    crate::modules::calls(ev, &top.modules);
    // expansion
    // In declaration order, by position: a walk of the list, not a search per block.
    for position in 0..ev.blocks.len() {
        let Some(b) = ev.blocks.at(position) else {
            continue;
        };
        let tmp = Block {
            kind: b.kind,
            label: Arc::clone(&b.label),
            node: b.node,
            file: b.file,
            expansion: Expansion::Pending,
        };
        let exp = crate::resources::expand(ev, &tmp);
        if let Some(b) = ev.blocks.at_mut(position) {
            b.expansion = exp;
        }
    }
    crate::modules::expand(ev);
    // resources
    // Sized once: at 100k resources, growing by doubling held two copies at the peak.
    let instances = ev.blocks.iter().map(|b| b.expansion.count()).sum();
    let mut resources = Vec::with_capacity(instances);
    // Built in address order, so sorting the resources afterwards finds them sorted
    // (moving 100k resources of 400 bytes through a sort cost 0.06 s).
    for position in ev.blocks.sorted() {
        let Some(b) = ev.blocks.at(position) else {
            continue;
        };
        for (index, each) in b.expansion.instances() {
            if let Some(r) = crate::resources::build(ev, position, index, each) {
                resources.push(r);
            }
        }
    }
    for (node, file) in &top.checks {
        crate::conditions::check_block(ev, file, *node);
    }
    (ev.blocks.keys().collect(), resources)
}

/// Warns about unused variables and evaluates the locals nothing used (for their errors).
pub(crate) fn unused(ev: &mut Eval<'_>, top: &Top<'_>, sources: &Sources) {
    // After an error some uses may not have been evaluated (a failed `count`): then a
    // variable the text mentions counts as used, so no false "unused" warnings.
    let errors_so_far = ev.diags.has_errors();
    for (name, d) in &top.decls {
        let used = ev.used_vars.contains(name) || (errors_so_far && mentioned(sources, name));
        if !used {
            ev.diags.warning(
                Code::UnusedVariable,
                &d.span,
                format!("variable `{name}` is never used"),
                "declared here",
                Some(format!("use it as `(ref)\"var.{name}\"`, or remove it")),
            );
        }
    }
    // locals are evaluated lazily; evaluate the unused ones too so their errors show
    for name in ev.locals.keys().cloned().collect::<Vec<_>>() {
        if let Some(sp) = top.local_spans.get(&name) {
            ev.begin_refs();
            let _ = ev.reference(&format!("local.{name}"), sp, &Scope::default());
            ev.end_refs();
        }
    }
}

/// Whether some config text mentions `var.NAME` (as a whole name).
fn mentioned(sources: &Sources, name: &str) -> bool {
    let needle = format!("var.{name}");
    sources.values().any(|text| {
        text.match_indices(&needle).any(|(i, _)| {
            !text[i + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
    })
}

/// `locals` and `timeouts` take children only.
fn no_entries(node: KdlNode<'_>, file: &Path, diags: &mut Diags) {
    for e in node.entries() {
        let name = node.name().value();
        diags.error(
            Code::UnknownAttribute,
            &span(file, e.span()),
            format!("`{name}` takes no arguments or properties"),
            "unexpected",
            Some(format!(
                "write `{name} {{ ... }}` with one child node per entry"
            )),
        );
    }
}

pub(crate) fn duplicate(diags: &mut Diags, what: &str, again: &Span, first: &Span) {
    diags.error_labels(
        Code::Duplicate,
        format!("{what} is defined twice"),
        vec![
            Label {
                span: again.clone(),
                text: "defined again here".to_owned(),
            },
            Label {
                span: first.clone(),
                text: "first defined here".to_owned(),
            },
        ],
        Some("names are shared by every file in the directory; rename or remove one".to_owned()),
    );
}

/// The string label of `KIND "LABEL"` / `output "NAME"`.
pub(crate) fn label<'t>(
    node: KdlNode<'t>,
    file: &Path,
    diags: &mut Diags,
    what: &str,
) -> Option<(&'t str, Span)> {
    match node.entries().iter().find(|e| e.name().is_none()) {
        Some(e) => match e.value().as_string() {
            Some(s) if e.ty().is_none() => Some((s, span(file, e.span()))),
            _ => {
                diags.error(
                    Code::WrongType,
                    &span(file, e.span()),
                    format!("a `{what}` label is a plain string"),
                    "not a string",
                    Some(format!("write `{what} \"NAME\"`")),
                );
                None
            }
        },
        None => {
            diags.error(
                Code::MissingAttribute,
                &name_span(file, node),
                format!("this `{what}` has no name"),
                "name missing",
                Some(format!("write `{what} \"NAME\" {{ ... }}`")),
            );
            None
        }
    }
}

fn provider(ev: &mut Eval<'_>, providers: &[(KdlNode<'_>, &Path)]) -> Option<String> {
    let mut region = None;
    for (i, (node, file)) in providers.iter().enumerate() {
        if i > 0 {
            let first = span(providers[0].1, providers[0].0.span());
            duplicate(
                &mut ev.diags,
                "the provider",
                &span(file, node.span()),
                &first,
            );
            continue;
        }
        let Some((pname, psp)) = label(*node, file, &mut ev.diags, "provider") else {
            continue;
        };
        if pname != "barrack" {
            ev.diags.error(
                Code::InvalidValue,
                &psp,
                format!("unknown provider `{pname}`"),
                "not a provider",
                Some("the only provider is `barrack`".to_owned()),
            );
        }
        for c in node.children().unwrap_or_default() {
            let sp = name_span(file, c);
            match c.name().value() {
                "region" => {
                    let arg = c.entries().iter().find(|e| e.name().is_none());
                    let Some(e) = arg else {
                        ev.diags.error(
                            Code::MissingAttribute,
                            &sp,
                            "`region` needs a value",
                            "value missing",
                            None,
                        );
                        continue;
                    };
                    let esp = span(file, e.span());
                    let v = ev.entry(file, e, &Scope::default());
                    match v.val {
                        Val::Json(Value::String(r)) => {
                            if ev.offered(&r, &esp, "region", List::Regions, v.sensitive) {
                                region = Some(r);
                            } else {
                                ev.provider_region_failed = true;
                            }
                        }
                        Val::Poison => ev.provider_region_failed = true,
                        _ => {
                            ev.provider_region_failed = true;
                            ev.diags.error(
                                Code::WrongType,
                                &esp,
                                "`region` is a string",
                                "not a string",
                                None,
                            )
                        }
                    }
                }
                "rehearse" => match c.entries().first().and_then(|e| e.value().as_bool()) {
                    Some(b) => ev.provider_rehearse = Some(b),
                    None => ev.diags.error(
                        Code::WrongType,
                        &sp,
                        "`rehearse` is `#true` or `#false`",
                        "not a boolean",
                        None,
                    ),
                },
                "rate-limit" => rate_limit(ev, c, &sp),
                other => ev.diags.error(
                    Code::UnknownAttribute,
                    &sp,
                    format!("the provider has no setting `{other}`"),
                    "unknown setting",
                    suggest(other, &["region", "rehearse", "rate-limit"]),
                ),
            }
        }
    }
    region
}

/// `rate-limit N`: the API's requests per minute the client keeps under (0 turns it off).
fn rate_limit(ev: &mut Eval<'_>, node: KdlNode<'_>, sp: &Span) {
    let value = node.entries().first().and_then(|e| e.value().as_integer());
    match value.and_then(|n| u32::try_from(n).ok()) {
        Some(n) => ev.provider_rate_limit = Some(n),
        None => ev.diags.error(
            Code::WrongType,
            sp,
            "`rate-limit` is a whole number of requests per minute (0 turns the limit off)",
            "not a request count",
            Some("e.g. `rate-limit 500`".to_owned()),
        ),
    }
}

fn outputs(ev: &mut Eval<'_>, outs: &BTreeMap<String, (KdlNode<'_>, &Path)>) -> Vec<Output> {
    let mut result = Vec::new();
    for (name, (node, file)) in outs {
        let Some(out) = output_value(ev, name, *node, file) else {
            continue;
        };
        let (value, sensitive, node_span) = (out.value, out.sensitive, out.span);
        let postconditions = out.postconditions;
        let expr = match value.val {
            Val::Json(v) => Expr::Value(v),
            Val::After(e) => e,
            Val::Poison => continue,
            Val::Link(a) => {
                ev.diags.error(
                    Code::WrongType,
                    &node_span,
                    format!("output `{name}` is a whole resource"),
                    "not a value",
                    Some(format!("name an attribute, e.g. `(ref)\"{a}.id\"`")),
                );
                continue;
            }
            Val::Links(_) => {
                ev.diags.error(
                    Code::WrongType,
                    &node_span,
                    format!("output `{name}` is a list of resources"),
                    "not a value",
                    Some("name an attribute, e.g. `(ref)\"vm.NAME[*].public-ip\"`".to_owned()),
                );
                continue;
            }
        };
        result.push(Output {
            name: name.clone(),
            value: expr,
            sensitive,
            span: node_span,
            postconditions,
        });
    }
    result
}

/// An output's evaluated value, its `sensitive` setting, its node and the references its
/// value made.
pub(crate) struct OutputValue {
    pub(crate) value: crate::eval::Ev,
    pub(crate) sensitive: bool,
    pub(crate) span: Span,
    pub(crate) edges: Vec<Edge>,
    /// Its `postcondition`s, checked by the engine after apply (root outputs).
    pub(crate) postconditions: Vec<crate::postcondition::Postcondition>,
}

/// Evaluates the `output` node `node` named `name` (root or module).
pub(crate) fn output_value(
    ev: &mut Eval<'_>,
    name: &str,
    node: KdlNode<'_>,
    file: &Path,
) -> Option<OutputValue> {
    let node_span = crate::collect::header_span(file, node);
    let mut sensitive = false;
    let mut postconditions = Vec::new();
    for e in node.entries() {
        match e.name().map(|n| n.value()) {
            Some("sensitive") => match e.value().as_bool() {
                Some(b) => sensitive = b,
                None => ev.diags.error(
                    Code::WrongType,
                    &span(file, e.span()),
                    "`sensitive` is `#true` or `#false`",
                    "not a bool",
                    None,
                ),
            },
            Some("description") => {}
            Some(other) => ev.diags.error(
                Code::UnknownAttribute,
                &span(file, e.span()),
                format!("outputs have no property `{other}`"),
                "unknown property",
                suggest(other, &["sensitive", "description"]),
            ),
            None => {}
        }
    }
    let args: Vec<_> = node
        .entries()
        .iter()
        .filter(|e| e.name().is_none())
        .skip(1)
        .collect();
    ev.begin_refs();
    let value = if !args.is_empty() {
        let evs = args
            .iter()
            .map(|e| ev.entry(file, *e, &Scope::default()))
            .collect();
        Some(ev.combine(evs, &node_span))
    } else if let Some(children) = node.children() {
        let mut v = None;
        let post: Vec<KdlNode<'_>> = children
            .iter()
            .filter(|c| c.name().value() == "postcondition")
            .collect();
        postconditions = crate::postcondition::collect(ev, file, &post);
        for c in children {
            match c.name().value() {
                "value" => v = Some(ev.node_value(file, c, &Scope::default())),
                "sensitive" => {
                    sensitive = c
                        .entries()
                        .first()
                        .and_then(|e| e.value().as_bool())
                        .unwrap_or(false);
                }
                "description" | "postcondition" => {}
                "precondition" => crate::conditions::preconditions(
                    ev,
                    file,
                    &[c],
                    &Scope::default(),
                    &format!("output.{name}"),
                ),
                other => ev.diags.error(
                    Code::UnknownAttribute,
                    &name_span(file, c),
                    format!("outputs have no setting `{other}`"),
                    "unknown setting",
                    suggest(
                        other,
                        &[
                            "value",
                            "sensitive",
                            "description",
                            "precondition",
                            "postcondition",
                        ],
                    ),
                ),
            }
        }
        v
    } else {
        None
    };
    let edges = ev.end_refs();
    let Some(value) = value else {
        ev.diags.error(
            Code::MissingAttribute,
            &node_span,
            format!("output `{name}` has no value"),
            "value missing",
            Some(format!(
                "write `output \"{name}\" (ref)\"vm.NAME.public-ip\"`"
            )),
        );
        return None;
    };
    if value.sensitive && !sensitive {
        ev.diags.error(
            Code::SensitiveOutput,
            &node_span,
            format!("output `{name}` shows a sensitive value"),
            "derives from a sensitive variable",
            Some("add `sensitive=#true` to the output".to_owned()),
        );
    }
    Some(OutputValue {
        value,
        sensitive,
        span: node_span,
        edges,
        postconditions,
    })
}

pub(crate) fn state(ev: &mut Eval<'_>, states: &[(KdlNode<'_>, &Path)]) -> StateBackend {
    let mut backend = StateBackend::default();
    for (i, (node, file)) in states.iter().enumerate() {
        if i > 0 {
            duplicate(
                &mut ev.diags,
                "the `state` node",
                &span(file, node.span()),
                &span(states[0].1, states[0].0.span()),
            );
            continue;
        }
        let Some((kind, ksp)) = label(*node, file, &mut ev.diags, "state") else {
            continue;
        };
        let props: BTreeMap<&str, (crate::tree::KdlEntry<'_>, Span)> = node
            .entries()
            .iter()
            .filter_map(|e| e.name().map(|n| (n.value(), (e, span(file, e.span())))))
            .collect();
        let allowed: &[&str] = match kind {
            "local" => &["path"],
            "postgres" => &["url-env", "workspace"],
            _ => {
                ev.diags.error(
                    Code::InvalidValue,
                    &ksp,
                    format!("unknown state backend `{kind}`"),
                    "not a backend",
                    suggest(kind, &["local", "postgres"]),
                );
                continue;
            }
        };
        for (k, (_, sp)) in &props {
            if !allowed.contains(k) {
                ev.diags.error(
                    Code::UnknownAttribute,
                    sp,
                    format!("`state \"{kind}\"` has no property `{k}`"),
                    "unknown property",
                    suggest(k, allowed),
                );
            }
        }
        let string_prop = |ev: &mut Eval<'_>, key: &str| -> Option<String> {
            let (e, sp) = props.get(key)?;
            match crate::state_node::value(ev, file, *e, sp)? {
                Value::String(s) if !s.is_empty() => Some(s),
                _ => {
                    ev.diags.error(
                        Code::WrongType,
                        sp,
                        format!("`{key}` is a non-empty string"),
                        "not a string",
                        None,
                    );
                    None
                }
            }
        };
        backend = match kind {
            "local" => StateBackend::Local {
                path: string_prop(ev, "path")
                    .map_or_else(|| PathBuf::from(".garrison/state.json"), PathBuf::from),
            },
            _ => StateBackend::Postgres {
                url_env: string_prop(ev, "url-env").unwrap_or_else(|| "GARRISON_PG_URL".to_owned()),
                workspace: string_prop(ev, "workspace").unwrap_or_else(|| "default".to_owned()),
            },
        };
    }
    backend
}

fn timeouts(ev: &mut Eval<'_>, nodes: &[(KdlNode<'_>, &Path)]) -> Timeouts {
    let mut t = Timeouts::default();
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    for (node, file) in nodes {
        for c in node.children().unwrap_or_default() {
            let kname = c.name().value();
            let Ok(kind) = kname.parse::<Kind>() else {
                ev.diags.error(
                    Code::UnknownAttribute,
                    &name_span(file, c),
                    format!("`timeouts` has no kind `{kname}`"),
                    "not a resource kind",
                    suggest(kname, &kinds),
                );
                continue;
            };
            let entry = t
                .per_kind
                .entry(kind)
                .or_insert_with(|| crate::timeouts::default_for(kind));
            for e in c.entries() {
                let sp = span(file, e.span());
                let Some(op) = e.name().map(|n| n.value()) else {
                    ev.diags.error(
                        Code::WrongType,
                        &sp,
                        "timeouts are properties",
                        "unexpected argument",
                        Some(format!("write `{kname} create=\"20m\" delete=\"10m\"`")),
                    );
                    continue;
                };
                let Some(d) = e
                    .value()
                    .as_string()
                    .and_then(crate::timeouts::parse_duration)
                else {
                    ev.diags.error(
                        Code::InvalidValue,
                        &sp,
                        format!("`{op}` is not a duration"),
                        "expected e.g. \"10m\", \"90s\", \"1h30m\"",
                        None,
                    );
                    continue;
                };
                match op {
                    "create" => entry.create = d,
                    "update" => entry.update = d,
                    "delete" => entry.delete = d,
                    other => ev.diags.error(
                        Code::UnknownAttribute,
                        &sp,
                        format!("no timeout `{other}`"),
                        "unknown operation",
                        suggest(other, &["create", "update", "delete"]),
                    ),
                }
            }
        }
    }
    t
}

fn hash(
    sources: &Sources,
    read: &BTreeMap<PathBuf, Arc<String>>,
    vars: &BTreeMap<String, VarValue>,
    workspace: &Workspace,
) -> String {
    let mut h = Sha256::new();
    // Another workspace evaluates the same text to other values (`default` adds nothing, so
    // the hashes of configs without workspaces are unchanged).
    if !workspace.is_default() {
        h.update(format!("workspace={workspace}\n").as_bytes());
    }
    let mut all: BTreeMap<&PathBuf, &Arc<String>> = sources.iter().collect();
    all.extend(read.iter());
    for (path, text) in all {
        // Paths inside the config directory are relative and part of the config; a path
        // outside it (a `--var-file`) depends on where the checkout lives: its content counts,
        // not its location, so a plan saved in one clone is the same plan in another.
        if path.is_relative() {
            h.update(path.to_string_lossy().as_bytes());
        }
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    for (name, v) in vars {
        h.update(name.as_bytes());
        h.update(b"=");
        // A sensitive value stays out: the hash is published in plans, and a low-entropy
        // secret (a CIDR) could be brute-forced from it. A saved plan still cannot apply
        // a changed secret unnoticed when the change changes what the plan does.
        if v.sensitive {
            h.update(b"(sensitive)");
        } else {
            h.update(v.value.to_string().as_bytes());
        }
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}
