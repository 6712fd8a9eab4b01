//! Keeps ARCHITECTURE.md honest: every workspace member is named there, each member's
//! workspace-internal dependencies stay inside the arrows drawn there, no crate takes an
//! external dependency its layer forbids, and the emulator links no HTTP client.
//!
//! Everything is read from one `cargo metadata --format-version 1` call (for the host
//! platform, so nothing needs downloading), in one test that reports every broken rule.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Every crate Garrison may depend on.
const CORE: &str = "garrison-core";
/// Test support: a dev-dependency of the libraries and the CLI, never a normal one.
const TESTKIT: &str = "garrison-testkit";

/// The arrows of ARCHITECTURE.md: each member's allowed workspace-internal normal
/// dependencies. A member listed here that does not exist (yet) is fine; a member missing
/// here fails. `garrison-core` is allowed everywhere except in the Barrack crates.
const ALLOWED: &[(&str, &[&str])] = &[
    ("garrison-core", &[]),
    ("barrack-wire", &[]),
    ("barrack-api", &["barrack-wire"]),
    ("barrack-sim", &["barrack-wire"]),
    ("garrison-config", &[CORE, "barrack-wire"]),
    ("garrison-state", &[CORE]),
    (
        "garrison-plan",
        &[CORE, "garrison-config", "garrison-state"],
    ),
    (
        "garrison-engine",
        &[
            CORE,
            "garrison-plan",
            "garrison-state",
            "garrison-config",
            "barrack-api",
            "barrack-wire",
        ],
    ),
    (
        "garrison-policy",
        &[CORE, "garrison-config", "garrison-plan"],
    ),
    (
        "garrison-rehearse",
        &[
            CORE,
            "garrison-engine",
            "garrison-plan",
            "garrison-state",
            "garrison-config",
            "barrack-api",
            "barrack-wire",
            "barrack-sim",
        ],
    ),
    ("garrison-lsp", &[CORE, "garrison-config"]),
    ("garrison", EVERY_LIBRARY),
    ("garrison-testkit", EVERY_LIBRARY),
    ("garrison-bench", EVERY_LIBRARY),
    ("garrison-e2e", EVERY_LIBRARY),
];

const EVERY_LIBRARY: &[&str] = &[
    CORE,
    "garrison-policy",
    "garrison-rehearse",
    "garrison-engine",
    "garrison-plan",
    "garrison-state",
    "garrison-config",
    "garrison-lsp",
    "barrack-api",
    "barrack-wire",
    "barrack-sim",
];

/// The benchmarks and the end-to-end package ship nothing: test support may be theirs too.
/// Everywhere else it is only a dev-dependency (no row above allows it).
const SHIP_NOTHING: &[&str] = &["garrison-bench", "garrison-e2e"];

/// External crates a member must not take as a normal dependency.
const FORBIDDEN_EXTERNAL: &[(&str, &[&str])] = &[
    ("garrison-core", &["reqwest", "tokio", "axum", "anyhow"]),
    (
        "barrack-wire",
        &["reqwest", "tokio", "axum", "hyper", "anyhow"],
    ),
    ("barrack-api", &["anyhow"]),
    ("barrack-sim", &["reqwest", "anyhow"]),
    ("garrison-config", &["reqwest", "tokio", "anyhow"]),
    ("garrison-state", &["reqwest", "anyhow"]),
    ("garrison-plan", &["reqwest", "tokio", "anyhow"]),
    ("garrison-engine", &["anyhow"]),
    ("garrison-rehearse", &["reqwest", "anyhow"]),
    ("garrison-lsp", &["reqwest", "tokio", "anyhow"]),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The workspace as `cargo metadata` sees it, read once for all tests.
struct Metadata {
    /// Package id -> package object.
    packages: HashMap<String, Value>,
    /// The workspace members' package ids.
    members: Vec<String>,
    /// Package id -> (dependency package id, normal?) from the resolve graph.
    edges: HashMap<String, Vec<(String, bool)>>,
}

/// Runs `cargo` with `args` and returns its stdout.
fn cargo(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("running cargo {args:?}: {e}"));
    assert!(
        out.status.success(),
        "cargo {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn metadata() -> Metadata {
    let version = String::from_utf8(cargo(&["-vV"])).expect("cargo -vV is text");
    let host = version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("cargo -vV names the host");
    let args = [
        "metadata",
        "--format-version",
        "1",
        "--offline",
        "--filter-platform",
        host,
    ];
    let json: Value = serde_json::from_slice(&cargo(&args)).expect("cargo metadata JSON");
    let packages = json["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (text(&p["id"]), p.clone()))
        .collect();
    let members = json["workspace_members"]
        .as_array()
        .expect("workspace_members")
        .iter()
        .map(text)
        .collect();
    let edges = json["resolve"]["nodes"]
        .as_array()
        .expect("resolve nodes")
        .iter()
        .map(|node| (text(&node["id"]), node_edges(node)))
        .collect();
    Metadata {
        packages,
        members,
        edges,
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// A resolve node's dependencies, each marked normal when any of its kinds is (kind null).
fn node_edges(node: &Value) -> Vec<(String, bool)> {
    let deps = node["deps"].as_array().cloned().unwrap_or_default();
    deps.iter()
        .map(|dep| {
            let kinds = dep["dep_kinds"].as_array().cloned().unwrap_or_default();
            let normal = kinds.iter().any(|k| k["kind"].is_null());
            (text(&dep["pkg"]), normal)
        })
        .collect()
}

impl Metadata {
    fn name(&self, id: &str) -> String {
        text(&self.packages[id]["name"])
    }

    fn member(&self, name: &str) -> Option<&String> {
        self.members.iter().find(|id| self.name(id) == name)
    }

    fn member_names(&self) -> BTreeSet<String> {
        self.members.iter().map(|id| self.name(id)).collect()
    }

    /// The names of `id`'s direct normal dependencies.
    fn normal_deps(&self, id: &str) -> BTreeSet<String> {
        self.edges[id]
            .iter()
            .filter(|(_, normal)| *normal)
            .map(|(dep, _)| self.name(dep))
            .collect()
    }

    /// The package ids of `id`'s resolved normal dependency tree, `id` included.
    fn normal_closure(&self, id: &str) -> Vec<String> {
        let mut seen = HashSet::from([id.to_owned()]);
        let mut queue = VecDeque::from([id.to_owned()]);
        let mut order = Vec::new();
        while let Some(next) = queue.pop_front() {
            for (dep, normal) in &self.edges[&next] {
                if *normal && seen.insert(dep.clone()) {
                    queue.push_back(dep.clone());
                }
            }
            order.push(next);
        }
        order
    }
}

/// A rule: what breaks it, as readable lines.
type Check = fn(&Metadata) -> Vec<String>;

/// Every rule below, each returning what breaks it; one `cargo metadata` serves them all.
#[test]
fn the_workspace_follows_architecture_md() {
    let meta = metadata();
    let checks: &[(&str, Check)] = &[
        ("not named in ARCHITECTURE.md", members_named_in_the_doc),
        (
            "dependencies ARCHITECTURE.md does not draw",
            internal_arrows,
        ),
        ("forbidden external dependencies", forbidden_external),
        ("barrack-wire links", wire_stack),
        ("barrack-sim links an HTTP client", emulator_http_client),
    ];
    let broken: Vec<String> = checks
        .iter()
        .filter_map(|(what, check)| {
            let bad = check(&meta);
            (!bad.is_empty()).then(|| format!("{what}: {bad:?}"))
        })
        .collect();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

fn members_named_in_the_doc(meta: &Metadata) -> Vec<String> {
    let doc = fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    meta.member_names()
        .into_iter()
        .filter(|m| !doc.contains(&format!("`{m}`")))
        .collect()
}

fn internal_arrows(meta: &Metadata) -> Vec<String> {
    let members = meta.member_names();
    let mut bad = Vec::new();
    for id in &meta.members {
        let name = meta.name(id);
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == name) else {
            bad.push(format!(
                "{name} has no row in ALLOWED (and ARCHITECTURE.md)"
            ));
            continue;
        };
        for dep in meta.normal_deps(id) {
            let test_support = dep == TESTKIT && SHIP_NOTHING.contains(&name.as_str());
            if members.contains(&dep) && !allowed.contains(&dep.as_str()) && !test_support {
                bad.push(format!("{name} -> {dep}"));
            }
        }
    }
    bad
}

fn forbidden_external(meta: &Metadata) -> Vec<String> {
    let mut bad = Vec::new();
    for (name, banned) in FORBIDDEN_EXTERNAL {
        let Some(id) = meta.member(name) else {
            continue;
        };
        for dep in meta.normal_deps(id) {
            if banned.contains(&dep.as_str()) {
                bad.push(format!("{name} -> {dep}"));
            }
        }
    }
    bad
}

/// The contract crate is serde only: no runtime, no HTTP stack.
fn wire_stack(meta: &Metadata) -> Vec<String> {
    let Some(id) = meta.member("barrack-wire") else {
        return vec!["barrack-wire is not a member".to_owned()];
    };
    let linked: BTreeSet<String> = meta
        .normal_closure(id)
        .iter()
        .map(|p| meta.name(p))
        .collect();
    ["tokio", "hyper", "reqwest", "axum"]
        .into_iter()
        .filter(|c| linked.contains(*c))
        .map(str::to_owned)
        .collect()
}

/// The emulator serves HTTP (axum, hyper's server side) but links no HTTP client: no
/// `reqwest` anywhere in its normal tree, and no crate in it asks hyper or hyper-util for
/// a `client` feature. (Features are read from each dependency declaration, not from the
/// resolve graph, whose features are unified over the whole workspace and so include the
/// client's.)
fn emulator_http_client(meta: &Metadata) -> Vec<String> {
    let Some(id) = meta.member("barrack-sim") else {
        return vec!["barrack-sim is not a member".to_owned()];
    };
    let mut bad = Vec::new();
    for pkg in meta.normal_closure(id) {
        let name = meta.name(&pkg);
        if name == "reqwest" {
            bad.push("reqwest".to_owned());
        }
        let deps = meta.packages[&pkg]["dependencies"].as_array().cloned();
        for dep in deps.unwrap_or_default() {
            let target = text(&dep["name"]);
            let normal = dep["kind"].is_null();
            if !normal || !matches!(target.as_str(), "hyper" | "hyper-util") {
                continue;
            }
            let features = dep["features"].as_array().cloned().unwrap_or_default();
            for feature in features.iter().map(text) {
                if feature.starts_with("client") {
                    bad.push(format!("{name} asks {target} for `{feature}`"));
                }
            }
        }
    }
    bad
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
