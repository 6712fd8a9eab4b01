//! Saved plans (`plan --out FILE`): the plan with its basis and inputs, written atomically
//! with mode 0600, and checked against the current config, state, variables and cloud
//! before it is applied.

use std::path::{Path, PathBuf};

use garrison_plan::Plan;
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
}

impl SavedPlan {
    /// Wraps a plan made from `config_dir`, recording no inputs (see
    /// [`SavedPlan::with_inputs`]; `plan_for_saving` gives both).
    pub fn new(config_dir: impl Into<PathBuf>, plan: Plan) -> Self {
        SavedPlan {
            format_version: SAVED_PLAN_FORMAT_VERSION,
            config_dir: config_dir.into(),
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

    /// Reads a saved plan, refusing other format versions.
    pub fn read(path: &Path) -> Result<SavedPlan, EngineError> {
        let err = |action, message: String| EngineError::SavedPlan {
            action,
            path: path.to_path_buf(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| err("read", e.to_string()))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| err("parse", e.to_string()))?;
        let found = value
            .get("format_version")
            .and_then(Value::as_u64)
            .ok_or_else(|| {
                err(
                    "parse",
                    "it has no `format_version`: not a saved plan".into(),
                )
            })?;
        if found != u64::from(SAVED_PLAN_FORMAT_VERSION) {
            return Err(EngineError::SavedPlanVersion {
                path: path.to_path_buf(),
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: SAVED_PLAN_FORMAT_VERSION,
            });
        }
        serde_json::from_value(value).map_err(|e| err("parse", e.to_string()))
    }
}
