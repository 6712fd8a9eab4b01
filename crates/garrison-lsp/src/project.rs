//! A config directory as navigation sees it: every file's text (open documents' unsaved
//! text first) and index.

use std::path::{Path, PathBuf};

use lsp_types::Location;

use crate::documents::{url_of, Documents};
use crate::index::{Bytes, Def, FileIndex, Target, Use};
use crate::position::LineIndex;

/// One file of the directory.
#[derive(Debug)]
pub(crate) struct File {
    /// Absolute path.
    pub(crate) path: PathBuf,
    /// Its text.
    pub(crate) text: String,
    /// What it defines and uses.
    pub(crate) index: FileIndex,
}

/// Every config file of one directory.
#[derive(Debug)]
pub(crate) struct Project {
    /// The files, sorted by path.
    pub(crate) files: Vec<File>,
}

impl Project {
    /// Reads and indexes the directory of the config file `path`.
    pub(crate) fn of(path: &Path, docs: &Documents) -> Self {
        let dir = path.parent().unwrap_or(Path::new("."));
        let files = docs
            .files_in(dir)
            .into_iter()
            .filter_map(|p| {
                let text = docs.text(&p)?;
                let index = crate::index::index(&p, &text);
                Some(File {
                    path: p,
                    text,
                    index,
                })
            })
            .collect();
        Project { files }
    }

    /// The file at `path`.
    pub(crate) fn file(&self, path: &Path) -> Option<&File> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Every definition.
    pub(crate) fn defs(&self) -> impl Iterator<Item = &Def> {
        self.files.iter().flat_map(|f| &f.index.defs)
    }

    /// Every use.
    pub(crate) fn uses(&self) -> impl Iterator<Item = &Use> {
        self.files.iter().flat_map(|f| &f.index.uses)
    }

    /// The definitions of `target`.
    pub(crate) fn defs_of<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Def> {
        self.defs().filter(move |d| d.target == *target)
    }

    /// The uses of `target`.
    pub(crate) fn uses_of<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Use> {
        self.uses().filter(move |u| u.target == *target)
    }

    /// What the address or definition name at byte `offset` of `path` names.
    pub(crate) fn target_at(&self, path: &Path, offset: usize) -> Option<Target> {
        let file = self.file(path)?;
        let used = file.index.uses.iter().find(|u| u.address.contains(offset));
        let defined = file.index.defs.iter().find(|d| d.name.contains(offset));
        used.map(|u| u.target.clone())
            .or_else(|| defined.map(|d| d.target.clone()))
    }

    /// The location of `bytes` in `path`.
    pub(crate) fn location(&self, path: &Path, bytes: Bytes) -> Option<Location> {
        let file = self.file(path)?;
        let range = LineIndex::new(&file.text).range(bytes.offset, bytes.len);
        Some(Location {
            uri: url_of(path)?,
            range,
        })
    }
}
