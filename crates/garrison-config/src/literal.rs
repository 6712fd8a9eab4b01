//! Plain KDL values to JSON: scalars, a node's arguments as a list, its children as a map.
//! Used by variable defaults and var-files (no references there).

use std::path::Path;

use crate::tree::{KdlNode, KdlValue};
use serde_json::Value;

use crate::collect::span;
use crate::model::Span;

/// A KDL scalar as JSON (floats outside JSON become null).
pub(crate) fn scalar(v: KdlValue<'_>) -> Value {
    match v {
        KdlValue::String(s) => Value::String(s.to_owned()),
        KdlValue::Integer(i) => i64::try_from(i).map_or(Value::Null, Value::from),
        KdlValue::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        KdlValue::Bool(b) => Value::Bool(b),
        KdlValue::Null => Value::Null,
    }
}

/// `Err(message)` for an integer JSON cannot hold as a 64-bit integer (which [`scalar`]
/// would turn into null).
pub(crate) fn in_range(v: KdlValue<'_>) -> Result<(), String> {
    match v {
        KdlValue::Integer(i) if i64::try_from(i).is_err() => Err(format!(
            "integer out of range: `{i}` does not fit in 64 bits"
        )),
        _ => Ok(()),
    }
}

/// The value of `node`: one argument = scalar, several = list, children = map.
/// Errors name the offending span.
pub(crate) fn node_value(file: &Path, node: KdlNode<'_>) -> Result<Value, (Span, String)> {
    for e in node.entries() {
        if let Some(name) = e.name() {
            return Err((
                span(file, e.span()),
                format!("unexpected property `{}` in a plain value", name.value()),
            ));
        }
        in_range(e.value()).map_err(|msg| (span(file, e.span()), msg))?;
        if let Some(ty) = e.ty() {
            return Err((
                span(file, e.span()),
                format!(
                    "`({})` is not allowed here: this value must be a literal",
                    ty.value()
                ),
            ));
        }
    }
    let args: Vec<Value> = node.entries().iter().map(|e| scalar(e.value())).collect();
    if let Some(children) = node.children() {
        if !args.is_empty() {
            return Err((
                span(file, node.span()),
                "a value has either arguments or children, not both".to_owned(),
            ));
        }
        let mut map = serde_json::Map::new();
        for c in children {
            map.insert(c.name().value().to_owned(), node_value(file, c)?);
        }
        return Ok(Value::Object(map));
    }
    Ok(match args.len() {
        0 => Value::Null,
        1 => args.into_iter().next().unwrap_or(Value::Null),
        _ => Value::Array(args),
    })
}

/// Short human form of a JSON value for messages.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// The JSON type name used in messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int",
        Value::Number(_) => "float",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "map",
    }
}
