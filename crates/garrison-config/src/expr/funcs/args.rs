//! Checking a function's arguments: how many, and of which type, with an error that
//! names the argument (the diagnostic points at it).

use serde_json::{Map, Value};

use crate::expr::value::a_type;
use crate::expr::value::Num;

/// A failed call: the argument at fault (if one is), and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bad {
    pub(crate) arg: Option<usize>,
    pub(crate) message: String,
}

impl Bad {
    pub(crate) fn call(message: impl Into<String>) -> Self {
        Self {
            arg: None,
            message: message.into(),
        }
    }

    pub(crate) fn arg(i: usize, message: impl Into<String>) -> Self {
        Self {
            arg: Some(i),
            message: message.into(),
        }
    }
}

/// Refuses fewer than `min` or more than `max` arguments.
pub(crate) fn arity(name: &str, args: &[Value], min: usize, max: usize) -> Result<(), Bad> {
    if (min..=max).contains(&args.len()) {
        return Ok(());
    }
    let want = match (min, max) {
        (a, b) if a == b => format!("{a}"),
        (a, usize::MAX) => format!("at least {a}"),
        (a, b) => format!("{a} to {b}"),
    };
    Err(Bad::call(format!(
        "`{name}` takes {want} argument{}, not {}",
        if want == "1" { "" } else { "s" },
        args.len()
    )))
}

fn wrong(name: &str, i: usize, want: &str, got: &Value) -> Bad {
    Bad::arg(
        i,
        format!(
            "argument {} of `{name}` must be {want}, not {}",
            i + 1,
            a_type(got)
        ),
    )
}

pub(crate) fn string<'v>(name: &str, args: &'v [Value], i: usize) -> Result<&'v str, Bad> {
    match &args[i] {
        Value::String(s) => Ok(s),
        other => Err(wrong(name, i, "a string", other)),
    }
}

pub(crate) fn number(name: &str, args: &[Value], i: usize) -> Result<Num, Bad> {
    Num::of(&args[i]).ok_or_else(|| wrong(name, i, "a number", &args[i]))
}

pub(crate) fn integer(name: &str, args: &[Value], i: usize) -> Result<i64, Bad> {
    match number(name, args, i)? {
        Num::Int(n) => Ok(n),
        Num::Float(_) => Err(wrong(name, i, "a whole number", &args[i])),
    }
}

pub(crate) fn list<'v>(name: &str, args: &'v [Value], i: usize) -> Result<&'v Vec<Value>, Bad> {
    match &args[i] {
        Value::Array(a) => Ok(a),
        other => Err(wrong(name, i, "a list", other)),
    }
}

pub(crate) fn map<'v>(
    name: &str,
    args: &'v [Value],
    i: usize,
) -> Result<&'v Map<String, Value>, Bad> {
    match &args[i] {
        Value::Object(m) => Ok(m),
        other => Err(wrong(name, i, "a map", other)),
    }
}

/// A string, number or bool as text (for `join` and `format`'s `%s`).
pub(crate) fn text(name: &str, v: &Value, i: usize) -> Result<String, Bad> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(wrong(name, i, "a string, number or bool", other)),
    }
}
