//! Temporary config directories: create one, write `main.kdl` (the smallest config is
//! [`ONE_VOLUME`]), copy an example into it.

use std::path::Path;

/// A config with one volume in US-1: the smallest config whose plan has a change.
pub const ONE_VOLUME: &str = r#"
provider "barrack" {
    region "US-1"
}

volume "data" {
    size-gb 100
}
"#;

/// A fresh, empty temporary directory (removed when dropped).
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// Writes `text` as `dir/main.kdl`.
pub fn write_main(dir: &Path, text: &str) {
    let path = dir.join("main.kdl");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Copies the repository's `examples/NAME` into `dst`, leaving out any `.garrison/`.
pub fn copy_example(name: &str, dst: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    copy_dir(&src, dst);
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for entry in std::fs::read_dir(src).expect("read example") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name == ".garrison" {
            continue;
        }
        let to = dst.join(&name);
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
}
