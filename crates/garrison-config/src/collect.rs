//! The diagnostic collector every phase reports into; nothing stops at the first error.

use std::path::Path;

use crate::tree::KdlNode;

use crate::diagnostic::{Code, ConfigDiagnostic, Label, Level, Sources};
use crate::model::Span;

/// A diagnostic before its sources are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Raw {
    pub(crate) code: Code,
    pub(crate) level: Level,
    pub(crate) message: String,
    pub(crate) labels: Vec<Label>,
    pub(crate) help: Option<String>,
}

/// Collects errors and warnings.
#[derive(Debug, Default)]
pub(crate) struct Diags {
    pub(crate) items: Vec<Raw>,
}

impl Diags {
    /// Reports an error at one span.
    pub(crate) fn error(
        &mut self,
        code: Code,
        span: &Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(Level::Error, code, span, message, label, help);
    }

    /// Reports a warning at one span.
    pub(crate) fn warning(
        &mut self,
        code: Code,
        span: &Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(Level::Warning, code, span, message, label, help);
    }

    fn push(
        &mut self,
        level: Level,
        code: Code,
        span: &Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.items.push(Raw {
            code,
            level,
            message: message.into(),
            labels: vec![Label {
                span: span.clone(),
                text: label.into(),
            }],
            help,
        });
    }

    /// Reports an error with several labels (possibly in several files).
    pub(crate) fn error_labels(
        &mut self,
        code: Code,
        message: impl Into<String>,
        labels: Vec<Label>,
        help: Option<String>,
    ) {
        self.items.push(Raw {
            code,
            level: Level::Error,
            message: message.into(),
            labels,
            help,
        });
    }

    /// Whether any error was reported.
    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.level == Level::Error)
    }

    /// Deduplicates (counted resources report a shared mistake once), sorts by position and
    /// attaches sources. Returns (errors, warnings).
    pub(crate) fn finish(
        self,
        sources: &Sources,
    ) -> (Vec<ConfigDiagnostic>, Vec<ConfigDiagnostic>) {
        self.finish_hiding(sources, &Sources::new())
    }

    /// [`Self::finish`]; diagnostics in `hidden` files (var files: they may hold secrets)
    /// name their line but show no source.
    pub(crate) fn finish_hiding(
        self,
        sources: &Sources,
        hidden: &Sources,
    ) -> (Vec<ConfigDiagnostic>, Vec<ConfigDiagnostic>) {
        let mut items = self.items;
        let key = |d: &Raw| {
            (
                d.labels
                    .first()
                    .map(|l| (l.span.file.clone(), l.span.offset, l.span.len)),
                d.code,
                d.message.clone(),
            )
        };
        items.sort_by_key(key);
        items.dedup_by(|a, b| a.code == b.code && a.labels == b.labels && a.message == b.message);
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        for d in items {
            let level = d.level;
            let in_hidden = d
                .labels
                .first()
                .is_some_and(|l| hidden.contains_key(&*l.span.file));
            let diag = if in_hidden {
                ConfigDiagnostic::build(d.code, d.level, d.message, d.labels, d.help, hidden)
                    .without_snippet()
            } else {
                ConfigDiagnostic::build(d.code, d.level, d.message, d.labels, d.help, sources)
            };
            match level {
                Level::Error => errors.push(diag),
                Level::Warning => warnings.push(diag),
            }
        }
        (errors, warnings)
    }
}

/// A [`Span`] in `file` from a kdl span.
pub(crate) fn span(file: &Path, s: miette::SourceSpan) -> Span {
    Span {
        file: crate::model::span_file(file),
        offset: s.offset(),
        len: s.len(),
    }
}

/// The span of a node's name (for "unknown attribute" labels).
pub(crate) fn name_span(file: &Path, node: KdlNode<'_>) -> Span {
    span(file, node.name().span())
}

/// The first line of a node: its name and entries, without children.
pub(crate) fn header_span(file: &Path, node: KdlNode<'_>) -> Span {
    let start = node.span().offset();
    let name_end = node.name().span().offset() + node.name().span().len();
    let end = node
        .entries()
        .iter()
        .map(|e| e.span().offset() + e.span().len())
        .fold(name_end, usize::max);
    Span {
        file: crate::model::span_file(file),
        offset: start,
        len: end.saturating_sub(start),
    }
}

/// "did you mean" among `candidates`, by Jaro-Winkler / Levenshtein closeness.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let score = strsim::jaro_winkler(&lower, &c.to_ascii_lowercase());
            (score, c)
        })
        .filter(|(s, _)| *s >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_owned())
}

/// A help line: "did you mean `x`?" or the list of allowed values.
pub(crate) fn suggest(word: &str, candidates: &[&str]) -> Option<String> {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None if candidates.is_empty() => None,
        None => Some(format!(
            "expected one of: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
