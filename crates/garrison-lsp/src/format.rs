//! Formatting through `garrison fmt`'s own function: one edit replacing the whole document
//! when its canonical form differs, none when it is canonical or does not parse (the
//! syntax error is already a diagnostic).

use std::path::Path;

use lsp_types::TextEdit;

use crate::position::LineIndex;

/// The edits that make `text` (the file `path`) canonical.
pub(crate) fn format(path: &Path, text: &str) -> Vec<TextEdit> {
    let name = path
        .file_name()
        .map_or_else(|| "config.kdl".into(), |n| n.to_string_lossy());
    match garrison_config::format_source(&name, text) {
        Ok(formatted) if formatted != text => vec![TextEdit {
            range: LineIndex::new(text).whole(),
            new_text: formatted,
        }],
        _ => Vec::new(),
    }
}
