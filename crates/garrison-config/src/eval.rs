//! The evaluator: entries, `(ref)`s, `${...}` templates, `(file)`s, locals and statically
//! known attributes of other resource instances. Records every resource reference as an
//! [`Edge`] of the instance being built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::tree::{KdlEntry, KdlNode, KdlValue};
use serde_json::Value;

use crate::collect::{did_you_mean, span, suggest, Diags};
use crate::diagnostic::Code;
use crate::literal::{scalar, type_name};
use crate::model::{
    Address, Edge, Expr, Index, Kind, ModuleStep, Span, TemplatePart, VarValue, Workspace,
};
use crate::refs::{is_template, parse_ref, parse_template, Piece, Seg};
use crate::schema;

/// An evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// Known now.
    Json(Value),
    /// A whole resource instance (`(ref)"ssh-key.k"`).
    Link(Address),
    /// Several instances (`[*]` splat, or several `Link`s).
    Links(Vec<Address>),
    /// Known only after apply.
    After(Expr),
    /// An error was already reported: stay quiet.
    Poison,
}

/// A value and whether it derives from a sensitive variable.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ev {
    pub(crate) val: Val,
    pub(crate) sensitive: bool,
}

impl Ev {
    pub(crate) fn json(v: Value) -> Self {
        Ev {
            val: Val::Json(v),
            sensitive: false,
        }
    }
    pub(crate) fn poison() -> Self {
        Ev {
            val: Val::Poison,
            sensitive: false,
        }
    }
}

/// The instance context: `count.index`, `each.key`, `each.value`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    pub(crate) count_index: Option<u32>,
    pub(crate) each: Option<(String, Value)>,
    /// `self` in a postcondition: the object after apply.
    pub(crate) this: Option<Value>,
}

impl Scope {
    /// The scope of the instance with `index`.
    pub(crate) fn for_index(index: &Option<Index>, each_value: Option<Value>) -> Self {
        match index {
            None => Scope::default(),
            Some(Index::Int(i)) => Scope {
                count_index: Some(*i),
                ..Scope::default()
            },
            Some(Index::Key(k)) => Scope {
                each: Some((
                    k.clone(),
                    each_value.unwrap_or_else(|| Value::String(k.clone())),
                )),
                ..Scope::default()
            },
        }
    }
}

/// How a resource block expands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expansion {
    /// No `count` / `for-each`.
    Single,
    /// `count=N`.
    Count(u32),
    /// `for-each=`: key -> each.value.
    Each(BTreeMap<String, Value>),
    /// Expansion failed (reported).
    Failed,
    /// Not evaluated yet (only seen while evaluating `count` / `for-each`).
    Pending,
}

impl Expansion {
    /// (index, each.value) of every instance.
    /// How many instances [`Expansion::instances`] gives.
    pub(crate) fn count(&self) -> usize {
        match self {
            Expansion::Single => 1,
            Expansion::Count(n) => *n as usize,
            Expansion::Each(m) => m.len(),
            Expansion::Failed | Expansion::Pending => 0,
        }
    }

    pub(crate) fn instances(&self) -> Vec<(Option<Index>, Option<Value>)> {
        match self {
            Expansion::Single => vec![(None, None)],
            Expansion::Count(n) => (0..*n).map(|i| (Some(Index::Int(i)), None)).collect(),
            Expansion::Each(m) => m
                .iter()
                .map(|(k, v)| (Some(Index::Key(k.clone())), Some(v.clone())))
                .collect(),
            Expansion::Failed | Expansion::Pending => vec![],
        }
    }
}

/// A resource block as written.
#[derive(Debug)]
pub(crate) struct Block<'a> {
    pub(crate) kind: Kind,
    /// Shared by the addresses of the block's instances.
    pub(crate) label: Arc<str>,
    pub(crate) node: KdlNode<'a>,
    pub(crate) file: &'a Path,
    pub(crate) expansion: Expansion,
}

/// The evaluator state.
pub(crate) struct Eval<'a> {
    pub(crate) vars: BTreeMap<String, VarValue>,
    pub(crate) locals: BTreeMap<String, (KdlNode<'a>, &'a Path)>,
    local_cache: BTreeMap<String, Option<(Ev, Vec<Edge>)>>,
    /// The resource blocks, keyed by the label as written in the parse tree.
    pub(crate) blocks: crate::blocks::Blocks<'a>,
    attr_cache: FxHashMap<(Address, String), Option<Ev>>,
    pub(crate) provider_region: Option<String>,
    /// `provider "barrack" { rehearse #false }`.
    pub(crate) provider_rehearse: Option<bool>,
    /// `provider "barrack" { rate-limit 500 }`.
    pub(crate) provider_rate_limit: Option<u32>,
    pub(crate) files_read: BTreeMap<PathBuf, Arc<String>>,
    pub(crate) diags: Diags,
    pub(crate) used_vars: BTreeSet<String>,
    pub(crate) declared_vars: BTreeSet<String>,
    /// Every `var.NAME` read, with the span of the entry that read it (for diagnostics
    /// about the value: where it came from, and whether it must be redacted).
    pub(crate) var_uses: Vec<(Span, String)>,
    /// The provider's region was given but is invalid (reported): resources do not report
    /// a missing region on top.
    pub(crate) provider_region_failed: bool,
    collectors: Vec<Vec<Edge>>,
    /// The config directory, resolved, for `(file)` reads.
    root: Option<crate::fileread::Root>,
    /// What evaluation has produced so far, and its limits.
    pub(crate) budget: crate::budget::Budget,
    /// The selected workspace (`garrison.workspace`).
    pub(crate) workspace: Workspace,
    /// Whether `garrison.workspace` was read.
    pub(crate) uses_workspace: bool,
    /// The catalog values are checked against, and where it came from.
    pub(crate) offered: crate::offered::Offered,
    /// The data sources' values, `KIND.LABEL` -> value (`data.rs`).
    pub(crate) data: BTreeMap<String, Value>,
    /// The module instance evaluated here (empty at the root): every address it makes
    /// starts with it.
    pub(crate) module: Vec<ModuleStep>,
    /// In a module instance, each variable's value as its caller passed it (or its
    /// default), with the references the caller's expression made (`modules/`).
    pub(crate) inputs: BTreeMap<String, (Ev, Vec<Edge>)>,
    /// The `module` calls of this config or module (`modules/`).
    pub(crate) calls: BTreeMap<String, crate::modules::Call<'a>>,
    /// Where this config or module lives, for loading the modules it calls.
    pub(crate) place: Option<crate::modules::Place>,
    /// The texts of the module files loaded under this one, for diagnostics and the hash.
    pub(crate) module_sources: crate::diagnostic::Sources,
    /// Data sources declared but not decided (reported, or not read offline): what reads
    /// them stays quiet.
    pub(crate) data_unread: BTreeSet<String>,
    /// The objects data sources found, `(kind, id)` -> `data.KIND.LABEL`: a VM may attach
    /// them by id (`data_objects.rs`).
    pub(crate) data_ids: BTreeMap<(Kind, crate::model::RemoteId), String>,
    /// What the data sources need read from the account.
    pub(crate) account_needs: crate::account::AccountNeeds,
}

const ROOTS: &[&str] = &[
    "var", "local", "garrison", "data", "self", "count", "each", "module", "vm", "volume",
    "firewall", "ssh-key", "script", "snapshot", "image",
];

impl<'a> Eval<'a> {
    /// Counts the variables `text` names (`var.NAME`) as used: text kept unevaluated until
    /// apply (a `ready-when` command, a `postcondition`) reads them then.
    pub(crate) fn mention_vars(&mut self, text: &str) {
        let mut rest = text;
        while let Some(at) = rest.find("var.") {
            let whole = rest[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !garrison_core::is_label_char(c) && c != '.');
            let after = &rest[at + 4..];
            let end = after
                .find(|c: char| !garrison_core::is_label_char(c))
                .unwrap_or(after.len());
            if whole && end > 0 {
                self.used_vars.insert(after[..end].to_owned());
            }
            rest = after;
        }
    }

    pub(crate) fn new(dir: Option<&'a Path>, diags: Diags) -> Self {
        Eval {
            vars: BTreeMap::new(),
            locals: BTreeMap::new(),
            local_cache: BTreeMap::new(),
            blocks: crate::blocks::Blocks::default(),
            attr_cache: FxHashMap::default(),
            provider_region: None,
            provider_rehearse: None,
            provider_rate_limit: None,
            files_read: BTreeMap::new(),
            diags,
            used_vars: BTreeSet::new(),
            declared_vars: BTreeSet::new(),
            var_uses: Vec::new(),
            provider_region_failed: false,
            collectors: Vec::new(),
            root: dir.and_then(|d| crate::fileread::Root::new(d).ok()),
            budget: crate::budget::Budget::default(),
            workspace: Workspace::default(),
            uses_workspace: false,
            offered: crate::offered::Offered::default(),
            data: BTreeMap::new(),
            module: Vec::new(),
            inputs: BTreeMap::new(),
            calls: BTreeMap::new(),
            place: None,
            module_sources: crate::diagnostic::Sources::new(),
            data_unread: BTreeSet::new(),
            data_ids: BTreeMap::new(),
            account_needs: crate::account::AccountNeeds::default(),
        }
    }

    /// Starts collecting resource references.
    pub(crate) fn begin_refs(&mut self) {
        self.collectors.push(Vec::new());
    }

    /// Stops collecting and returns the references seen since [`Self::begin_refs`].
    pub(crate) fn end_refs(&mut self) -> Vec<Edge> {
        let mut refs = self.collectors.pop().unwrap_or_default();
        // Kept in the model: a snapshot's one reference held room for four.
        refs.shrink_to_fit();
        refs
    }

    pub(crate) fn edge(&mut self, target: Address, sp: &Span) {
        if let Some(c) = self.collectors.last_mut() {
            c.push(Edge {
                target,
                span: sp.clone(),
            });
        }
    }

    /// Evaluates one entry (argument or property value).
    pub(crate) fn entry(&mut self, file: &Path, e: KdlEntry<'_>, scope: &Scope) -> Ev {
        let sp = span(file, e.span());
        let value = e.value();
        match e.ty().map(|t| t.value()) {
            None => match value {
                KdlValue::String(s) if is_template(s) => self.template(s, &sp, scope),
                KdlValue::String(s) if s.len() > crate::limits::VALUE_MAX_BYTES => {
                    self.too_large(s.len(), &sp, "this string")
                }
                KdlValue::Integer(i) if i64::try_from(i).is_err() => {
                    self.diags.error(
                        Code::InvalidValue,
                        &sp,
                        format!("integer out of range: `{i}` does not fit in 64 bits"),
                        "out of range",
                        Some(format!(
                            "integers lie between {} and {}",
                            i64::MIN,
                            i64::MAX
                        )),
                    );
                    Ev::poison()
                }
                other => Ev::json(scalar(other)),
            },
            Some("ref") => match value.as_string() {
                Some(s) => self.reference(s, &sp, scope),
                None => {
                    self.diags.error(
                        Code::WrongType,
                        &sp,
                        "`(ref)` takes a string",
                        "not a string",
                        Some("write `(ref)\"var.NAME\"` or `(ref)\"KIND.NAME\"`".to_owned()),
                    );
                    Ev::poison()
                }
            },
            Some("expr") => match value.as_string() {
                Some(text) => {
                    let map = crate::expr::Mapper {
                        base: expr_base(e, text),
                        whole: sp.clone(),
                    };
                    self.expression(text, map, scope)
                }
                None => {
                    self.diags.error(
                        Code::WrongType,
                        &sp,
                        "`(expr)` takes a string",
                        "not a string",
                        Some("write `(expr)\"var.on ? 2 : 0\"`".to_owned()),
                    );
                    Ev::poison()
                }
            },
            Some("file") => match value.as_string() {
                Some(s) => self.file(s, &sp),
                None => {
                    self.diags.error(
                        Code::WrongType,
                        &sp,
                        "`(file)` takes a path string",
                        "not a string",
                        None,
                    );
                    Ev::poison()
                }
            },
            Some(other) => {
                self.diags.error(
                    Code::UnknownAnnotation,
                    &sp,
                    format!("unknown value annotation `({other})`"),
                    "unknown annotation",
                    suggest(other, &["ref", "expr", "file"]),
                );
                Ev::poison()
            }
        }
    }

    /// Parses and evaluates expression `text`; errors are diagnostics placed by `map`.
    pub(crate) fn expression(&mut self, text: &str, map: crate::expr::Mapper, scope: &Scope) -> Ev {
        let parsed = match crate::expr::parse(text) {
            Ok(e) => e,
            Err(err) => {
                let span = map.span(err.at);
                let help = err.help.clone().or_else(|| {
                    Some(
                        "expressions are described in docs/language.md, \"Expressions\"".to_owned(),
                    )
                });
                self.diags.error(err.code, &span, err.message, "here", help);
                return Ev::poison();
            }
        };
        let mut runner = crate::expr::Runner {
            ev: self,
            scope,
            map,
            names: None,
            bound: Vec::new(),
            sensitive: false,
        };
        runner.run(&parsed)
    }

    /// Reads `path` inside the config directory, as `(file)` does.
    pub(crate) fn file(&mut self, path: &str, sp: &Span) -> Ev {
        let Some(root) = &self.root else {
            self.diags.error(
                Code::MissingFile,
                sp,
                format!("cannot read `{path}`: this config has no directory"),
                "file not found",
                Some("`(file)` paths are relative to the config directory; load the config with `load_dir`".to_owned()),
            );
            return Ev::poison();
        };
        match root.read(Path::new(path), crate::limits::FILE_MAX_BYTES) {
            Ok(text) => {
                if !self.budget.charge(text.len(), sp, &mut self.diags) {
                    return Ev::poison();
                }
                self.files_read
                    .insert(PathBuf::from(path), Arc::new(text.clone()));
                Ev::json(Value::String(text))
            }
            Err(e) => {
                self.file_refused(path, sp, &e);
                Ev::poison()
            }
        }
    }

    fn file_refused(&mut self, path: &str, sp: &Span, e: &crate::fileread::Refusal) {
        use crate::fileread::Refusal;
        let (code, label, help) = if e.is_not_found() {
            (
                Code::MissingFile,
                "file not found".to_owned(),
                "`(file)` paths are relative to the config directory".to_owned(),
            )
        } else if e.is_not_allowed() {
            (
                Code::FileNotAllowed,
                "not allowed".to_owned(),
                "put the file inside the config directory: `(file)` reads regular files there only (symlinks may point only inside it), never `/proc`, `/sys` or `/dev`".to_owned(),
            )
        } else if let Refusal::TooLarge { cap } = e {
            (
                Code::Limit,
                "too large".to_owned(),
                format!("`(file)` reads at most {}", crate::limits::show_bytes(*cap)),
            )
        } else {
            (
                Code::MissingFile,
                format!("cannot read: {e}"),
                "`(file)` paths are relative to the config directory".to_owned(),
            )
        };
        let message = if e.is_not_found() {
            format!("cannot read `{path}`")
        } else {
            format!("cannot read `{path}`: {e}")
        };
        self.diags.error(code, sp, message, label, Some(help));
    }

    /// The value-size diagnostic.
    fn too_large(&mut self, len: usize, sp: &Span, what: &str) -> Ev {
        let max = crate::limits::show_bytes(crate::limits::VALUE_MAX_BYTES);
        self.diags.error(
            Code::Limit,
            sp,
            format!("{what} is larger than {max} ({len} bytes)"),
            "too large",
            Some(format!("a value holds at most {max}; read large content with `(file)` (at most {}) or fetch it at boot", crate::limits::show_bytes(crate::limits::FILE_MAX_BYTES))),
        );
        Ev::poison()
    }

    pub(crate) fn template(&mut self, s: &str, sp: &Span, scope: &Scope) -> Ev {
        let pieces = match parse_template(s) {
            Ok(p) => p,
            Err(msg) => {
                self.diags.error(
                    Code::BadReference,
                    sp,
                    msg,
                    "in this template",
                    Some("close it with `}`; write `$${` for a literal `${`".to_owned()),
                );
                return Ev::poison();
            }
        };
        let mut parts: Vec<TemplatePart> = Vec::new();
        let mut len = 0usize;
        let mut after = false;
        let mut sensitive = false;
        let mut poison = false;
        for piece in pieces {
            let before = parts.len();
            match piece {
                Piece::Text(t) => parts.push(TemplatePart::Text(t)),
                Piece::Ref(r) => {
                    let ev = if is_plain_reference(&r, scope) {
                        self.reference(&r, sp, scope)
                    } else {
                        let map = crate::expr::Mapper {
                            whole: sp.clone(),
                            base: None,
                        };
                        self.expression(&r, map, scope)
                    };
                    sensitive |= ev.sensitive;
                    match ev.val {
                        Val::Json(Value::String(s)) => parts.push(TemplatePart::Text(s)),
                        Val::Json(v @ (Value::Number(_) | Value::Bool(_))) => {
                            parts.push(TemplatePart::Text(v.to_string()))
                        }
                        Val::Json(v) => {
                            self.diags.error(
                                Code::WrongType,
                                sp,
                                format!("`${{{r}}}` is a {}, which cannot be put in a string", type_name(&v)),
                                "in this template",
                                Some("interpolate a string, number or bool; use `(ref)` for a whole list or map".to_owned()),
                            );
                            poison = true;
                        }
                        Val::Link(_) | Val::Links(_) => {
                            self.diags.error(
                                Code::WrongType,
                                sp,
                                format!("`${{{r}}}` is a resource, not a value"),
                                "in this template",
                                Some(format!("name an attribute, e.g. `${{{r}.name}}`")),
                            );
                            poison = true;
                        }
                        Val::After(e) => {
                            after = true;
                            parts.push(TemplatePart::Expr(e));
                        }
                        Val::Poison => poison = true,
                    }
                }
            }
            if let Some(TemplatePart::Text(t)) = parts.get(before) {
                len = len.saturating_add(t.len());
                if len > crate::limits::VALUE_MAX_BYTES {
                    return self.too_large(len, sp, "this template");
                }
            }
        }
        if poison {
            return Ev::poison();
        }
        let val = if after {
            Val::After(Expr::Template(parts))
        } else {
            Val::Json(Value::String(
                parts
                    .into_iter()
                    .map(|p| match p {
                        TemplatePart::Text(t) => t,
                        TemplatePart::Expr(_) => String::new(),
                    })
                    .collect(),
            ))
        };
        Ev { val, sensitive }
    }

    /// Resolves a reference string at `sp`.
    pub(crate) fn reference(&mut self, s: &str, sp: &Span, scope: &Scope) -> Ev {
        // `[count.index]` and `[each.key]` pick this instance's partner in another counted
        // resource: `volumes (ref)"volume.scratch[count.index]"`.
        let mut owned = s.to_owned();
        if let Some(i) = scope.count_index {
            owned = owned.replace("[count.index]", &format!("[{i}]"));
        }
        if let Some((key, _)) = &scope.each {
            let quoted = format!("[\"{}\"]", key.replace('\\', "\\\\").replace('"', "\\\""));
            owned = owned.replace("[each.key]", &quoted);
        }
        let s = owned.as_str();
        let path = match parse_ref(s) {
            Ok(p) => p,
            Err(msg) => {
                self.diags.error(
                    Code::BadReference,
                    sp,
                    format!("malformed reference: {msg}"),
                    "this reference",
                    Some("references look like `var.NAME`, `local.NAME`, `KIND.NAME[0].ATTR`, `KIND.NAME[count.index]` or `KIND.NAME[*]`".to_owned()),
                );
                return Ev::poison();
            }
        };
        let mut segs = path.segs.into_iter();
        match path.root.as_str() {
            "var" => {
                let Some(Seg::Field(name)) = segs.next() else {
                    return self.bad(sp, "`var` needs a name: `var.NAME`");
                };
                self.var_uses.push((sp.clone(), name.clone()));
                if let Some((ev, edges)) = self.inputs.get(&name).cloned() {
                    self.used_vars.insert(name.clone());
                    for e in edges {
                        self.edge(e.target, &e.span);
                    }
                    return self.access(ev, segs.collect(), sp, &format!("var.{name}"));
                }
                let Some(v) = self.vars.get(&name).cloned() else {
                    if self.diags_has_var_error(&name) {
                        self.used_vars.insert(name);
                        return Ev::poison();
                    }
                    let declared = self.vars.keys().chain(self.inputs.keys());
                    let help = did_you_mean(&name, declared.map(String::as_str))
                        .map(|c| format!("did you mean `var.{c}`?"))
                        .or_else(|| {
                            Some(format!("declare it: `variable \"{name}\" type=\"string\"`"))
                        });
                    self.diags.error(
                        Code::UnknownReference,
                        sp,
                        format!("unknown variable `var.{name}`"),
                        "not declared",
                        help,
                    );
                    return Ev::poison();
                };
                self.used_vars.insert(name.clone());
                let ev = Ev {
                    val: Val::Json(v.value),
                    sensitive: v.sensitive,
                };
                self.access(ev, segs.collect(), sp, &format!("var.{name}"))
            }
            "local" => {
                let Some(Seg::Field(name)) = segs.next() else {
                    return self.bad(sp, "`local` needs a name: `local.NAME`");
                };
                let ev = self.local(&name, sp);
                self.access(ev, segs.collect(), sp, &format!("local.{name}"))
            }
            "garrison" => self.garrison(segs.collect(), sp),
            "data" => self.data_ref(segs.collect(), sp),
            "module" => self.module_ref(segs.collect(), sp, s),
            "self" => match scope.this.clone() {
                Some(this) => self.access(Ev::json(this), segs.collect(), sp, "self"),
                None => self.bad(
                    sp,
                    "`self` is the object after apply: only a `postcondition` reads it",
                ),
            },
            "count" => {
                if !matches!(segs.next(), Some(Seg::Field(f)) if f == "index")
                    || segs.next().is_some()
                {
                    return self.bad(sp, "the only `count` value is `count.index`");
                }
                match scope.count_index {
                    Some(i) => Ev::json(Value::from(i)),
                    None => {
                        self.diags.error(
                            Code::UnknownReference,
                            sp,
                            "`count.index` is used outside a resource with `count`",
                            "no `count` here",
                            Some(
                                "add `count=N` to the resource, or remove `count.index`".to_owned(),
                            ),
                        );
                        Ev::poison()
                    }
                }
            }
            "each" => {
                let field = match segs.next() {
                    Some(Seg::Field(f)) if f == "key" || f == "value" => f,
                    _ => return self.bad(sp, "`each` has `each.key` and `each.value`"),
                };
                let Some((k, v)) = scope.each.clone() else {
                    self.diags.error(
                        Code::UnknownReference,
                        sp,
                        format!("`each.{field}` is used outside a resource with `for-each`"),
                        "no `for-each` here",
                        Some("add `for-each=(ref)\"var.LIST\"` to the resource".to_owned()),
                    );
                    return Ev::poison();
                };
                let ev = Ev::json(if field == "key" { Value::String(k) } else { v });
                self.access(ev, segs.collect(), sp, &format!("each.{field}"))
            }
            root => match root.parse::<Kind>() {
                Ok(kind) => self.resource_ref(kind, segs.collect(), sp, s),
                Err(_) => {
                    let help = suggest(root, ROOTS);
                    self.diags.error(
                        Code::UnknownReference,
                        sp,
                        format!("unknown reference `{s}`"),
                        format!("`{root}` is not a variable, local or resource kind"),
                        help,
                    );
                    Ev::poison()
                }
            },
        }
    }

    /// `garrison.workspace`: the selected workspace's name, a plain string.
    fn garrison(&mut self, segs: Vec<Seg>, sp: &Span) -> Ev {
        if !matches!(segs.as_slice(), [Seg::Field(f)] if f == "workspace") {
            self.diags.error(
                Code::UnknownReference,
                sp,
                "the only `garrison` value is `garrison.workspace`",
                "not a `garrison` value",
                Some("write `${garrison.workspace}` for the selected workspace's name".to_owned()),
            );
            return Ev::poison();
        }
        self.uses_workspace = true;
        Ev::json(Value::String(self.workspace.to_string()))
    }

    /// `data.KIND.LABEL...`: a data source's value (`data.rs`).
    fn data_ref(&mut self, segs: Vec<Seg>, sp: &Span) -> Ev {
        let mut segs = segs.into_iter();
        let (Some(Seg::Field(kind)), Some(Seg::Field(label))) = (segs.next(), segs.next()) else {
            return self.bad(
                sp,
                "a data source is `data.KIND.LABEL`, e.g. `data.pricing.now.gpus`",
            );
        };
        let key = format!("{kind}.{label}");
        if self.data_unread.contains(&key) {
            return Ev::poison();
        }
        let Some(value) = self.data.get(&key).cloned() else {
            let help = did_you_mean(&key, self.data.keys().map(String::as_str))
                .map(|c| format!("did you mean `data.{c}`?"))
                .or_else(|| Some(format!("declare it: `data \"{kind}\" \"{label}\" {{}}`")));
            self.diags.error(
                Code::UnknownReference,
                sp,
                format!("unknown data source `data.{key}`"),
                "not declared",
                help,
            );
            return Ev::poison();
        };
        self.access(Ev::json(value), segs.collect(), sp, &format!("data.{key}"))
    }

    fn diags_has_var_error(&self, name: &str) -> bool {
        // a declared variable that failed to resolve was already reported
        self.declared_vars.contains(name)
    }

    fn bad(&mut self, sp: &Span, msg: &str) -> Ev {
        self.diags.error(
            Code::BadReference,
            sp,
            msg.to_owned(),
            "this reference",
            None,
        );
        Ev::poison()
    }

    /// `.field`, `[N]`, `["k"]` into a JSON value.
    pub(crate) fn access(&mut self, ev: Ev, segs: Vec<Seg>, sp: &Span, what: &str) -> Ev {
        let mut cur = ev;
        let mut path = what.to_owned();
        for seg in segs {
            let Val::Json(v) = &cur.val else {
                return cur;
            };
            let next = match (&seg, v) {
                (Seg::Field(f) | Seg::Key(f), Value::Object(m)) => m.get(f).cloned(),
                (Seg::Index(i), Value::Array(a)) => a.get(*i as usize).cloned(),
                _ => {
                    self.diags.error(
                        Code::WrongType,
                        sp,
                        format!(
                            "`{path}` is a {}; it cannot be indexed like that",
                            type_name(v)
                        ),
                        "this reference",
                        None,
                    );
                    return Ev::poison();
                }
            };
            let shown = match &seg {
                Seg::Field(f) => format!(".{f}"),
                Seg::Key(k) => format!("[\"{k}\"]"),
                Seg::Index(i) => format!("[{i}]"),
                Seg::Splat => "[*]".to_owned(),
            };
            let Some(n) = next else {
                self.diags.error(
                    Code::UnknownReference,
                    sp,
                    format!("`{path}` has no element `{shown}`"),
                    "not found",
                    None,
                );
                return Ev::poison();
            };
            path.push_str(&shown);
            cur = Ev {
                val: Val::Json(n),
                sensitive: cur.sensitive,
            };
        }
        cur
    }

    fn local(&mut self, name: &str, sp: &Span) -> Ev {
        match self.local_cache.get(name) {
            Some(Some((ev, edges))) => {
                if !self.budget.charge_value(&ev.val, sp, &mut self.diags) {
                    return Ev::poison();
                }
                let (ev, edges) = (ev.clone(), edges.clone());
                for e in edges {
                    self.edge(e.target, &e.span);
                }
                return ev;
            }
            Some(None) => {
                self.diags.error(
                    Code::Cycle,
                    sp,
                    format!("`local.{name}` depends on itself"),
                    "this reference closes the cycle",
                    Some(
                        "a local cannot refer back to itself, directly or through other locals"
                            .to_owned(),
                    ),
                );
                return Ev::poison();
            }
            None => {}
        }
        let Some((node, file)) = self.locals.get(name).copied() else {
            let help = did_you_mean(name, self.locals.keys().map(String::as_str))
                .map(|c| format!("did you mean `local.{c}`?"))
                .or_else(|| Some(format!("define it: `locals {{ {name} \"value\" }}`")));
            self.diags.error(
                Code::UnknownReference,
                sp,
                format!("unknown local `local.{name}`"),
                "not defined",
                help,
            );
            return Ev::poison();
        };
        if !self.budget.enter(sp, &mut self.diags) {
            self.local_cache
                .insert(name.to_owned(), Some((Ev::poison(), vec![])));
            return Ev::poison();
        }
        self.local_cache.insert(name.to_owned(), None);
        self.begin_refs();
        let ev = self.node_value(file, node, &Scope::default());
        let edges = self.end_refs();
        self.budget.leave();
        for e in &edges {
            self.edge(e.target.clone(), &e.span);
        }
        self.local_cache
            .insert(name.to_owned(), Some((ev.clone(), edges)));
        ev
    }

    /// The value of a local-like node: one argument, several (a list), or children (a map).
    pub(crate) fn node_value(&mut self, file: &Path, node: KdlNode<'_>, scope: &Scope) -> Ev {
        let args: Vec<KdlEntry<'_>> = node
            .entries()
            .iter()
            .filter(|e| e.name().is_none())
            .collect();
        if let Some(p) = node.entries().iter().find(|e| e.name().is_some()) {
            self.diags.error(
                Code::UnknownAttribute,
                &span(file, p.span()),
                "unexpected property",
                "not allowed here",
                None,
            );
        }
        if let Some(children) = node.children() {
            let mut map = serde_json::Map::new();
            let mut sensitive = false;
            let mut total = 0usize;
            for c in children {
                let ev = self.node_value(file, c, scope);
                sensitive |= ev.sensitive;
                match ev.val {
                    Val::Json(v) => {
                        total = total.saturating_add(crate::budget::measure(&v).0);
                        if total > crate::limits::VALUE_MAX_BYTES {
                            return self.too_large(total, &span(file, node.span()), "this map");
                        }
                        map.insert(c.name().value().to_owned(), v);
                    }
                    Val::Poison => return Ev::poison(),
                    _ => {
                        self.diags.error(
                            Code::WrongType,
                            &span(file, c.span()),
                            "a map holds plain values only",
                            "not a plain value",
                            None,
                        );
                        return Ev::poison();
                    }
                }
            }
            let map = Value::Object(map);
            let sp = span(file, node.span());
            if !crate::budget::check_composite(&mut self.budget, &map, &sp, &mut self.diags) {
                return Ev::poison();
            }
            return Ev {
                val: Val::Json(map),
                sensitive,
            };
        }
        let node_span = span(file, node.span());
        let mut evs: Vec<Ev> = Vec::with_capacity(args.len());
        let mut total = 0usize;
        for e in args {
            let ev = self.entry(file, e, scope);
            if let Val::Json(v) = &ev.val {
                total = total.saturating_add(crate::budget::measure(v).0);
                if total > crate::limits::VALUE_MAX_BYTES {
                    return self.too_large(total, &node_span, "this list");
                }
            }
            evs.push(ev);
        }
        self.combine(evs, &node_span)
    }

    fn resource_ref(&mut self, kind: Kind, segs: Vec<Seg>, sp: &Span, text: &str) -> Ev {
        let mut segs = segs.into_iter();
        let Some(Seg::Field(name)) = segs.next() else {
            return self.bad(sp, &format!("`{kind}` needs a name: `{kind}.NAME`"));
        };
        let Some(block) = self.blocks.get(kind, &name) else {
            let mut same_kind: Vec<&str> = self
                .blocks
                .keys()
                .filter(|(k, _)| *k == kind)
                .map(|(_, n)| n)
                .collect();
            same_kind.sort_unstable();
            let other_kind = self
                .blocks
                .keys()
                .filter(|(k, n)| *n == name && *k != kind)
                .map(|(k, _)| k)
                .min();
            let help = match (did_you_mean(&name, same_kind), other_kind) {
                (Some(c), _) => Some(format!("did you mean `{kind}.{c}`?")),
                (None, Some(k)) => Some(format!("there is a `{k}` named `{name}`: `{k}.{name}`")),
                (None, None) => None,
            };
            self.diags.error(
                Code::UnknownReference,
                sp,
                format!("unknown resource `{kind}.{name}`"),
                "no such resource",
                help,
            );
            return Ev::poison();
        };
        let expansion = block.expansion.clone();
        // The block's own label: one name shared by every address of the block (a
        // 100k-resource config makes 300k references), equal by pointer.
        let label = Arc::clone(&block.label);
        let mut rest: Vec<Seg> = segs.collect();
        let index_seg = match rest.first() {
            Some(Seg::Index(_) | Seg::Key(_) | Seg::Splat) => Some(rest.remove(0)),
            _ => None,
        };
        let attr = match rest.first() {
            Some(Seg::Field(f)) => Some(f.clone()),
            Some(_) => return self.bad(sp, "an attribute name was expected after the index"),
            None => None,
        };
        if rest.len() > 1 {
            return self.bad(
                sp,
                "references stop at the attribute: `KIND.NAME[INDEX].ATTR`",
            );
        }
        let block_addr = Address::new(kind, label).in_module(&self.module);
        let mut splat = false;
        let targets: Vec<Address> = match (&expansion, index_seg) {
            (Expansion::Failed, _) => {
                self.edge(block_addr, sp);
                return Ev::poison();
            }
            (Expansion::Pending, _) => {
                // a count/for-each refers to a resource: the caller reports it
                self.edge(block_addr, sp);
                return Ev::poison();
            }
            (_, Some(Seg::Splat)) => {
                splat = true;
                expansion
                    .instances()
                    .into_iter()
                    .map(|(i, _)| block_addr.clone().with_index(i))
                    .collect()
            }
            (Expansion::Single, None) => vec![block_addr.clone()],
            (Expansion::Single, Some(seg)) => {
                self.diags.error(
                    Code::BadIndex,
                    sp,
                    format!("`{block_addr}` has no `count` or `for-each`, so it takes no index"),
                    format!("index `{}` on a single resource", seg_text(&seg)),
                    Some(format!("write `{block_addr}`")),
                );
                return Ev::poison();
            }
            (Expansion::Count(n), None) | (Expansion::Count(n), Some(Seg::Key(_))) => {
                let n = *n;
                self.diags.error(
                    Code::BadIndex,
                    sp,
                    format!("`{block_addr}` has `count`; say which instance"),
                    "needs an index",
                    Some(format!("write `{block_addr}[0]` .. `{block_addr}[{}]`, or `{block_addr}[*]` for every instance", n.saturating_sub(1))),
                );
                return Ev::poison();
            }
            (Expansion::Count(n), Some(Seg::Index(i))) => {
                if i >= *n {
                    let n = *n;
                    self.diags.error(
                        Code::BadIndex,
                        sp,
                        format!("`{block_addr}[{i}]` is out of range: `{block_addr}` has {n} instance{}", if n == 1 { "" } else { "s" }),
                        "out of range",
                        Some(if n == 0 { "count is 0: there is no instance".to_owned() } else { format!("indexes go from 0 to {}", n - 1) }),
                    );
                    return Ev::poison();
                }
                vec![block_addr.clone().with_index(Some(Index::Int(i)))]
            }
            (Expansion::Each(m), Some(Seg::Key(k))) => {
                if !m.contains_key(&k) {
                    let keys: Vec<&str> = m.keys().map(String::as_str).collect();
                    let help = did_you_mean(&k, keys.iter().copied())
                        .map(|c| format!("did you mean `{block_addr}[\"{c}\"]`?"))
                        .or_else(|| {
                            Some(format!(
                                "keys are: {}",
                                keys.iter()
                                    .map(|k| format!("\"{k}\""))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                        });
                    self.diags.error(
                        Code::BadIndex,
                        sp,
                        format!("`{block_addr}` has no instance `[\"{k}\"]`"),
                        "unknown key",
                        help,
                    );
                    return Ev::poison();
                }
                vec![block_addr.clone().with_index(Some(Index::Key(k)))]
            }
            (Expansion::Each(_), _) => {
                self.diags.error(
                    Code::BadIndex,
                    sp,
                    format!("`{block_addr}` has `for-each`; say which instance by key"),
                    "needs a key",
                    Some(format!(
                        "write `{block_addr}[\"KEY\"]`, or `{block_addr}[*]` for every instance"
                    )),
                );
                return Ev::poison();
            }
            (_, Some(_)) => return Ev::poison(),
        };
        for t in &targets {
            self.edge(t.clone(), sp);
        }
        let Some(attr) = attr else {
            return Ev {
                val: if splat {
                    Val::Links(targets)
                } else {
                    targets.into_iter().next().map_or(Val::Poison, Val::Link)
                },
                sensitive: false,
            };
        };
        if schema::after_apply_attrs(kind).contains(&attr.as_str()) {
            let val = if splat && !self.module.is_empty() {
                // `Expr::Splat` names a root block: inside a module, list the instances
                let each = targets.into_iter().map(|target| Expr::Attr {
                    target,
                    attr: attr.clone(),
                });
                Val::After(Expr::List(each.collect()))
            } else if splat {
                Val::After(Expr::Splat { kind, name, attr })
            } else {
                targets.into_iter().next().map_or(Val::Poison, |target| {
                    Val::After(Expr::Attr { target, attr })
                })
            };
            return Ev {
                val,
                sensitive: false,
            };
        }
        if !schema::static_attrs(kind).contains(&attr.as_str()) {
            let all: Vec<&str> = schema::static_attrs(kind)
                .iter()
                .chain(schema::after_apply_attrs(kind))
                .copied()
                .collect();
            self.diags.error(
                Code::UnknownReferenceAttribute,
                sp,
                format!("`{kind}` has no attribute `{attr}` (in `{text}`)"),
                "unknown attribute",
                suggest(&attr, &all),
            );
            return Ev::poison();
        }
        let mut values = Vec::new();
        let mut sensitive = false;
        for t in &targets {
            let ev = self.static_attr(t, &attr, sp);
            sensitive |= ev.sensitive;
            match ev.val {
                Val::Json(v) => values.push(v),
                _ => {
                    return Ev {
                        val: Val::Poison,
                        sensitive,
                    }
                }
            }
        }
        let val = if splat {
            Value::Array(values)
        } else {
            values.into_iter().next().unwrap_or(Value::Null)
        };
        Ev {
            val: Val::Json(val),
            sensitive,
        }
    }

    /// Frees the attributes computed so far (12 MB at 100k resources); a later reference
    /// computes its attribute again. Call between evaluations, never inside one.
    pub(crate) fn forget_attributes(&mut self) {
        self.attr_cache = FxHashMap::default();
    }

    /// A plan-time attribute of instance `target` (evaluated once, lazily).
    pub(crate) fn static_attr(&mut self, target: &Address, attr: &str, sp: &Span) -> Ev {
        let key = (target.clone(), attr.to_owned());
        match self.attr_cache.get(&key) {
            Some(Some(ev)) => {
                if !self.budget.charge_value(&ev.val, sp, &mut self.diags) {
                    return Ev::poison();
                }
                return ev.clone();
            }
            Some(None) => return Ev::poison(), // a cycle: reported from the resource graph
            None => {}
        }
        if !self.budget.enter(sp, &mut self.diags) {
            self.attr_cache.insert(key, Some(Ev::poison()));
            return Ev::poison();
        }
        self.attr_cache.insert(key.clone(), None);
        self.begin_refs();
        let ev = self.compute_attr(target, attr);
        self.end_refs();
        self.budget.leave();
        self.attr_cache.insert(key, Some(ev.clone()));
        ev
    }

    fn compute_attr(&mut self, target: &Address, attr: &str) -> Ev {
        if target.module[..] != self.module[..] {
            // an instance of the caller's, passed in: its value came with the input
            return Ev::poison();
        }
        let Some(block) = self.blocks.get(target.kind, &target.name) else {
            return Ev::poison();
        };
        let (file, label, node) = (block.file, block.label.clone(), block.node);
        let each_value = match (&block.expansion, &target.index) {
            (Expansion::Each(m), Some(Index::Key(k))) => m.get(k).cloned(),
            _ => None,
        };
        let scope = Scope::for_index(&target.index, each_value);
        let (node_name, prop) = match attr {
            "gpu-count" => ("gpu", Some("count")),
            other => (other, None),
        };
        let child = child_of(node, node_name);
        match (attr, child) {
            ("name", None) => Ev::json(Value::String(default_name(&label, &target.index))),
            ("region", None) => match target.kind {
                Kind::Snapshot => self.linked_region(child_of(node, "vm"), file, &scope),
                Kind::Image => self.linked_region(child_of(node, "snapshot"), file, &scope),
                _ => self
                    .provider_region
                    .clone()
                    .map_or(Ev::poison(), |r| Ev::json(Value::String(r))),
            },
            ("gpu-count", None) => Ev::poison(),
            ("type", None) if target.kind == Kind::Volume => Ev::json(Value::String(
                crate::catalog::DEFAULT_VOLUME_TYPE.to_owned(),
            )),
            ("power", None) => Ev::json(Value::String("running".to_owned())),
            ("bootable", None) => Ev::json(Value::Bool(false)),
            ("description", None) => Ev::json(Value::String(String::new())),
            (_, None) => Ev::json(Value::Null),
            (_, Some(node)) => {
                let entry = match prop {
                    Some(p) => node
                        .entries()
                        .iter()
                        .find(|e| e.name().is_some_and(|n| n.value() == p)),
                    None => node.entries().iter().find(|e| e.name().is_none()),
                };
                match (entry, prop) {
                    (Some(e), _) => self.entry(file, e, &scope),
                    (None, Some(_)) => Ev::json(Value::from(1)),
                    (None, None) => Ev::poison(),
                }
            }
        }
    }

    /// The region of the resource a link node points to (snapshot -> vm, image -> snapshot).
    fn linked_region(&mut self, node: Option<KdlNode<'_>>, file: &Path, scope: &Scope) -> Ev {
        let Some(e) = node.and_then(|n| n.entries().iter().find(|e| e.name().is_none())) else {
            return self
                .provider_region
                .clone()
                .map_or(Ev::poison(), |r| Ev::json(Value::String(r)));
        };
        let ev = self.entry(file, e, scope);
        match ev.val {
            Val::Link(a) => self.static_attr(&a, "region", &span(file, e.span())),
            _ => Ev::poison(),
        }
    }
}

fn child_of<'n>(node: KdlNode<'n>, name: &str) -> Option<KdlNode<'n>> {
    node.children()?.iter().find(|n| n.name().value() == name)
}

/// The default cloud-side name: NAME, NAME-<index>, or NAME-<key>.
pub(crate) fn default_name(label: &str, index: &Option<Index>) -> String {
    match index {
        None => label.to_owned(),
        Some(Index::Int(i)) => format!("{label}-{i}"),
        Some(Index::Key(k)) => format!("{label}-{k}"),
    }
}

fn seg_text(seg: &Seg) -> String {
    match seg {
        Seg::Field(f) => format!(".{f}"),
        Seg::Index(i) => format!("[{i}]"),
        Seg::Key(k) => format!("[\"{k}\"]"),
        Seg::Splat => "[*]".to_owned(),
    }
}

impl Eval<'_> {
    /// Several argument values as one: one stays itself; several make a list (of values, of
    /// links, or of known-after-apply expressions).
    pub(crate) fn combine(&mut self, evs: Vec<Ev>, sp: &Span) -> Ev {
        if evs.len() == 1 {
            return evs.into_iter().next().unwrap_or_else(Ev::poison);
        }
        let sensitive = evs.iter().any(|e| e.sensitive);
        if evs.iter().any(|e| e.val == Val::Poison) {
            return Ev {
                val: Val::Poison,
                sensitive,
            };
        }
        if evs
            .iter()
            .all(|e| matches!(e.val, Val::Link(_) | Val::Links(_)))
        {
            let mut all = Vec::new();
            for e in evs {
                match e.val {
                    Val::Link(a) => all.push(a),
                    Val::Links(v) => all.extend(v),
                    _ => {}
                }
            }
            return Ev {
                val: Val::Links(all),
                sensitive,
            };
        }
        if evs.iter().all(|e| matches!(e.val, Val::Json(_))) {
            let items = evs.into_iter().filter_map(|e| match e.val {
                Val::Json(v) => Some(v),
                _ => None,
            });
            let list = Value::Array(items.collect());
            if !crate::budget::check_composite(&mut self.budget, &list, sp, &mut self.diags) {
                return Ev::poison();
            }
            return Ev {
                val: Val::Json(list),
                sensitive,
            };
        }
        let mut exprs = Vec::new();
        for e in evs {
            match e.val {
                Val::Json(v) => exprs.push(Expr::Value(v)),
                Val::After(x) => exprs.push(x),
                _ => {
                    self.diags.error(
                        Code::WrongType,
                        sp,
                        "a list mixes resource references and values",
                        "mixed list",
                        Some("list either resources (`(ref)\"KIND.NAME\"`) or values".to_owned()),
                    );
                    return Ev {
                        val: Val::Poison,
                        sensitive,
                    };
                }
            }
        }
        Ev {
            val: Val::After(Expr::List(exprs)),
            sensitive,
        }
    }
}

/// Whether `${text}` is a plain reference (`var.x`, `vm.a[count.index].name`), which keeps
/// the reference's own diagnostics, rather than an expression.
fn is_plain_reference(text: &str, scope: &Scope) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_-.[]*\"".contains(c);
    if !text.trim().chars().all(allowed) {
        return false;
    }
    let mut owned = text.to_owned();
    if let Some(i) = scope.count_index {
        owned = owned.replace("[count.index]", &format!("[{i}]"));
    }
    owned = owned
        .replace("[count.index]", "[0]")
        .replace("[each.key]", "[\"k\"]");
    parse_ref(&owned).is_ok()
}

/// The byte offset in its file of the first character of the string value of `(expr)`
/// entry `e` holding `text`, when the value is written as it reads: a quoted string
/// without escapes, or a raw string (`#"..."#`). The entry's span ends with the value.
fn expr_base(e: KdlEntry<'_>, text: &str) -> Option<usize> {
    let end = e.span().offset() + e.span().len();
    let repr = e.value_repr().unwrap_or("");
    let closing = if repr.starts_with('#') {
        let hashes = repr.len() - repr.trim_start_matches('#').len();
        (repr.len() == text.len() + 2 + 2 * hashes).then_some(hashes + 1)
    } else {
        let plain = !text.contains(['\\', '"', '\n']);
        (plain && (repr.is_empty() || repr.len() == text.len() + 2)).then_some(1)
    }?;
    end.checked_sub(closing + text.len())
}
