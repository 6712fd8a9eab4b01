//! Variables: declarations (`variable "x" type=... default=...`), the inputs that set them
//! (`--var`, `--var-file`, `GARRISON_VAR_<name>`) and their resolution and validation.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::tree::{KdlDocument, KdlNode};
use serde_json::Value;

use crate::collect::{name_span, span, suggest, Diags};
use crate::diagnostic::{Code, Sources};
use crate::literal::{node_value, scalar, show, type_name};
use crate::model::{Span, VarValue, Workspace};

/// The environment variable prefix: `GARRISON_VAR_trainers=4` sets `var.trainers`.
pub const ENV_PREFIX: &str = "GARRISON_VAR_";

/// Values given to variables from outside the config, and the workspace it is evaluated
/// in. Precedence, highest first: `vars`, then `var_files` (later files win; the
/// workspace's own var file `workspaces/NAME.kdl` is read as if given first), then `env`,
/// then the declared default.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct VarInputs {
    /// The selected workspace: `garrison.workspace`, and which `workspaces/NAME.kdl` is read.
    pub workspace: Workspace,
    /// `--var name=value`, in command-line order (a later one wins).
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE.kdl` paths (each node `NAME VALUE`), in order.
    pub var_files: Vec<PathBuf>,
    /// The process environment (the CLI passes it; only `GARRISON_VAR_*` is read).
    pub env: BTreeMap<String, String>,
}

impl fmt::Debug for VarInputs {
    // Values may be secrets: show names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VarInputs")
            .field("workspace", &self.workspace)
            .field(
                "vars",
                &self
                    .vars
                    .iter()
                    .map(|(k, _)| format!("{k}=<redacted>"))
                    .collect::<Vec<_>>(),
            )
            .field("var_files", &self.var_files)
            .field(
                "env",
                &self
                    .env
                    .keys()
                    .filter(|k| k.starts_with(ENV_PREFIX))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A malformed `--var` argument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`--var` expects `NAME=VALUE`, got `{0}`")]
pub struct VarArgError(pub String);

impl VarInputs {
    /// Parses one `--var NAME=VALUE` argument.
    pub fn parse_var_arg(arg: &str) -> Result<(String, String), VarArgError> {
        match arg.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
            _ => Err(VarArgError(arg.split('=').next().unwrap_or("").to_owned())),
        }
    }

    /// Keeps the `GARRISON_VAR_*` entries of an environment iterator.
    pub fn with_env(mut self, env: impl IntoIterator<Item = (String, String)>) -> Self {
        self.env = env
            .into_iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        self
    }
}

/// A variable type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VarType {
    String,
    Int,
    /// Any number, whole or fractional (HCL's `number`).
    Number,
    Bool,
    List,
    Map,
}

const TYPES: &[&str] = &["string", "int", "number", "bool", "list", "map"];

impl VarType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => VarType::String,
            "int" => VarType::Int,
            "number" => VarType::Number,
            "bool" => VarType::Bool,
            "list" => VarType::List,
            "map" => VarType::Map,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            VarType::String => "string",
            VarType::Int => "int",
            VarType::Number => "number",
            VarType::Bool => "bool",
            VarType::List => "list",
            VarType::Map => "map",
        }
    }

    fn accepts(self, v: &Value) -> bool {
        match self {
            VarType::String => v.is_string(),
            VarType::Int => v.is_i64(),
            VarType::Number => v.is_number(),
            VarType::Bool => v.is_boolean(),
            VarType::List => v.is_array(),
            VarType::Map => v.is_object(),
        }
    }

    /// Converts a command-line / environment string.
    fn parse_text(self, s: &str) -> Option<Value> {
        match self {
            VarType::String => Some(Value::String(s.to_owned())),
            VarType::Int => s.trim().parse::<i64>().ok().map(Value::from),
            VarType::Number => number_text(s.trim()),
            VarType::Bool => match s.trim() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            VarType::List => serde_json::from_str::<Value>(s)
                .ok()
                .filter(Value::is_array),
            VarType::Map => serde_json::from_str::<Value>(s)
                .ok()
                .filter(Value::is_object),
        }
    }
}

/// A whole number when `s` is one, else a finite fractional one.
fn number_text(s: &str) -> Option<Value> {
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    let f = s.parse::<f64>().ok().filter(|f| f.is_finite())?;
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// A `variable` declaration.
#[derive(Debug, Clone)]
pub(crate) struct VarDecl {
    pub(crate) name: String,
    pub(crate) ty: VarType,
    pub(crate) default: Option<Value>,
    pub(crate) sensitive: bool,
    pub(crate) allowed: Vec<Value>,
    pub(crate) min: Option<i64>,
    pub(crate) max: Option<i64>,
    /// The name argument.
    pub(crate) span: Span,
    /// The `default=` setting, if any.
    pub(crate) default_span: Option<Span>,
}

const VAR_SETTINGS: &[&str] = &[
    "type",
    "validation",
    "default",
    "description",
    "sensitive",
    "allowed",
    "min",
    "max",
];

/// Parses a `variable "NAME" ...` node.
pub(crate) fn parse_decl(file: &Path, node: KdlNode<'_>, diags: &mut Diags) -> Option<VarDecl> {
    let mut args = node.entries().iter().filter(|e| e.name().is_none());
    let Some(name_entry) = args.next() else {
        diags.error(
            Code::MissingAttribute,
            &name_span(file, node),
            "a variable needs a name",
            "name missing",
            Some("write `variable \"NAME\" type=\"string\"`".to_owned()),
        );
        return None;
    };
    let name_sp = span(file, name_entry.span());
    let Some(name) = name_entry.value().as_string().map(str::to_owned) else {
        diags.error(
            Code::WrongType,
            &name_sp,
            "a variable name is a string",
            "not a string",
            None,
        );
        return None;
    };
    if let Some(extra) = args.next() {
        diags.error(
            Code::UnknownAttribute,
            &span(file, extra.span()),
            format!("unexpected argument in `variable \"{name}\"`"),
            "extra argument",
            Some("settings are properties, e.g. `type=\"int\" default=2`".to_owned()),
        );
    }
    // settings from properties and from children
    let mut settings: Vec<(String, Value, Span)> = Vec::new();
    for e in node.entries() {
        if let Some(k) = e.name() {
            if let Err(msg) = crate::literal::in_range(e.value()) {
                diags.error(
                    Code::InvalidValue,
                    &span(file, e.span()),
                    msg,
                    "out of range",
                    None,
                );
                return None;
            }
            settings.push((
                k.value().to_owned(),
                scalar(e.value()),
                span(file, e.span()),
            ));
        }
    }
    if let Some(children) = node.children() {
        for c in children {
            let key = c.name().value().to_owned();
            if key == "validation" {
                continue; // evaluated once the value is known (conditions.rs)
            }
            match node_value(file, c) {
                Ok(mut v) => {
                    if key == "allowed" && !v.is_array() {
                        v = Value::Array(vec![v]);
                    }
                    settings.push((key, v, span(file, c.span())));
                }
                Err((sp, msg)) => diags.error(Code::WrongType, &sp, msg, "here", None),
            }
        }
    }
    let mut decl = VarDecl {
        name: name.clone(),
        ty: VarType::String,
        default: None,
        sensitive: false,
        allowed: Vec::new(),
        min: None,
        max: None,
        span: name_sp,
        default_span: None,
    };
    let mut seen = BTreeSet::new();
    let mut ty_given = false;
    let mut default_span = None;
    for (key, value, sp) in settings {
        if !seen.insert(key.clone()) {
            diags.error(
                Code::DuplicateAttribute,
                &sp,
                format!("`{key}` given twice for `var.{name}`"),
                "again here",
                None,
            );
            continue;
        }
        match key.as_str() {
            "type" => match value.as_str().and_then(VarType::parse) {
                Some(t) => {
                    decl.ty = t;
                    ty_given = true;
                }
                None => diags.error(
                    Code::InvalidValue,
                    &sp,
                    format!("unknown variable type {}", show(&value)),
                    "not a type",
                    suggest(value.as_str().unwrap_or(""), TYPES),
                ),
            },
            "default" => {
                decl.default = Some(value);
                default_span = Some(sp);
            }
            "description" => {
                if !value.is_string() {
                    diags.error(
                        Code::WrongType,
                        &sp,
                        "`description` is a string",
                        "not a string",
                        None,
                    );
                }
            }
            "sensitive" => match value.as_bool() {
                Some(b) => decl.sensitive = b,
                None => diags.error(
                    Code::WrongType,
                    &sp,
                    "`sensitive` is `#true` or `#false`",
                    "not a bool",
                    None,
                ),
            },
            "allowed" => decl.allowed = value.as_array().cloned().unwrap_or_default(),
            "min" | "max" => match value.as_i64() {
                Some(n) if key == "min" => decl.min = Some(n),
                Some(n) => decl.max = Some(n),
                None => diags.error(
                    Code::WrongType,
                    &sp,
                    format!("`{key}` is an integer"),
                    "not an int",
                    None,
                ),
            },
            other => diags.error(
                Code::UnknownAttribute,
                &sp,
                format!("unknown variable setting `{other}`"),
                "unknown",
                suggest(other, VAR_SETTINGS),
            ),
        }
    }
    if !ty_given {
        // infer from the default, else string
        if let Some(d) = &decl.default {
            decl.ty = match d {
                Value::Bool(_) => VarType::Bool,
                Value::Number(_) => VarType::Int,
                Value::Array(_) => VarType::List,
                Value::Object(_) => VarType::Map,
                _ => VarType::String,
            };
        }
    }
    decl.default_span = default_span.clone();
    if let (Some(d), Some(sp)) = (&decl.default, &default_span) {
        if let Some(msg) = check(&decl, d) {
            diags.error(
                Code::VariableValue,
                sp,
                format!("the default of `var.{name}` {msg}"),
                "this default",
                None,
            );
        }
    }
    Some(decl)
}

/// Why `v` is not a valid value of `decl`, if it is not.
pub(crate) fn check(decl: &VarDecl, v: &Value) -> Option<String> {
    if !decl.ty.accepts(v) {
        return Some(format!(
            "is a {}, but the variable's type is `{}`",
            type_name(v),
            decl.ty.name()
        ));
    }
    if !decl.allowed.is_empty() && !decl.allowed.contains(v) {
        let shown = if decl.sensitive {
            "the value".to_owned()
        } else {
            show(v)
        };
        return Some(format!(
            "is not allowed: {shown} is not one of {}",
            decl.allowed.iter().map(show).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(n) = v.as_f64() {
        let shown = if decl.sensitive {
            "the value".to_owned()
        } else {
            show(v)
        };
        if decl.min.is_some_and(|m| n < m as f64) {
            return Some(format!(
                "is below the minimum: {shown} < {}",
                decl.min.unwrap_or(0)
            ));
        }
        if decl.max.is_some_and(|m| n > m as f64) {
            return Some(format!(
                "is above the maximum: {shown} > {}",
                decl.max.unwrap_or(0)
            ));
        }
    }
    None
}

/// Where a value came from, for messages.
fn origin_text(o: &Origin) -> String {
    match o {
        Origin::Cli => "`--var`".to_owned(),
        Origin::File(p, _) => format!("var-file `{}`", p.display()),
        Origin::Env => "the environment".to_owned(),
        Origin::Default => "the default".to_owned(),
    }
}

/// Where a variable's value was set: `--var`, a var file (and its 1-based line), the
/// environment, or the declaration's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    Cli,
    File(PathBuf, usize),
    Env,
    Default,
}

/// The resolved variables, and where each value was set.
pub(crate) type Resolved = (BTreeMap<String, VarValue>, BTreeMap<String, Origin>);

/// Resolves every declared variable from `inputs`. Var-file texts are added to `hidden`:
/// they may hold secrets, so diagnostics in them name the line but never show it.
pub(crate) fn resolve(
    decls: &BTreeMap<String, VarDecl>,
    inputs: &VarInputs,
    hidden: &mut Sources,
    diags: &mut Diags,
) -> Resolved {
    // name -> (value, origin, span of the value if it is in a file)
    let mut given: BTreeMap<String, (Value, Origin)> = BTreeMap::new();
    for (key, raw) in &inputs.env {
        let Some((name, exact)) = env_var_target(key, decls) else {
            continue;
        };
        if let Some(d) = decls.get(name) {
            match d.ty.parse_text(raw) {
                // The exact spelling wins over the `_`-for-`-` one.
                Some(_) if !exact && given.contains_key(name) => {}
                Some(v) => {
                    given.insert(name.to_owned(), (v, Origin::Env));
                }
                None => diags.error(
                    Code::VariableValue,
                    &d.span,
                    format!("`{key}` is not a valid {}", d.ty.name()),
                    "declared here",
                    Some(type_help(d.ty)),
                ),
            }
        }
    }
    for file in &inputs.var_files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                diags.error_labels(
                    Code::MissingFile,
                    format!("cannot read var-file `{}`: {e}", file.display()),
                    vec![],
                    None,
                );
                continue;
            }
        };
        hidden.insert(file.clone(), Arc::new(text.clone()));
        let Some(doc) = crate::source::parse_for_load(file, &text, diags) else {
            continue;
        };
        read_var_file(file, &text, &doc, decls, &mut given, diags);
    }
    for (name, raw) in &inputs.vars {
        match decls.get(name) {
            Some(d) => match d.ty.parse_text(raw) {
                Some(v) => {
                    given.insert(name.clone(), (v, Origin::Cli));
                }
                None => diags.error(
                    Code::VariableValue,
                    &d.span,
                    format!("`--var {name}=...` is not a valid {}", d.ty.name()),
                    "declared here",
                    Some(type_help(d.ty)),
                ),
            },
            None => diags.error_labels(
                Code::UnknownVariable,
                format!("`--var {name}=...` sets a variable that is not declared"),
                vec![],
                crate::collect::did_you_mean(name, decls.keys().map(String::as_str))
                    .map(|c| format!("did you mean `{c}`?")),
            ),
        }
    }
    let mut out = BTreeMap::new();
    let mut origins = BTreeMap::new();
    for (name, d) in decls {
        let (value, origin) = match given.remove(name) {
            Some(g) => g,
            None => match &d.default {
                Some(v) => (v.clone(), Origin::Default),
                None => {
                    diags.error(
                        Code::MissingVariable,
                        &d.span,
                        format!("variable `{name}` has no value"),
                        "no default",
                        Some(format!(
                            "give it a `default=`, or set it with `--var {name}=...`, a `--var-file`, or {}",
                            env_spelling(name)
                        )),
                    );
                    continue;
                }
            },
        };
        if !matches!(origin, Origin::Default) {
            if let Some(msg) = check(d, &value) {
                diags.error(
                    Code::VariableValue,
                    &d.span,
                    format!(
                        "the value of `var.{name}` from {} {msg}",
                        origin_text(&origin)
                    ),
                    "declared here",
                    None,
                );
                continue;
            }
        }
        origins.insert(name.clone(), origin);
        out.insert(
            name.clone(),
            VarValue {
                value,
                sensitive: d.sensitive,
            },
        );
    }
    (out, origins)
}

/// The declared variable an environment variable sets, and whether by its exact name:
/// `GARRISON_VAR_hf-token` sets `hf-token`; so does `GARRISON_VAR_hf_token` (shells cannot
/// export a name with `-`) when no variable is named `hf_token`.
fn env_var_target<'a>(
    key: &'a str,
    decls: &'a BTreeMap<String, VarDecl>,
) -> Option<(&'a str, bool)> {
    let name = key.strip_prefix(ENV_PREFIX)?;
    if decls.contains_key(name) {
        return Some((name, true));
    }
    let dashed = name.replace('_', "-");
    decls
        .get_key_value(&dashed)
        .map(|(declared, _)| (declared.as_str(), false))
}

/// How to set `name` from a shell: `GARRISON_VAR_hf_token` for `hf-token`.
fn env_spelling(name: &str) -> String {
    if name.contains('-') {
        format!(
            "`{ENV_PREFIX}{}` (a `-` is written `_` in an environment variable name)",
            name.replace('-', "_")
        )
    } else {
        format!("`{ENV_PREFIX}{name}`")
    }
}

fn type_help(t: VarType) -> String {
    match t {
        VarType::String => "any text is a string".to_owned(),
        VarType::Int => "write a whole number, e.g. `4`".to_owned(),
        VarType::Number => "write a number, e.g. `4` or `0.5`".to_owned(),
        VarType::Bool => "write `true` or `false`".to_owned(),
        VarType::List => "write a JSON list, e.g. `[\"a\",\"b\"]`".to_owned(),
        VarType::Map => "write a JSON object, e.g. `{\"k\":\"v\"}`".to_owned(),
    }
}

fn read_var_file(
    file: &Path,
    text: &str,
    doc: &KdlDocument,
    decls: &BTreeMap<String, VarDecl>,
    given: &mut BTreeMap<String, (Value, Origin)>,
    diags: &mut Diags,
) {
    for node in doc.nodes() {
        let name = node.name().value();
        let Some(d) = decls.get(name) else {
            diags.error(
                Code::UnknownVariable,
                &name_span(file, node),
                format!("var-file sets `{name}`, which is not declared"),
                "not declared",
                crate::collect::did_you_mean(name, decls.keys().map(String::as_str))
                    .map(|c| format!("did you mean `{c}`?")),
            );
            continue;
        };
        match node_value(file, node) {
            Ok(v) if d.ty.accepts(&v) => {
                let line = crate::diagnostic::line_col(text, node.span().offset()).0;
                given.insert(name.to_owned(), (v, Origin::File(file.to_path_buf(), line)));
            }
            Ok(v) => diags.error(
                Code::VariableValue,
                &span(file, node.span()),
                format!(
                    "`{name}` is a {}, but this is a {}",
                    d.ty.name(),
                    type_name(&v)
                ),
                "wrong type",
                None,
            ),
            Err((sp, msg)) => diags.error(Code::WrongType, &sp, msg, "here", None),
        }
    }
}
