//! Rename a resource label (or a variable or local) across the directory. A resource's
//! rename also adds `moved from="KIND.OLD" to="KIND.NEW"` to the file that defines it, so
//! applying the rename moves the object in the state instead of replacing it.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{TextEdit, Url, WorkspaceEdit};

use crate::documents::url_of;
use crate::index::{Bytes, Target};
use crate::position::LineIndex;
use crate::project::Project;

/// Why a rename is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum RenameError {
    /// The cursor is on nothing that can be renamed.
    #[error("nothing to rename here: put the cursor on a resource label, a variable or a local, or on an address naming one")]
    NoTarget,
    /// The new name breaks the naming rules.
    #[error("`{0}` cannot be used in an address: labels use letters, digits, `_` and `-`")]
    InvalidName(String),
    /// The new name is taken.
    #[error("`{0}` is already defined")]
    Taken(String),
    /// A module's resource: its `moved` blocks belong in the calling config, one per instance.
    #[error("`{0}` is a resource of a module: rename it by hand and add `moved from=\"module.NAME.{0}\" to=...` to the calling config for each instance of the module")]
    InModule(String),
}

/// The edits renaming the target at byte `offset` of `path` to `new_name`; `in_module`: the
/// directory is a module some config calls (its resources are not renamed: a `moved` block
/// there would be refused).
pub(crate) fn rename(
    project: &Project,
    path: &Path,
    offset: usize,
    new_name: &str,
    in_module: bool,
) -> Result<WorkspaceEdit, RenameError> {
    let target = project
        .target_at(path, offset)
        .ok_or(RenameError::NoTarget)?;
    if let (true, Target::Resource(..)) = (in_module, &target) {
        return Err(RenameError::InModule(target.address()));
    }
    if new_name.is_empty() || !new_name.chars().all(garrison_core::is_label_char) {
        return Err(RenameError::InvalidName(new_name.to_owned()));
    }
    let renamed = match &target {
        Target::Resource(kind, _) => Target::Resource(*kind, new_name.to_owned()),
        Target::Var(_) => Target::Var(new_name.to_owned()),
        Target::Local(_) => Target::Local(new_name.to_owned()),
    };
    if project.defs_of(&renamed).next().is_some() {
        return Err(RenameError::Taken(renamed.address()));
    }
    let mut edits = Edits::default();
    for d in project.defs_of(&target) {
        edits.replace(project, &d.path, d.name, new_name);
    }
    for u in project.uses_of(&target) {
        edits.replace(project, &u.path, u.name, new_name);
    }
    if let Target::Resource(..) = target {
        if let Some(def) = project.defs_of(&target).next() {
            edits.moved(project, &def.path, &target.address(), &renamed.address());
        }
    }
    Ok(WorkspaceEdit {
        changes: Some(edits.0),
        ..WorkspaceEdit::default()
    })
}

#[derive(Default)]
struct Edits(HashMap<Url, Vec<TextEdit>>);

impl Edits {
    fn replace(&mut self, project: &Project, path: &Path, at: Bytes, new_text: &str) {
        let (Some(file), Some(uri)) = (project.file(path), url_of(path)) else {
            return;
        };
        let range = LineIndex::new(&file.text).range(at.offset, at.len);
        self.0.entry(uri).or_default().push(TextEdit {
            range,
            new_text: new_text.to_owned(),
        });
    }

    /// Appends the `moved` block at the end of `path`.
    fn moved(&mut self, project: &Project, path: &Path, from: &str, to: &str) {
        let (Some(file), Some(uri)) = (project.file(path), url_of(path)) else {
            return;
        };
        let end = LineIndex::new(&file.text).position(file.text.len());
        let newline = if file.text.is_empty() || file.text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        self.0.entry(uri).or_default().push(TextEdit {
            range: lsp_types::Range::new(end, end),
            new_text: format!("{newline}\nmoved from=\"{from}\" to=\"{to}\"\n"),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::project::File;

    const TEXT: &str = "variable \"gpu\" default=\"L40\"\nvm \"a\" {\n    gpu (ref)\"var.gpu\"\n    name \"x-${var.gpu}\"\n}\nvm \"b\" {\n    depends-on \"vm.a\"\n}\n";

    fn project() -> Project {
        let path = PathBuf::from("/c/main.kdl");
        Project {
            files: vec![File {
                index: crate::index::index(&path, TEXT),
                path,
                text: TEXT.to_owned(),
            }],
        }
    }

    fn new_texts(edit: &WorkspaceEdit) -> Vec<String> {
        let changes = edit.changes.as_ref().map(|c| c.values().flatten());
        changes
            .into_iter()
            .flatten()
            .map(|e| e.new_text.clone())
            .collect()
    }

    #[test]
    fn a_variable_is_renamed_everywhere_without_a_moved_block() {
        let at = TEXT.find("var.gpu").unwrap_or_default() + 5;
        let edit = rename(&project(), Path::new("/c/main.kdl"), at, "model", true);
        let edit = edit.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(new_texts(&edit), ["model", "model", "model"]);
    }

    #[test]
    fn a_taken_or_invalid_name_and_a_non_target_are_refused() {
        let on_a = TEXT.find("\"a\"").unwrap_or_default() + 1;
        let p = project();
        let path = Path::new("/c/main.kdl");
        assert_eq!(
            rename(&p, path, on_a, "b", false).err(),
            Some(RenameError::Taken("vm.b".into()))
        );
        assert_eq!(
            rename(&p, path, on_a, "a b", false).err(),
            Some(RenameError::InvalidName("a b".into()))
        );
        assert_eq!(
            rename(&p, path, 0, "x", false).err(),
            Some(RenameError::NoTarget)
        );
        // a module's resource: the `moved` blocks belong in the calling config
        assert_eq!(
            rename(&p, path, on_a, "c", true).err(),
            Some(RenameError::InModule("vm.a".into()))
        );
        let edit = rename(&p, path, on_a, "c", false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            new_texts(&edit),
            ["c", "c", "\nmoved from=\"vm.a\" to=\"vm.c\"\n"]
        );
    }
}
