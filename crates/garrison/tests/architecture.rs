//! Keeps ARCHITECTURE.md honest: every workspace member is named there, and no crate takes a
//! dependency its layer forbids.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `[dependencies]` (normal, not dev) of a crate's Cargo.toml, by name.
fn normal_deps(krate: &str) -> Vec<String> {
    let text = fs::read_to_string(root().join("crates").join(krate).join("Cargo.toml"))
        .unwrap_or_else(|e| panic!("reading {krate}/Cargo.toml: {e}"));
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            let name = line
                .split(['=', '.', ' '])
                .next()
                .unwrap_or_default()
                .to_string();
            deps.push(name);
        }
    }
    deps
}

fn members() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("crates"))
        .expect("crates/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_member_is_in_architecture_md() {
    let doc = fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let missing: Vec<_> = members()
        .into_iter()
        .filter(|m| !doc.contains(&format!("`{m}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "not named in ARCHITECTURE.md: {missing:?}"
    );
    assert!(
        doc.contains("`garrison-e2e`"),
        "the tests/ package is not named"
    );
}

#[test]
fn no_forbidden_dependencies() {
    let forbidden: &[(&str, &[&str])] = &[
        (
            "barrack-api",
            &[
                "garrison-config",
                "garrison-state",
                "garrison-plan",
                "garrison-engine",
                "barrack-sim",
                "anyhow",
            ],
        ),
        (
            "barrack-sim",
            &[
                "garrison-config",
                "garrison-state",
                "garrison-plan",
                "garrison-engine",
                "reqwest",
                "anyhow",
            ],
        ),
        (
            "garrison-config",
            &[
                "barrack-api",
                "garrison-state",
                "garrison-plan",
                "garrison-engine",
                "reqwest",
                "tokio",
                "anyhow",
            ],
        ),
        (
            "garrison-state",
            &[
                "barrack-api",
                "garrison-config",
                "garrison-plan",
                "garrison-engine",
                "reqwest",
                "anyhow",
            ],
        ),
        (
            "garrison-plan",
            &[
                "barrack-api",
                "garrison-engine",
                "reqwest",
                "tokio",
                "anyhow",
            ],
        ),
        ("garrison-engine", &["barrack-sim", "garrison", "anyhow"]),
    ];
    let mut bad = Vec::new();
    for (krate, banned) in forbidden {
        for dep in normal_deps(krate) {
            if banned.contains(&dep.as_str()) {
                bad.push(format!("{krate} -> {dep}"));
            }
        }
    }
    assert!(bad.is_empty(), "forbidden dependencies: {bad:?}");
}

#[test]
fn every_source_file_has_a_module_doc() {
    let mut missing = Vec::new();
    let mut stack = vec![root().join("crates"), root().join("tests")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("fixtures")
                    && !path.ends_with("snapshots")
                    && !path.ends_with("target")
                {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap_or_default();
                if !text.trim_start().starts_with("//!") {
                    missing.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "files without a `//!` module doc: {missing:?}"
    );
}
