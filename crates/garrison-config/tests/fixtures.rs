//! Data-driven fixtures: every `tests/fixtures/valid/<case>/` loads (model snapshot, fmt
//! idempotent); every `tests/fixtures/invalid/<case>/` fails with the snapshotted diagnostics.
//! A case may hold `inputs.json` (`{"vars": {..}, "env": {..}, "var_files": [..],
//! "workspace": "..", "catalog": "live", "account": "account.json"}`; `catalog` `live`
//! validates against the built-in catalog as if the API listed it, so an unknown value is
//! an error, not a warning; `account` names a JSON `garrison_config::Account`, what the
//! object data sources read, as if the API listed it).

use std::path::{Path, PathBuf};

use garrison_config::{
    format_source, load_dir_with, Account, CatalogSource, ConfigDiagnostic, Failure, Loaded,
    Offered, VarInputs,
};
use miette::{GraphicalReportHandler, GraphicalTheme};

fn cases(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("read {}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Loads `case` with its inputs, catalog and account.
fn load_dir(case: &Path, inputs: &VarInputs) -> Result<Loaded, Failure> {
    let json = std::fs::read_to_string(case.join("inputs.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
    let live = json.as_ref().is_some_and(|json| json["catalog"] == "live");
    let account = json
        .as_ref()
        .and_then(|json| json["account"].as_str())
        .map(|file| {
            let text = std::fs::read_to_string(case.join(file))
                .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
            serde_json::from_str::<Account>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", case.display()))
        });
    let source = if live {
        CatalogSource::Live
    } else {
        CatalogSource::BuiltIn
    };
    let offered = Offered {
        source,
        account,
        ..Offered::default()
    };
    load_dir_with(case, inputs, &offered)
}

fn inputs(case: &Path) -> VarInputs {
    let mut inputs = VarInputs::default();
    let Ok(text) = std::fs::read_to_string(case.join("inputs.json")) else {
        return inputs;
    };
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    if let Some(vars) = json.get("vars").and_then(|v| v.as_object()) {
        for (k, v) in vars {
            inputs
                .vars
                .push((k.clone(), v.as_str().unwrap_or_default().to_owned()));
        }
    }
    if let Some(env) = json.get("env").and_then(|v| v.as_object()) {
        for (k, v) in env {
            inputs
                .env
                .insert(k.clone(), v.as_str().unwrap_or_default().to_owned());
        }
    }
    if let Some(ws) = json.get("workspace").and_then(|v| v.as_str()) {
        inputs.workspace = ws
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    }
    if let Some(files) = json.get("var_files").and_then(|v| v.as_array()) {
        for f in files {
            inputs
                .var_files
                .push(case.join(f.as_str().unwrap_or_default()));
        }
    }
    inputs
}

/// Renders diagnostics the way people read them: fixed width, no colour, ASCII.
pub fn render(diags: &[ConfigDiagnostic]) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::none()).with_width(100);
    let mut out = String::new();
    for d in diags {
        handler
            .render_report(&mut out, d)
            .unwrap_or_else(|e| panic!("render: {e}"));
        out.push('\n');
    }
    out
}

fn render_failure(f: &Failure, root: &Path) -> String {
    let root_text = root.display().to_string();
    // Messages may name a var file by its absolute path: filter it before wrapping.
    let filtered = |diags: &[ConfigDiagnostic]| -> Vec<ConfigDiagnostic> {
        diags
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d.message = d.message.replace(&root_text, "[CASE]");
                d
            })
            .collect()
    };
    let text = format!(
        "{} error(s), {} warning(s)\n\n{}{}",
        f.errors.len(),
        f.warnings.len(),
        render(&filtered(&f.errors)),
        render(&filtered(&f.warnings))
    );
    text.replace(&root_text, "[CASE]")
}

fn settings(case: &Path) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(case);
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

#[test]
fn valid_fixtures() {
    let all = cases("valid");
    assert!(!all.is_empty());
    for case in all {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let loaded = match load_dir(&case, &inputs(&case)) {
            Ok(l) => l,
            Err(f) => panic!("{name} should be valid:\n{}", render_failure(&f, &case)),
        };
        let mut model = loaded.model;
        model.dir = PathBuf::from("[CASE]");
        let json = serde_json::to_string_pretty(&model).unwrap_or_default();
        let warnings = render(&loaded.warnings);
        settings(&case).bind(|| {
            insta::assert_snapshot!("model", json);
            insta::assert_snapshot!("warnings", warnings);
        });
        // fmt: idempotent, and the formatted text loads to the same model
        for entry in std::fs::read_dir(&case).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "kdl") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                let once = format_source("f.kdl", &text)
                    .unwrap_or_else(|f| panic!("{}: {}", p.display(), render(&f.errors)));
                let twice = format_source("f.kdl", &once)
                    .unwrap_or_else(|f| panic!("{}: {}", p.display(), render(&f.errors)));
                assert_eq!(once, twice, "fmt is not idempotent on {}", p.display());
            }
        }
    }
}

#[test]
fn invalid_fixtures() {
    let all = cases("invalid");
    assert!(!all.is_empty());
    for case in all {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let failure = match load_dir(&case, &inputs(&case)) {
            Ok(_) => panic!("{name} should be invalid"),
            Err(f) => f,
        };
        let rendered = render_failure(&failure, &case);
        settings(&case).bind(|| insta::assert_snapshot!("diagnostics", rendered));
    }
}

#[test]
fn every_code_has_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut all = String::new();
    for kind in ["valid", "invalid"] {
        for case in cases(kind) {
            for file in ["diagnostics.snap", "warnings.snap"] {
                all.push_str(&std::fs::read_to_string(case.join(file)).unwrap_or_default());
            }
        }
    }
    let missing: Vec<&str> = garrison_config::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !all.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture under {}: {missing:?}",
        root.display()
    );
}

/// F3: no pending `*.snap.new` is committed next to the fixtures (insta deletes one when
/// its snapshot passes, so running the tests would modify the tree); CI runs with
/// `INSTA_UPDATE=no`, which writes nothing.
#[test]
fn no_pending_snapshots_in_the_fixtures() {
    let mut pending = Vec::new();
    for kind in ["valid", "invalid"] {
        for case in cases(kind) {
            for entry in std::fs::read_dir(&case).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
                    pending.push(entry.path());
                }
            }
        }
    }
    assert!(
        pending.is_empty(),
        "pending snapshots (review them with `cargo insta review`, then delete): {pending:?}"
    );
}
