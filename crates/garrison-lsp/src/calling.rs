//! Which config a module's file belongs to: the outermost directory above it whose config
//! calls it (`module "x" source="./modules/node"`), directly or through other modules, so an
//! edit in a module is checked with its callers' inputs, not as a config of its own (whose
//! required variables would have no value).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::documents::Documents;

/// How many directories above a module its caller may be looked for.
const MAX_LEVELS: usize = 8;

/// How many module directories one search follows.
const MAX_VISITED: usize = 64;

/// The config directory to check for a change in `dir`: `dir` itself, or the outermost
/// directory above it whose config reaches it through `module` calls.
pub(crate) fn config_root(dir: &Path, docs: &Documents) -> PathBuf {
    let Ok(target) = dir.canonicalize() else {
        return dir.to_path_buf();
    };
    let mut root = dir.to_path_buf();
    for above in dir.ancestors().skip(1).take(MAX_LEVELS) {
        if reaches(above, &target, docs) {
            root = above.to_path_buf();
        }
    }
    root
}

/// Whether the config in `start` calls `target`, directly or through other modules.
fn reaches(start: &Path, target: &Path, docs: &Documents) -> bool {
    let mut queue = vec![start.to_path_buf()];
    let mut visited = BTreeSet::new();
    while let Some(dir) = queue.pop() {
        if visited.len() >= MAX_VISITED || !visited.insert(dir.clone()) {
            continue;
        }
        for source in sources(&dir, docs) {
            if source == target {
                return true;
            }
            queue.push(source);
        }
    }
    false
}

/// The canonical directories the `module` calls of the config in `dir` name.
fn sources(dir: &Path, docs: &Documents) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for file in docs.files_in(dir) {
        let text = docs.text(&file).filter(|t| t.contains("module"));
        let Some(doc) = text.and_then(|t| garrison_config::parse_document(&t)) else {
            continue;
        };
        let calls = doc.nodes().iter().filter(|n| n.name().value() == "module");
        out.extend(
            calls
                .filter_map(|n| n.get("source")?.as_string().map(str::to_owned))
                .filter_map(|source| dir.join(source).canonicalize().ok()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(path, text).unwrap_or_else(|e| panic!("write: {e}"));
    }

    fn setup() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let root = tmp.path();
        write(root, "main.kdl", "provider \"barrack\" {\n    region \"NORWAY-1\"\n}\n\nmodule \"a\" source=\"./modules/a\" {\n    size 100\n}\n");
        write(root, "modules/a/main.kdl", "variable \"size\" type=\"int\"\n\nmodule \"b\" source=\"../b\" {\n    size (ref)\"var.size\"\n}\n");
        write(root, "modules/b/main.kdl", "variable \"size\" type=\"int\"\n\nvolume \"data\" {\n    size-gb (ref)\"var.size\"\n}\n");
        write(
            root,
            "other/main.kdl",
            "volume \"x\" {\n    size-gb 10\n}\n",
        );
        tmp
    }

    #[test]
    fn a_module_is_checked_with_the_config_that_calls_it() {
        let tmp = setup();
        let root = tmp.path();
        let docs = Documents::default();
        assert_eq!(config_root(&root.join("modules/b"), &docs), root);
        assert_eq!(config_root(&root.join("modules/a"), &docs), root);
        assert_eq!(config_root(root, &docs), root);
        assert_eq!(config_root(&root.join("other"), &docs), root.join("other"));
    }

    #[test]
    fn an_unsaved_module_file_is_checked_in_place_of_its_file() {
        let tmp = setup();
        let root = tmp.path();
        let mut docs = Documents::default();
        let file = root.join("modules/b/main.kdl");
        let text = "variable \"size\" type=\"int\"\n\nvolume \"data\" {\n    size-gb (ref)\"var.sise\"\n}\n";
        docs.set(file.clone(), text.to_owned(), 2);
        let by_file = crate::diagnostics::check(
            root,
            &docs,
            &garrison_config::VarInputs::default(),
            &garrison_config::Offered::default(),
        );
        let in_module = by_file.get(&file).cloned().unwrap_or_default();
        let errors: Vec<_> = in_module
            .iter()
            .filter(|d| d.severity == Some(lsp_types::DiagnosticSeverity::ERROR))
            .collect();
        assert_eq!(errors.len(), 1, "{by_file:?}");
        assert!(
            errors[0].message.contains("did you mean `var.size`?"),
            "{errors:?}"
        );
        assert_eq!(errors[0].range.start.line, 3);
        // nothing reported at the root: the module is checked with its caller's inputs
        assert_eq!(by_file.keys().collect::<Vec<_>>(), [&file], "{by_file:?}");
    }
}
