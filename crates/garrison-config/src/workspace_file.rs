//! A workspace's own variables: `workspaces/NAME.kdl` in the config directory (`NAME` the
//! selected workspace), read like a `--var-file` given first, so an explicit `--var-file`
//! or `--var` still wins. Absent is fine; the directory is never loaded as config.

use std::path::{Path, PathBuf};

use crate::vars::VarInputs;

/// The directory of per-workspace var files, relative to the config directory.
pub const WORKSPACE_VAR_DIR: &str = "workspaces";

/// The var file of `inputs`' workspace in `dir`, whether or not it exists.
pub fn workspace_var_file(dir: &Path, inputs: &VarInputs) -> PathBuf {
    dir.join(WORKSPACE_VAR_DIR)
        .join(format!("{}.kdl", inputs.workspace))
}

/// `inputs` with the workspace's var file first among the var files, when it is a file.
pub(crate) fn with_workspace_file(dir: &Path, inputs: &VarInputs) -> VarInputs {
    let file = workspace_var_file(dir, inputs);
    let mut out = inputs.clone();
    if file.is_file() && !inputs.var_files.contains(&file) {
        out.var_files.insert(0, file);
    }
    out
}
