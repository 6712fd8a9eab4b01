//! `load_dir_overlay`: an editor's unsaved buffers replace the files on disk (and may add a
//! file not saved yet); the result is what `load_dir` says once they are saved.

use std::collections::BTreeMap;
use std::path::PathBuf;

use garrison_config::{load_dir, load_dir_overlay, Offered, VarInputs};

const VALID: &str =
    "provider \"barrack\" {\n    region \"NORWAY-1\"\n}\nscript \"s\" {\n    content \"echo\"\n}\n";

fn codes(r: &Result<garrison_config::Loaded, garrison_config::Failure>) -> Vec<&'static str> {
    match r {
        Ok(_) => vec![],
        Err(f) => f.errors.iter().map(|d| d.code.as_str()).collect(),
    }
}

#[test]
fn unsaved_text_replaces_the_file_and_new_files_count() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path();
    std::fs::write(dir.join("main.kdl"), VALID).unwrap_or_else(|e| panic!("{e}"));
    let inputs = VarInputs::default();
    assert!(load_dir(dir, &inputs).is_ok());

    let typo = VALID.replace("content", "contnt");
    let overlay = BTreeMap::from([(PathBuf::from("main.kdl"), typo.clone())]);
    let unsaved = load_dir_overlay(dir, &overlay, &inputs, &Offered::default());
    assert!(codes(&unsaved).contains(&"garrison::config::unknown_attribute"));
    std::fs::write(dir.join("main.kdl"), &typo).unwrap_or_else(|e| panic!("{e}"));
    let saved = load_dir(dir, &inputs);
    assert_eq!(codes(&unsaved), codes(&saved));

    // A new file only in the editor: its duplicate label is found.
    let overlay = BTreeMap::from([(
        PathBuf::from("more.kdl"),
        "script \"s\" {\n    content \"x\"\n}\n".to_owned(),
    )]);
    std::fs::write(dir.join("main.kdl"), VALID).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        codes(&load_dir_overlay(
            dir,
            &overlay,
            &inputs,
            &Offered::default()
        )),
        ["garrison::config::duplicate"]
    );

    // A directory with no file saved yet.
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let overlay = BTreeMap::from([(PathBuf::from("main.kdl"), VALID.to_owned())]);
    assert!(load_dir_overlay(empty.path(), &overlay, &inputs, &Offered::default()).is_ok());
    assert_eq!(
        codes(&load_dir(empty.path(), &inputs)),
        ["garrison::config::io"]
    );
}
