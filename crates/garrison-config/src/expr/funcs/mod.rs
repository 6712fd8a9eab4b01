//! The standard library (docs/language.md, "Functions"): pure functions of values, one
//! file per family. `file` and `templatefile` read the config directory and are the
//! evaluator's (`run.rs`).

mod args;
mod collections;
mod encoding;
mod network;
mod numbers;
mod strings;

pub(crate) use args::Bad;

use serde_json::Value;

/// Every function, for "did you mean" and the editor's completion.
pub const NAMES: &[&str] = &[
    "lower",
    "upper",
    "format",
    "join",
    "split",
    "replace",
    "trim",
    "length",
    "concat",
    "keys",
    "values",
    "lookup",
    "contains",
    "range",
    "merge",
    "min",
    "max",
    "ceil",
    "floor",
    "cidrsubnet",
    "cidrhost",
    "base64encode",
    "jsonencode",
    "file",
    "templatefile",
];

/// `name(args)`; `None` when no pure function has that name.
pub(crate) fn call(name: &str, args: &[Value]) -> Option<Result<Value, Bad>> {
    Some(match name {
        "lower" | "upper" | "format" | "join" | "split" | "replace" | "trim" => {
            strings::call(name, args)
        }
        "length" | "concat" | "keys" | "values" | "lookup" | "contains" | "range" | "merge" => {
            collections::call(name, args)
        }
        "min" | "max" | "ceil" | "floor" => numbers::call(name, args),
        "cidrsubnet" | "cidrhost" => network::call(name, args),
        "base64encode" | "jsonencode" => encoding::call(name, args),
        _ => return None,
    })
}
