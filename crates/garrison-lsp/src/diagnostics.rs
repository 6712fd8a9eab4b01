//! Diagnostics: the directory loaded exactly as `garrison validate` loads it, with the open
//! documents' unsaved text in place of the files, each config diagnostic turned into an
//! LSP diagnostic in the file of its primary label.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use garrison_config::{ConfigDiagnostic, Label, Level, Offered, VarInputs};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range,
};

use crate::documents::{url_of, Documents};
use crate::position::LineIndex;

/// Diagnostics by absolute file path.
pub type ByFile = BTreeMap<PathBuf, Vec<Diagnostic>>;

/// Checks the config directory `dir` with the open documents' text: every error and
/// warning `garrison validate` would report, by file. Diagnostics that point at no text
/// (an unset variable) go to each open document of `dir`, at its start.
pub fn check(dir: &Path, docs: &Documents, inputs: &VarInputs, offered: &Offered) -> ByFile {
    let overlay = docs.overlay(dir);
    let (errors, warnings) = match garrison_config::load_dir_overlay(dir, &overlay, inputs, offered)
    {
        Ok(loaded) => (Vec::new(), loaded.warnings),
        Err(failure) => (failure.errors, failure.warnings),
    };
    let mut texts = Texts {
        dir,
        docs,
        cache: BTreeMap::new(),
    };
    let mut out = ByFile::new();
    for d in errors.iter().chain(&warnings) {
        match d.labels.first() {
            Some(primary) => {
                let path = texts.path(primary);
                let diag = convert(d, primary, &mut texts);
                out.entry(path).or_default().push(diag);
            }
            None => {
                for path in docs.open_in(dir) {
                    out.entry(path).or_default().push(unplaced(d));
                }
            }
        }
    }
    out
}

/// The texts the labels point into, read once each.
struct Texts<'a> {
    dir: &'a Path,
    docs: &'a Documents,
    cache: BTreeMap<PathBuf, String>,
}

impl Texts<'_> {
    fn path(&self, label: &Label) -> PathBuf {
        self.dir.join(&label.span.file)
    }

    fn range(&mut self, label: &Label) -> (PathBuf, Range) {
        let path = self.path(label);
        let text = self
            .cache
            .entry(path.clone())
            .or_insert_with(|| self.docs.text(&path).unwrap_or_default());
        let range = LineIndex::new(text).range(label.span.offset, label.span.len);
        (path, range)
    }
}

fn convert(d: &ConfigDiagnostic, primary: &Label, texts: &mut Texts<'_>) -> Diagnostic {
    let (_, range) = texts.range(primary);
    let mut related = Vec::new();
    let others = d
        .labels
        .iter()
        .skip(1)
        .chain(d.related.iter().flat_map(|r| &r.labels));
    for l in others {
        let (path, range) = texts.range(l);
        if let Some(uri) = url_of(&path) {
            let message = if l.text.is_empty() {
                d.message.clone()
            } else {
                l.text.clone()
            };
            related.push(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message,
            });
        }
    }
    Diagnostic {
        range,
        related_information: (!related.is_empty()).then_some(related),
        ..unplaced(d)
    }
}

/// The diagnostic at the start of its file: code, severity, message (and the help line
/// after it, as `garrison validate` prints it).
fn unplaced(d: &ConfigDiagnostic) -> Diagnostic {
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(match d.level {
            Level::Error => DiagnosticSeverity::ERROR,
            Level::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_owned())),
        source: Some("garrison".to_owned()),
        message,
        ..Diagnostic::default()
    }
}
