//! Saved plans (`plan --out FILE`): the plan with its basis and inputs, written atomically
//! with mode 0600, and checked against the current config, state, variables and cloud
//! before it is applied.

use std::path::{Path, PathBuf};

use garrison_plan::{Operations, Plan};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::EngineError;
use crate::fsutil::write_private;
use crate::saved_inputs::PlanInputs;

/// Version of the saved-plan file format (2: with `inputs`; version 1 files are refused).
pub const SAVED_PLAN_FORMAT_VERSION: u32 = 2;

/// A reviewed plan, to apply later exactly as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub format_version: u32,
    /// The config directory the plan was made from.
    pub config_dir: PathBuf,
    /// The plan (its `basis` holds the config hash, state lineage and serial).
    pub plan: Plan,
    /// The cloud's values of the planned resources and the seals of sensitive variables.
    #[serde(default)]
    pub inputs: PlanInputs,
    /// The plan's steps counted by what they do (the steps themselves are not saved), for
    /// `garrison show FILE` to print the `Operations:` line. Absent in older files.
    #[serde(default, skip_serializing_if = "Operations::is_empty")]
    pub operations: Operations,
}

impl SavedPlan {
    /// Wraps a plan made from `config_dir`, recording no inputs (see
    /// [`SavedPlan::with_inputs`]; `plan_for_saving` gives both) and the counts of its steps.
    pub fn new(config_dir: impl Into<PathBuf>, plan: Plan) -> Self {
        SavedPlan {
            format_version: SAVED_PLAN_FORMAT_VERSION,
            config_dir: config_dir.into(),
            operations: Operations::of(&plan.steps),
            plan,
            inputs: PlanInputs::default(),
        }
    }

    /// With the inputs the plan was made from, checked on apply.
    pub fn with_inputs(mut self, inputs: PlanInputs) -> Self {
        self.inputs = inputs;
        self
    }

    /// Writes the file atomically, mode 0600.
    pub fn write(&self, path: &Path) -> Result<(), EngineError> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| EngineError::SavedPlan {
            action: "encode",
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        write_private(path, &bytes).map_err(|e| EngineError::SavedPlan {
            action: "write",
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Reads a saved plan, refusing a file that is not one (not JSON, or JSON without the
    /// members of a saved plan, such as `garrison plan --json`'s output) and other format
    /// versions.
    pub fn read(path: &Path) -> Result<SavedPlan, EngineError> {
        let bytes = std::fs::read(path).map_err(|e| EngineError::SavedPlan {
            action: "read",
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let not_one = |cause: String| EngineError::NotASavedPlan {
            path: path.to_path_buf(),
            cause,
        };
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| not_one(format!("it is not JSON ({e})")))?;
        let found = saved_plan_version(&value).map_err(not_one)?;
        if found != u64::from(SAVED_PLAN_FORMAT_VERSION) {
            return Err(EngineError::SavedPlanVersion {
                path: path.to_path_buf(),
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: SAVED_PLAN_FORMAT_VERSION,
            });
        }
        serde_json::from_value(value).map_err(|e| EngineError::SavedPlan {
            action: "parse",
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

/// The `format_version` of a document with the members of a saved plan, or why it is not
/// one.
fn saved_plan_version(value: &Value) -> Result<u64, String> {
    let Some(doc) = value.as_object() else {
        return Err("it is not a JSON object".into());
    };
    if !doc.contains_key("plan") || !doc.contains_key("config_dir") {
        let what = if doc.contains_key("changes") && doc.contains_key("summary") {
            "it is a JSON plan (`garrison plan --json`), not one saved with `--out`"
        } else {
            "it has no `plan` and `config_dir`"
        };
        return Err(what.into());
    }
    doc.get("format_version")
        .and_then(Value::as_u64)
        .ok_or_else(|| "it has no `format_version`".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` written to a file as a saved plan.
    fn read(text: &str) -> Result<SavedPlan, EngineError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("p.json");
        std::fs::write(&path, text).expect("write");
        SavedPlan::read(&path)
    }

    fn cause_of(text: &str) -> String {
        match read(text) {
            Err(EngineError::NotASavedPlan { cause, .. }) => cause,
            other => panic!("expected NotASavedPlan, got {other:?}"),
        }
    }

    #[test]
    fn refuses_what_is_not_a_saved_plan_saying_what_it_is() {
        assert!(cause_of("vm \"box\" {}").starts_with("it is not JSON"));
        assert_eq!(cause_of("[1]"), "it is not a JSON object");
        assert_eq!(
            cause_of(r#"{"format_version": 1, "summary": {}, "changes": []}"#),
            "it is a JSON plan (`garrison plan --json`), not one saved with `--out`"
        );
        assert_eq!(
            cause_of(r#"{"format_version": 2, "lineage": "x"}"#),
            "it has no `plan` and `config_dir`"
        );
    }

    #[test]
    fn another_version_of_a_saved_plan_is_a_version_error() {
        let old = r#"{"format_version": 1, "config_dir": "/x", "plan": {}}"#;
        assert!(matches!(
            read(old),
            Err(EngineError::SavedPlanVersion { found: 1, .. })
        ));
    }

    #[test]
    fn the_operation_counts_round_trip_and_may_be_absent() {
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "format_version": 1,
            "basis": {"config_hash": "h", "state_lineage": null, "state_serial": 0, "refreshed": true},
            "destroy": false,
            "summary": {"add": 0, "change": 0, "replace": 0, "destroy": 0, "forget": 0, "unchanged": 0},
            "changes": [], "drift": [], "cost": null
        }))
        .expect("a plan");
        let mut saved = SavedPlan::new("/x", plan);
        assert!(saved.operations.is_empty());
        let text = serde_json::to_string(&saved).expect("encode");
        assert!(!text.contains("operations"), "{text}");
        saved
            .operations
            .counts
            .push(garrison_plan::operations::OperationCount {
                verb: "create".into(),
                count: 2,
            });
        let text = serde_json::to_string(&saved).expect("encode");
        assert_eq!(read(&text).expect("read back"), saved);
    }
}
