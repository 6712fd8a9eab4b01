//! The documents the editor has open: their unsaved text replaces the file on disk, and the
//! config directory (a file's parent) is the unit that is checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lsp_types::Url;

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its text as the editor has it.
    pub text: String,
    /// The editor's version of it.
    pub version: i32,
}

/// The open documents by absolute path.
#[derive(Debug, Clone, Default)]
pub struct Documents {
    open: BTreeMap<PathBuf, Document>,
}

impl Documents {
    /// Records an opened or changed document.
    pub fn set(&mut self, path: PathBuf, text: String, version: i32) {
        self.open.insert(path, Document { text, version });
    }

    /// Forgets a closed document (the file on disk counts again).
    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }

    /// The open document at `path`.
    pub fn get(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)
    }

    /// The text of `path`: the open document's, else the file's on disk.
    pub fn text(&self, path: &Path) -> Option<String> {
        match self.open.get(path) {
            Some(d) => Some(d.text.clone()),
            None => std::fs::read_to_string(path).ok(),
        }
    }

    /// The unsaved texts of the `*.kdl` documents open in `dir` or below it (a module's
    /// files), by path relative to `dir`.
    pub fn overlay(&self, dir: &Path) -> BTreeMap<PathBuf, String> {
        self.open
            .iter()
            .filter(|(p, _)| is_config_file(p))
            .filter_map(|(p, d)| Some((p.strip_prefix(dir).ok()?.to_path_buf(), d.text.clone())))
            .collect()
    }

    /// The open documents of `dir`.
    pub fn open_in(&self, dir: &Path) -> BTreeSet<PathBuf> {
        self.open
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect()
    }

    /// Every config file of `dir`: those on disk and those only open, sorted.
    pub fn files_in(&self, dir: &Path) -> BTreeSet<PathBuf> {
        let mut files = self.open_in(dir);
        if let Ok(entries) = std::fs::read_dir(dir) {
            files.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| is_config_file(p) && p.is_file()),
            );
        }
        files.retain(|p| is_config_file(p));
        files
    }
}

/// Whether `path` is a config file (`*.kdl`).
pub fn is_config_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "kdl")
}

/// The path of a `file:` URL (absolute, as the editor names it).
pub fn path_of(url: &Url) -> Option<PathBuf> {
    url.to_file_path().ok()
}

/// The `file:` URL of `path`.
pub fn url_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}
