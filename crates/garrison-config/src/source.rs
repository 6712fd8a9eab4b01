//! Reading a config directory and parsing each file as KDL v2, with KDL v1 detection.

use std::path::{Path, PathBuf};
use std::time::Duration;

use kdl::KdlDocument;

use crate::collect::{Diags, Raw};
use crate::diagnostic::{Code, Label, Level};
use crate::fileread::{Refusal, Root};
use crate::model::Span;
use crate::tree;

/// One parsed config file.
#[derive(Debug)]
pub(crate) struct SourceFile {
    /// Relative to the config dir.
    pub(crate) rel: PathBuf,
    /// `None` when it did not parse (diagnostics already reported).
    pub(crate) doc: Option<tree::KdlDocument>,
}

/// Errors listing or reading the directory itself (not its content).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("cannot read config directory `{dir}`: {source}")]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read config file `{}`: {source}", file.display())]
    File { file: PathBuf, source: Refusal },
    #[error("no `*.kdl` files in `{0}`")]
    Empty(PathBuf),
}

impl ReadError {
    /// The diagnostic code to report it with.
    pub(crate) fn code(&self) -> Code {
        match self {
            ReadError::File { source, .. } if source.is_not_allowed() => Code::FileNotAllowed,
            ReadError::File {
                source: Refusal::TooLarge { .. },
                ..
            } => Code::Limit,
            _ => Code::Io,
        }
    }

    /// What to do about it.
    pub(crate) fn help(&self) -> String {
        match self.code() {
            Code::FileNotAllowed => "config files must be regular files inside the config directory (symlinks may point only inside it)".to_owned(),
            Code::Limit => format!(
                "a config file holds at most {}; split it into several `*.kdl` files",
                crate::limits::show_bytes(crate::limits::CONFIG_FILE_MAX_BYTES)
            ),
            _ => "a config is a directory of `*.kdl` files".to_owned(),
        }
    }
}

/// Every `*.kdl` file directly in `dir`, sorted by name: (relative path, text). Each is
/// read under the rules of [`Root::read`] (inside the directory, regular, bounded).
pub(crate) fn read_dir(dir: &Path) -> Result<Vec<(PathBuf, String)>, ReadError> {
    let dir_error = |source| ReadError::Dir {
        dir: dir.to_path_buf(),
        source,
    };
    let root = Root::new(dir).map_err(dir_error)?;
    let entries = std::fs::read_dir(dir).map_err(dir_error)?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(dir_error)?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "kdl") && !path.is_dir() {
            names.push(PathBuf::from(entry.file_name()));
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(ReadError::Empty(dir.to_path_buf()));
    }
    names
        .into_iter()
        .map(|rel| {
            root.read(&rel, crate::limits::CONFIG_FILE_MAX_BYTES)
                .map(|text| (rel.clone(), text))
                .map_err(|source| ReadError::File {
                    file: dir.join(rel),
                    source,
                })
        })
        .collect()
}

/// Parses a file's text as loading does (the fast path, else the `kdl` crate within its
/// time budget and nesting limit), for tools that need the nodes and their spans (the
/// language server); `None` when it does not parse (loading reports why).
pub fn parse_document(text: &str) -> Option<tree::KdlDocument> {
    parse_for_load(Path::new("buffer.kdl"), text, &mut Diags::default())
}

/// Parses one file for loading: the fast path when the file is within its subset, else
/// [`parse`]. (The nodes carry no formatting details: `fmt` uses [`parse`].)
pub(crate) fn parse_for_load(
    rel: &Path,
    text: &str,
    diags: &mut Diags,
) -> Option<tree::KdlDocument> {
    crate::fastkdl::parse(text).or_else(|| parse(rel, text, diags).map(|d| tree::from_kdl(&d)))
}

/// How long the `kdl` crate may spend on one file. Its error recovery can take exponential
/// time and memory on some malformed input (found by fuzzing: 877 bytes of broken slashdash
/// and braces exhausted 2 GB), so the parse runs on a thread of its own and is abandoned past
/// this budget; a valid file of 10k resources parses in well under a second.
const KDL_PARSE_BUDGET: Duration = Duration::from_secs(3);

/// The stack of the `kdl` parse thread.
const KDL_PARSE_STACK: usize = 16 << 20;

/// `KdlDocument::parse_v2` within [`KDL_PARSE_BUDGET`]; `None` when it ran out (the thread
/// is left to finish on its own and its result is dropped).
fn parse_v2_bounded(text: &str) -> Option<Result<KdlDocument, kdl::KdlError>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = text.to_owned();
    let spawned = std::thread::Builder::new()
        .name("kdl-parse".into())
        // its error recovery recurses; nesting is bounded before it runs (lex::too_deep),
        // this is the margin
        .stack_size(KDL_PARSE_STACK)
        .spawn(move || {
            let _ = tx.send(KdlDocument::parse_v2(&owned));
        });
    match spawned {
        Ok(_) => rx.recv_timeout(KDL_PARSE_BUDGET).ok(),
        // No thread to be had: parse here, unbounded.
        Err(_) => Some(KdlDocument::parse_v2(text)),
    }
}

/// Parses one file, reporting syntax errors (or one KDL v1 diagnostic) into `diags`.
pub(crate) fn parse(rel: &Path, text: &str, diags: &mut Diags) -> Option<KdlDocument> {
    if let Some(at) = crate::lex::too_deep(text) {
        too_deep(rel, at, diags);
        return None;
    }
    let Some(result) = parse_v2_bounded(text) else {
        if let Some(v1) = detect_v1(rel, text) {
            diags.items.push(v1);
            return None;
        }
        let Err(mut at) = crate::fastkdl::parse_or_position(text) else {
            // well-formed, just too big to finish in time
            diags.error(
                Code::Limit,
                &Span {
                    file: crate::model::span_file(rel),
                    offset: 0,
                    len: 0,
                },
                format!(
                    "this file is too large for the KDL parser to finish within {} s",
                    KDL_PARSE_BUDGET.as_secs()
                ),
                "in this file",
                Some("split it into several `*.kdl` files".to_owned()),
            );
            return None;
        };
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let len = text[at..].chars().next().map_or(0, char::len_utf8);
        diags.error(
            Code::Syntax,
            &Span {
                file: crate::model::span_file(rel),
                offset: at,
                len,
            },
            "this file is too malformed to analyse",
            "the first problem is at or after this point",
            Some(format!(
                "the KDL parser's error recovery gave up after {} s; fix the syntax here and run again",
                KDL_PARSE_BUDGET.as_secs()
            )),
        );
        return None;
    };
    match result {
        Ok(doc) => Some(doc),
        Err(err) => {
            if let Some(v1) = detect_v1(rel, text) {
                diags.items.push(v1);
                return None;
            }
            for d in err.diagnostics {
                let span = Span {
                    file: crate::model::span_file(rel),
                    offset: d.span.offset(),
                    len: d.span.len(),
                };
                diags.error(
                    Code::Syntax,
                    &span,
                    d.message.unwrap_or_else(|| "invalid KDL".to_owned()),
                    d.label.unwrap_or_else(|| "here".to_owned()),
                    d.help,
                );
            }
            None
        }
    }
}

/// The nesting-limit diagnostic at the `{` (or `/*`) at `at`.
fn too_deep(rel: &Path, at: usize, diags: &mut Diags) {
    let max = crate::limits::MAX_NESTING;
    diags.error(
        Code::Limit,
        &Span {
            file: crate::model::span_file(rel),
            offset: at,
            len: 1,
        },
        format!("blocks are nested more than {max} levels deep"),
        format!("level {} starts here", max + 1),
        Some(format!(
            "Garrison reads at most {max} levels of `{{ }}` (and of `/* */` comments); flatten the config"
        )),
    );
}

/// If `text` uses KDL v1 spellings (bare `true`/`false`/`null`, `r"raw"` strings), one
/// diagnostic labelling each, with the v2 spelling of the first line as help.
fn detect_v1(rel: &Path, text: &str) -> Option<Raw> {
    let hits = v1_tokens(text);
    let (first_off, first_len, first_v2) = hits.first().cloned()?;
    let labels = hits
        .iter()
        .map(|(off, len, v2)| Label {
            span: Span {
                file: crate::model::span_file(rel),
                offset: *off,
                len: *len,
            },
            text: format!("KDL v1; v2 writes `{v2}`"),
        })
        .collect();
    let line_start = text[..first_off].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[first_off..]
        .find('\n')
        .map_or(text.len(), |i| first_off + i);
    let fixed = format!(
        "{}{}{}",
        &text[line_start..first_off],
        first_v2,
        &text[first_off + first_len..line_end]
    );
    Some(Raw {
        code: Code::KdlV1,
        level: Level::Error,
        message: "this file is KDL v1; Garrison reads KDL v2".to_owned(),
        labels,
        help: Some(format!(
            "in KDL v2, keywords start with `#`: `{}`",
            fixed.trim()
        )),
    })
}

/// (offset, len, v2 spelling) of each v1-only token outside strings and comments.
fn v1_tokens(text: &str) -> Vec<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut hits = Vec::new();
    let mut i = 0;
    let boundary = |b: u8| b.is_ascii_whitespace() || matches!(b, b'=' | b';' | b'{' | b'}' | b')');
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'r' if (i == 0 || boundary(bytes[i - 1]))
                && matches!(bytes.get(i + 1), Some(b'"') | Some(b'#')) =>
            {
                let hashes = bytes[i + 1..].iter().take_while(|c| **c == b'#').count();
                if bytes.get(i + 1 + hashes) == Some(&b'"') {
                    let fixed = format!("{}\"", "#".repeat(hashes.max(1)));
                    hits.push((i, 2 + hashes, fixed));
                    // skip to the closing quote + hashes
                    let close = format!("\"{}", "#".repeat(hashes));
                    let start = i + 2 + hashes;
                    i = text[start..]
                        .find(&close)
                        .map_or(bytes.len(), |p| start + p + close.len());
                } else {
                    i += 1;
                }
            }
            _ if b.is_ascii_alphabetic() && (i == 0 || boundary(bytes[i - 1])) => {
                let end = bytes[i..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
                    .map_or(bytes.len(), |p| i + p);
                let word = &text[i..end];
                let prev = text[..i].trim_end_matches([' ', '\t']);
                let is_value = prev.ends_with('=')
                    || !prev.ends_with('\n')
                        && !prev.is_empty()
                        && !prev.ends_with('{')
                        && !prev.ends_with(';');
                if matches!(word, "true" | "false" | "null")
                    && is_value
                    && (end == bytes.len() || boundary(bytes[end]))
                {
                    hits.push((i, word.len(), format!("#{word}")));
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_v1_keywords_not_in_strings() {
        let t = "vm \"x\" {\n  public-ip true // true\n  name \"true\"\n  a b=false\n}\n";
        let hits: Vec<String> = v1_tokens(t).into_iter().map(|h| h.2).collect();
        assert_eq!(hits, vec!["#true", "#false"]);
    }

    #[test]
    fn v2_text_has_no_v1_tokens() {
        assert!(v1_tokens("a #true b=#false\nc \"null\"\n").is_empty());
    }
}
