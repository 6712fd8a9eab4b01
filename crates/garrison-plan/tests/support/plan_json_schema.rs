//! The JSON plan's schema (`docs/plan-json.schema.json`), compiled once, for the tests that
//! check rendered plans against it (`plans.rs` for every planner case,
//! `plan_json_schema.rs` for the schema itself).

use std::path::PathBuf;
use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::Value;

/// `docs/plan-json.schema.json`, parsed.
pub(crate) fn schema() -> Value {
    let path = repo_root().join("docs/plan-json.schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading `{}`: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing `{}`: {e}", path.display()))
}

/// The repository's root (this crate is `crates/garrison-plan`).
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    jsonschema::draft202012::new(&schema())
        .unwrap_or_else(|e| panic!("docs/plan-json.schema.json is not a valid schema: {e}"))
});

/// Where and why `json` breaks the schema, one line each; empty when it is valid.
pub(crate) fn violations(json: &Value) -> Vec<String> {
    VALIDATOR
        .iter_errors(json)
        .map(|e| format!("at `{}`: {e}", e.instance_path()))
        .collect()
}

/// Fails when `text` (a rendered JSON plan) is not JSON or breaks the schema.
pub(crate) fn assert_valid(label: &str, text: &str) {
    let json: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{label}: the JSON plan does not parse: {e}\n{text}"));
    let found = violations(&json);
    assert!(
        found.is_empty(),
        "{label}: the JSON plan breaks docs/plan-json.schema.json:\n  {}\n{text}",
        found.join("\n  ")
    );
}
