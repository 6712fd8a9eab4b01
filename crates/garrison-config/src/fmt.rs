//! `garrison fmt`: canonical formatting through the kdl crate, comments kept, idempotent.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kdl::KdlDocument;

use crate::collect::Diags;
use crate::diagnostic::{Failure, Sources};

/// Formats one file's text. Syntax errors come back as diagnostics naming `name`.
pub fn format_source(name: &str, text: &str) -> Result<String, Failure> {
    let mut diags = Diags::default();
    let rel = PathBuf::from(name);
    match crate::source::parse(&rel, text, &mut diags) {
        Some(doc) => Ok(format_doc(doc, text)),
        None => {
            let mut sources = Sources::new();
            sources.insert(rel, Arc::new(text.to_owned()));
            let (errors, warnings) = diags.finish(&sources);
            Err(Failure { errors, warnings })
        }
    }
}

/// What kdl's autoformat would lose, per node in document order.
struct Kept {
    /// The comments and blank lines before the node, as written.
    leading: String,
    /// Comments (and slashdashed entries) after the node on its line: before the
    /// terminator, after a closing `}` (which the `kdl` crate does not keep), and a final
    /// `// comment`.
    tail: Vec<String>,
    /// Slashdashed children blocks (`/- { ... }`) or comments before the children block.
    before_children: Option<String>,
    /// Each entry's value as written (quotes, raw strings, number spelling) and any comment
    /// or slashdash before it.
    entries: Vec<(String, Option<String>)>,
    /// Comment lines after the last child, before the closing `}`.
    children_trailing: Vec<String>,
}

/// Whether a piece of formatting holds something a reader wrote (a comment or slashdash).
fn has_comment(s: &str) -> bool {
    s.contains("/*") || s.contains("//") || s.contains("/-")
}

fn save(doc: &KdlDocument, text: &str, out: &mut Vec<Kept>) {
    for node in doc.nodes() {
        let mut tail: Vec<String> = Vec::new();
        let mut push = |t: &str| {
            let t = t.trim();
            if !t.is_empty() && !tail.iter().any(|x| x == t) {
                tail.push(t.to_owned());
            }
        };
        if let Some(f) = node.format().filter(|f| has_comment(&f.before_terminator)) {
            push(&f.before_terminator);
        }
        if node.children().is_some() {
            for c in after_close(text, node.span().offset()) {
                push(&c);
            }
        }
        if let Some(f) = node.format() {
            let t = f.terminator.trim();
            if t.starts_with("//") || t.starts_with("/*") {
                push(t);
            }
        }
        let before_children = node
            .format()
            .map(|f| f.before_children.trim())
            .filter(|b| has_comment(b))
            .map(str::to_owned);
        let entries = node
            .entries()
            .iter()
            .map(|e| {
                let f = e.format();
                let repr = f.map(|f| f.value_repr.clone()).filter(|r| !r.is_empty());
                let lead = f
                    .map(|f| f.leading.trim().to_owned())
                    .filter(|l| l.starts_with("/*") || l.starts_with("/-"));
                (repr.unwrap_or_else(|| e.value().to_string()), lead)
            })
            .collect();
        let leading = node.format().map(|f| f.leading.clone()).unwrap_or_default();
        let children_trailing = node
            .children()
            .and_then(|c| c.format())
            .map(|f| comment_lines(&f.trailing))
            .unwrap_or_default();
        out.push(Kept {
            leading,
            tail,
            before_children,
            entries,
            children_trailing,
        });
        if let Some(children) = node.children() {
            save(children, text, out);
        }
    }
}

/// The comments between the `}` closing the children of the node starting at `start` and
/// the end of its line (the `kdl` crate drops them).
fn after_close(text: &str, start: usize) -> Vec<String> {
    use crate::lex::{token_at, Token};
    let b = text.as_bytes();
    let (mut i, mut depth, mut closed) = (start, 0usize, None);
    while i < b.len() {
        match token_at(b, i) {
            Some(Token::Str(end) | Token::LineComment(end) | Token::BlockComment { end, .. }) => {
                i = end;
                continue;
            }
            Some(Token::Unterminated) => break,
            None => {}
        }
        match b[i] {
            b'{' => depth += 1,
            b'}' if depth == 0 => break,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    closed = Some(i + 1);
                }
            }
            b'\n' | b';' if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    let Some(from) = closed else { return vec![] };
    let mut comments = Vec::new();
    let mut j = from;
    while j < i {
        match token_at(b, j) {
            Some(Token::LineComment(end) | Token::BlockComment { end, .. }) => {
                comments.push(text[j..end].to_owned());
                j = end;
            }
            Some(Token::Str(end)) => j = end,
            _ => j += 1,
        }
    }
    comments
}

/// Comment lines re-indented, blank lines collapsed to one, none at the top of a block.
fn leading(original: &str, depth: usize, first: bool) -> String {
    let indent = "    ".repeat(depth);
    let mut segments: Vec<&str> = original.split('\n').map(str::trim).collect();
    // the indentation before the node itself, and any comment on the node's line
    let same_line = segments.pop().unwrap_or_default();
    let mut out = String::new();
    let mut blank = false;
    let mut any = false;
    for seg in segments {
        if seg.is_empty() {
            blank = true;
            continue;
        }
        if blank && (any || !first) {
            out.push('\n');
        }
        blank = false;
        any = true;
        out.push_str(&indent);
        out.push_str(seg);
        out.push('\n');
    }
    if blank && (any || !first) {
        out.push('\n');
    }
    out.push_str(&indent);
    if !same_line.is_empty() {
        out.push_str(same_line);
        out.push(' ');
    }
    out
}

fn restore(doc: &mut KdlDocument, kept: &mut std::vec::IntoIter<Kept>, depth: usize) {
    for (i, node) in doc.nodes_mut().iter_mut().enumerate() {
        let Some(k) = kept.next() else { return };
        if let Some(f) = node.format_mut() {
            f.leading = leading(&k.leading, depth, i == 0);
        }
        if let (false, Some(f)) = (k.tail.is_empty(), node.format_mut()) {
            f.before_terminator = format!(" {}", k.tail.join(" "));
            f.terminator = "\n".to_owned();
        }
        if let (Some(b), Some(f)) = (&k.before_children, node.format_mut()) {
            f.before_children = format!(" {b} ");
        }
        for (e, (repr, lead)) in node.entries_mut().iter_mut().zip(k.entries) {
            let leading = match lead {
                Some(l) => format!(" {l} "),
                None => " ".to_owned(),
            };
            e.set_format(kdl::KdlEntryFormat {
                value_repr: repr,
                leading,
                ..Default::default()
            });
        }
        if let Some(children) = node.children_mut() {
            restore(children, kept, depth + 1);
            if !k.children_trailing.is_empty() {
                if let Some(f) = children.format_mut() {
                    let inner = "    ".repeat(depth + 1);
                    let mut trailing = String::new();
                    for line in &k.children_trailing {
                        trailing.push_str(&inner);
                        trailing.push_str(line);
                        trailing.push('\n');
                    }
                    trailing.push_str(&"    ".repeat(depth));
                    f.trailing = trailing;
                }
            }
        }
    }
}

fn format_doc(mut doc: KdlDocument, text: &str) -> String {
    // autoformat fixes layout and indentation, but drops end-of-line comments and respells
    // strings as bare identifiers; keep what the user wrote for both.
    let mut kept = Vec::new();
    save(&doc, text, &mut kept);
    let trailing: Vec<String> = doc
        .format()
        .map(|f| comment_lines(&f.trailing))
        .unwrap_or_default();
    doc.autoformat();
    restore(&mut doc, &mut kept.into_iter(), 0);
    if let Some(f) = doc.format_mut() {
        f.trailing = trailing.iter().map(|l| format!("{l}\n")).collect();
    }
    let mut out = doc.to_string();
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// One file of a directory, formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatted {
    /// Path relative to the directory.
    pub path: PathBuf,
    /// The text now.
    pub original: String,
    /// The canonical text.
    pub formatted: String,
}

impl Formatted {
    /// Whether formatting changes the file.
    pub fn changed(&self) -> bool {
        self.original != self.formatted
    }
}

/// Formats every `*.kdl` file in `dir` and in the module directories its `module` calls
/// reach (paths relative to `dir`; nothing is written: the CLI writes or, with `--check`,
/// lists the changed files). Every file's syntax errors are returned together.
pub fn format_dir(dir: &Path) -> Result<Vec<Formatted>, Failure> {
    let mut files = crate::source::read_dir(dir).map_err(|e| crate::load::read_failure(&e))?;
    files.extend(crate::modules::module_files(dir, &files));
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in files {
        match format_source(&path.to_string_lossy(), &text) {
            Ok(formatted) => out.push(Formatted {
                path,
                original: text,
                formatted,
            }),
            Err(f) => errors.extend(f.errors),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Failure {
            errors,
            warnings: vec![],
        })
    }
}

/// The non-blank lines of a trailing-comment text, trimmed.
fn comment_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}
