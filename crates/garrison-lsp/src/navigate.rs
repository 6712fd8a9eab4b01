//! Go to definition and find references for resource addresses, variables and locals.

use std::path::Path;

use lsp_types::Location;

use crate::project::Project;

/// Where the target at byte `offset` of `path` is defined.
pub(crate) fn definition(project: &Project, path: &Path, offset: usize) -> Vec<Location> {
    let Some(target) = project.target_at(path, offset) else {
        return Vec::new();
    };
    project
        .defs_of(&target)
        .filter_map(|d| project.location(&d.path, d.name))
        .collect()
}

/// Every use of the target at byte `offset` of `path`, and its definition when
/// `with_declaration`.
pub(crate) fn references(
    project: &Project,
    path: &Path,
    offset: usize,
    with_declaration: bool,
) -> Vec<Location> {
    let Some(target) = project.target_at(path, offset) else {
        return Vec::new();
    };
    let defs = project
        .defs_of(&target)
        .filter(|_| with_declaration)
        .filter_map(|d| project.location(&d.path, d.name));
    let uses = project
        .uses_of(&target)
        .filter_map(|u| project.location(&u.path, u.address));
    defs.chain(uses).collect()
}
