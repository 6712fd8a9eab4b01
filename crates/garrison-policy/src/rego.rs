//! Rego policies: every file is loaded into one embedded engine (regorus), `input` is the
//! plan JSON, and every message of `data.garrison.deny` is a violation, its source the file
//! whose rules produced it (the file of the package, when several share it).

use garrison_plan::PolicyViolation;
use serde_json::Value;

use crate::error::PolicyError;

/// One policy file: its path as shown to people, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegoFile {
    pub path: String,
    pub text: String,
}

/// The violations `files` find in the plan whose JSON is `plan_json`.
pub fn rego(files: &[RegoFile], plan_json: &str) -> Result<Vec<PolicyViolation>, PolicyError> {
    let mut out = Vec::new();
    for file in files {
        for message in deny(file, plan_json)? {
            out.push(PolicyViolation {
                source: file.path.clone(),
                message,
            });
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The `deny` messages of one file (each file is evaluated on its own, so every message
/// names the file that wrote the rule).
fn deny(file: &RegoFile, plan_json: &str) -> Result<Vec<String>, PolicyError> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(file.path.clone(), file.text.clone())
        .map_err(|e| PolicyError::Parse {
            file: file.path.clone(),
            message: one_line(&e.to_string()),
        })?;
    engine
        .set_input_json(plan_json)
        .map_err(|e| PolicyError::Eval {
            message: one_line(&e.to_string()),
        })?;
    // A query, not a rule lookup: a file with no `deny` (or none that fired) is undefined,
    // which denies nothing.
    let results = engine
        .eval_query("data.garrison.deny".to_string(), false)
        .map_err(|e| PolicyError::Eval {
            message: format!("{}: {}", file.path, one_line(&e.to_string())),
        })?;
    let Some(value) = results
        .result
        .first()
        .and_then(|r| r.expressions.first())
        .map(|e| e.value.clone())
    else {
        return Ok(Vec::new());
    };
    let json = value.to_json_str().map_err(|e| PolicyError::Eval {
        message: one_line(&e.to_string()),
    })?;
    messages(&json, &file.path)
}

/// `deny` as strings: a set (JSON array) of strings or of objects with `msg`; undefined
/// (no rule fired, or no `deny` in the file) is none.
fn messages(json: &str, path: &str) -> Result<Vec<String>, PolicyError> {
    let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    let bad = |what: &Value| PolicyError::Eval {
        message: format!("{path}: `deny` holds {what}, not a message"),
    };
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Object(o) => o
                    .get("msg")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| bad(item)),
                other => Err(bad(other)),
            })
            .collect(),
        other => Err(bad(&other)),
    }
}

fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
