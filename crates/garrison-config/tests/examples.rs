//! Every directory under `examples/` validates with no errors and no warnings, and is
//! already formatted.

use std::path::Path;

use garrison_config::{format_dir, load_dir, VarInputs};

#[test]
fn examples_validate_and_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())) {
        let dir = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match load_dir(&dir, &VarInputs::default()) {
            Ok(loaded) => assert!(
                loaded.warnings.is_empty(),
                "{name}: warnings {:?}",
                loaded
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ),
            Err(f) => panic!(
                "{name}: {:?}",
                f.errors
                    .iter()
                    .map(|e| format!("{}: {e}", e.code))
                    .collect::<Vec<_>>()
            ),
        }
        let files = format_dir(&dir).unwrap_or_else(|f| panic!("{name}: {f}"));
        for f in files {
            assert!(
                !f.changed(),
                "{name}/{} is not formatted:\n{}",
                f.path.display(),
                f.formatted
            );
        }
        seen.push(name);
    }
    seen.sort();
    assert_eq!(seen, ["ci", "dev-box", "golden-image", "training-cluster"]);
}
