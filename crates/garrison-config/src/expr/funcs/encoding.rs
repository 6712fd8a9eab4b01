//! Encoding functions: `base64encode`, `jsonencode` (keys sorted, no whitespace).

use base64::Engine;
use serde_json::Value;

use super::args::{arity, string, Bad};

pub(super) fn call(name: &str, args: &[Value]) -> Result<Value, Bad> {
    arity(name, args, 1, 1)?;
    if name == "base64encode" {
        let s = string(name, args, 0)?;
        return Ok(Value::String(
            base64::engine::general_purpose::STANDARD.encode(s.as_bytes()),
        ));
    }
    serde_json::to_string(&args[0])
        .map(Value::String)
        .map_err(|e| Bad::arg(0, format!("cannot encode: {e}")))
}
