//! Config diagnostics: stable codes, labelled spans in their files, help lines; and the
//! [`Failure`] that carries every error of a run at once.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};
use serde::Serialize;

use crate::model::Span;

macro_rules! codes {
    ($($variant:ident => $s:literal, $doc:literal;)*) => {
        /// Stable diagnostic codes (`garrison::config::*`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $(#[doc = $doc] $variant,)* }
        impl Code {
            /// Every code.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
            /// The full code, e.g. `garrison::config::unknown_attribute`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => concat!("garrison::config::", $s),)* }
            }
        }
    };
}

codes! {
    Syntax => "syntax", "The file is not valid KDL v2.";
    KdlV1 => "kdl_v1", "The file looks like KDL v1.";
    Io => "io", "A config file or directory could not be read.";
    UnknownKind => "unknown_kind", "An unknown top-level node.";
    UnknownAttribute => "unknown_attribute", "An unknown attribute or property.";
    UnknownAnnotation => "unknown_annotation", "A type annotation other than `(ref)`, `(expr)` or `(file)`.";
    DuplicateAttribute => "duplicate_attribute", "An attribute given twice.";
    MissingAttribute => "missing_attribute", "A required attribute is missing.";
    WrongType => "wrong_type", "A value of the wrong type.";
    InvalidValue => "invalid_value", "A value outside its allowed set.";
    InvalidName => "invalid_name", "A name breaks the naming rules.";
    Duplicate => "duplicate", "Two definitions with the same address or name.";
    UnknownReference => "unknown_reference", "A reference to something not defined.";
    UnknownReferenceAttribute => "unknown_reference_attribute", "A reference to an attribute the kind does not have.";
    BadIndex => "bad_index", "A missing, extra or out-of-range instance index.";
    BadReference => "bad_reference", "A malformed reference or template.";
    KnownAfterApply => "known_after_apply", "A value known only after apply where a plan-time value is needed.";
    Cycle => "cycle", "Resources that depend on each other in a cycle.";
    InvalidPort => "invalid_port", "A port or port range out of bounds.";
    InvalidCidr => "invalid_cidr", "A malformed CIDR.";
    Limit => "limit", "A size or count limit exceeded.";
    BootSource => "boot_source", "A VM boot source missing or given twice.";
    RegionMismatch => "region_mismatch", "Linked resources in different regions.";
    MissingRegion => "missing_region", "No region on the resource and none on the provider.";
    MissingFile => "missing_file", "A `(file)` that cannot be read.";
    FileNotAllowed => "file_not_allowed", "A file outside the configuration directory (or under `/proc`, `/sys`, `/dev`), or not a regular file.";
    MissingVariable => "missing_variable", "A variable without default or value.";
    VariableValue => "variable_value", "A variable value of the wrong type or outside its bounds.";
    UnknownVariable => "unknown_variable", "A value given for an undeclared variable.";
    InvalidCount => "invalid_count", "A bad `count` or `for-each`.";
    SensitiveOutput => "sensitive_output", "An output of a sensitive value not marked sensitive.";
    SensitiveName => "sensitive_name", "A cloud-side name made from a sensitive value (names are public).";
    OpenIngress => "open_ingress", "Warning: ingress open to the whole internet.";
    UnusedVariable => "unused_variable", "Warning: a declared variable nothing uses.";
    BadMove => "bad_move", "A `moved` or `removed` block that contradicts the config or another block.";
    AccountWide => "account_wide", "Warning: a `region` on an SSH key, which is account-wide (ignored).";
    BadExpression => "bad_expression", "An expression that does not parse.";
    UnknownFunction => "unknown_function", "A call of a function the language does not have.";
    FunctionFailed => "function_failed", "A function given arguments it cannot work with.";
    PreconditionFailed => "precondition_failed", "A resource's or output's `precondition` is false.";
    ValidationFailed => "validation_failed", "A variable's value breaks one of its `validation` conditions.";
    CheckFailed => "check_failed", "Warning: an `assert` of a `check` block is false.";
    RootOnly => "root_only", "A node only the root config may hold (`provider`, `state`, `timeouts`, `policy`, `import`, `moved`, `removed`) inside a module.";
    DataNotFound => "data_not_found", "A data source names an object the account does not hold.";
    DataAmbiguous => "data_ambiguous", "A data source matches several objects in the account.";
    DataNotRead => "data_not_read", "Warning: an object data source is read from the cloud at plan time, not offline; what uses it is left out.";
    UnknownCatalogValue => "unknown_catalog_value", "Warning: a region, GPU model, OS image, volume type or protocol the cached or built-in catalog does not list (against the API's catalog at plan time it is an `invalid_value` error).";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// The config is invalid.
    Error,
    /// Valid, but probably not what you want.
    Warning,
}

/// A labelled span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub text: String,
}

/// The sources of a config, by path relative to the config dir.
pub(crate) type Sources = BTreeMap<PathBuf, Arc<String>>;

/// One diagnostic, rendered by miette with its file as source.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ConfigDiagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub level: Level,
    /// One line.
    pub message: String,
    /// Labels in the source file (the first is the primary one).
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    src: Option<NamedSource<Arc<String>>>,
    source_text: Option<Arc<String>>,
    /// Continuations in other files (e.g. the edges of a cycle that crosses files).
    pub related: Vec<ConfigDiagnostic>,
}

impl PartialEq for ConfigDiagnostic {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
            && self.level == other.level
            && self.message == other.message
            && self.labels == other.labels
            && self.help == other.help
            && self.related == other.related
    }
}

impl ConfigDiagnostic {
    /// A diagnostic whose labels may span several files: the labels in the first label's
    /// file stay here, the others become `related` continuations.
    pub(crate) fn build(
        code: Code,
        level: Level,
        message: String,
        labels: Vec<Label>,
        help: Option<String>,
        sources: &Sources,
    ) -> Self {
        let mut by_file: Vec<(PathBuf, Vec<Label>)> = Vec::new();
        for l in labels {
            match by_file.iter_mut().find(|(f, _)| **f == *l.span.file) {
                Some((_, v)) => v.push(l),
                None => by_file.push((l.span.file.to_path_buf(), vec![l])),
            }
        }
        let mut groups = by_file.into_iter();
        let first = groups.next();
        let related = groups
            .map(|(file, labels)| ConfigDiagnostic {
                code,
                level,
                message: format!("(continued in `{}`)", file.display()),
                src: source_for(&file, sources),
                source_text: sources.get(&file).cloned(),
                labels,
                help: None,
                related: vec![],
            })
            .collect();
        let (mut src, source_text, labels) = match first {
            Some((file, labels)) => (
                source_for(&file, sources),
                sources.get(&file).cloned(),
                labels,
            ),
            None => (None, None, vec![]),
        };
        let mut help = help;
        if let Some(at) = source_text
            .as_deref()
            .and_then(|t| crate::longline::hidden_location(t, &labels))
        {
            src = None;
            let note = format!("at {at} (the line is too long to show)");
            help = Some(help.map_or(note.clone(), |h| format!("{h}\n{note}")));
        }
        ConfigDiagnostic {
            code,
            level,
            message,
            labels,
            help,
            src,
            source_text,
            related,
        }
    }

    /// The same diagnostic without source text to show (its file may hold secrets: a var
    /// file); line and column stay in [`Self::to_json`], and the message names the place.
    pub(crate) fn without_snippet(mut self) -> Self {
        if let (Some(l), Some(text)) = (self.labels.first(), &self.source_text) {
            let (line, col) = line_col(text, l.span.offset);
            self.message = format!(
                "{} (at `{}:{line}:{col}`)",
                self.message,
                l.span.file.display()
            );
        }
        self.src = None;
        for r in &mut self.related {
            r.src = None;
        }
        self
    }

    /// The file of the primary label, if any.
    pub fn file(&self) -> Option<&std::path::Path> {
        self.labels.first().map(|l| &*l.span.file)
    }

    /// A machine-readable form (for `garrison validate --json`): code, level, message,
    /// help, and every label with file, byte offset, length, 1-based line and column.
    pub fn to_json(&self) -> serde_json::Value {
        let mut labels: Vec<serde_json::Value> = Vec::new();
        let mut push = |d: &ConfigDiagnostic| {
            for l in &d.labels {
                let (line, column) = d
                    .source_text
                    .as_deref()
                    .map(|t| line_col(t, l.span.offset))
                    .unwrap_or((0, 0));
                labels.push(serde_json::json!({
                    "file": l.span.file.display().to_string(),
                    "offset": l.span.offset,
                    "len": l.span.len,
                    "line": line,
                    "column": column,
                    "text": l.text,
                }));
            }
        };
        push(self);
        for r in &self.related {
            push(r);
        }
        serde_json::json!({
            "code": self.code.as_str(),
            "level": self.level,
            "message": self.message,
            "help": self.help,
            "labels": labels,
        })
    }
}

impl From<&ConfigDiagnostic> for crate::model::ConfigWarning {
    fn from(d: &ConfigDiagnostic) -> Self {
        let (line, column) = match (d.labels.first(), &d.source_text) {
            (Some(l), Some(t)) => line_col(t, l.span.offset),
            _ => (0, 0),
        };
        crate::model::ConfigWarning {
            code: d.code.as_str().to_owned(),
            message: d.message.clone(),
            file: d.file().map(std::path::Path::to_path_buf),
            line,
            column,
            help: d.help.clone(),
        }
    }
}

fn source_for(file: &std::path::Path, sources: &Sources) -> Option<NamedSource<Arc<String>>> {
    sources
        .get(file)
        .map(|t| NamedSource::new(file.display().to_string(), t.clone()).with_language("kdl"))
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Diagnostic for ConfigDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<Severity> {
        Some(match self.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.src.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(|(i, l)| {
            let text = (!l.text.is_empty()).then(|| l.text.clone());
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, (l.span.offset, l.span.len))
            } else {
                LabeledSpan::new_with_span(text, (l.span.offset, l.span.len))
            }
        })))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
    }
}

/// A config that did not load: every error found (and the warnings so far).
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("the configuration is invalid ({} error{})", errors.len(), if errors.len() == 1 { "" } else { "s" })]
#[diagnostic(code(garrison::config::invalid))]
pub struct Failure {
    /// Every error, in file and position order.
    #[related]
    pub errors: Vec<ConfigDiagnostic>,
    /// Warnings found on the way.
    pub warnings: Vec<ConfigDiagnostic>,
}
