//! Operators on values: arithmetic (64-bit integers, checked, else floats), comparisons,
//! equality (numbers by value), and the size check every result passes.

use serde_json::{Number, Value};

use super::ast::Binary;
use crate::limits::{VALUE_MAX_BYTES, VALUE_MAX_DEPTH};

/// A number as i64 when it is one, else f64.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    pub(crate) fn of(v: &Value) -> Option<Num> {
        let Value::Number(n) = v else { return None };
        n.as_i64()
            .map(Num::Int)
            .or_else(|| n.as_f64().map(Num::Float))
    }

    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// Back to JSON: a whole float within i64 becomes an integer; NaN and infinities fail.
    pub(crate) fn to_value(self) -> Result<Value, String> {
        match self {
            Num::Int(i) => Ok(Value::from(i)),
            Num::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Value::from(f as i64)),
            Num::Float(f) => Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| "the result is not a finite number".to_string()),
        }
    }
}

/// `l op r` for the arithmetic and comparison operators (not `&&`, `||`, `==`, `!=`).
pub(crate) fn binary(op: Binary, l: &Value, r: &Value) -> Result<Value, String> {
    if let (Binary::Lt | Binary::Le | Binary::Gt | Binary::Ge, Value::String(a), Value::String(b)) =
        (op, l, r)
    {
        return Ok(Value::Bool(compare(op, a.cmp(b))));
    }
    let (Some(a), Some(b)) = (Num::of(l), Num::of(r)) else {
        return Err(format!(
            "`{}` needs two numbers{}, not {} and {}",
            op.symbol(),
            if matches!(op, Binary::Lt | Binary::Le | Binary::Gt | Binary::Ge) {
                " (or two strings)"
            } else {
                ""
            },
            a_type(l),
            a_type(r)
        ));
    };
    match op {
        Binary::Lt | Binary::Le | Binary::Gt | Binary::Ge => {
            let ord = a
                .as_f64()
                .partial_cmp(&b.as_f64())
                .unwrap_or(std::cmp::Ordering::Equal);
            Ok(Value::Bool(compare(op, ord)))
        }
        _ => arithmetic(op, a, b)?.to_value(),
    }
}

fn compare(op: Binary, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Binary::Lt => ord == Less,
        Binary::Le => ord != Greater,
        Binary::Gt => ord == Greater,
        _ => ord != Less,
    }
}

fn arithmetic(op: Binary, a: Num, b: Num) -> Result<Num, String> {
    if let (Num::Int(x), Num::Int(y)) = (a, b) {
        let overflow = || format!("`{x} {} {y}` overflows a 64-bit integer", op.symbol());
        return match op {
            Binary::Add => x.checked_add(y).map(Num::Int).ok_or_else(overflow),
            Binary::Sub => x.checked_sub(y).map(Num::Int).ok_or_else(overflow),
            Binary::Mul => x.checked_mul(y).map(Num::Int).ok_or_else(overflow),
            Binary::Div if y == 0 => Err("division by zero".into()),
            Binary::Div if x % y == 0 => x.checked_div(y).map(Num::Int).ok_or_else(overflow),
            Binary::Div => Ok(Num::Float(x as f64 / y as f64)),
            Binary::Rem if y == 0 => Err("remainder of a division by zero".into()),
            _ => x.checked_rem(y).map(Num::Int).ok_or_else(overflow),
        };
    }
    let (x, y) = (a.as_f64(), b.as_f64());
    match op {
        Binary::Add => Ok(Num::Float(x + y)),
        Binary::Sub => Ok(Num::Float(x - y)),
        Binary::Mul => Ok(Num::Float(x * y)),
        Binary::Div if y == 0.0 => Err("division by zero".into()),
        Binary::Div => Ok(Num::Float(x / y)),
        _ => Err("`%` needs two whole numbers".into()),
    }
}

/// Equality: numbers by value (`1 == 1.0`), everything else structurally.
pub(crate) fn equal(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(_), Value::Number(_)) => {
            Num::of(l).map(Num::as_f64) == Num::of(r).map(Num::as_f64)
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => l == r,
    }
}

/// Refuses a value larger than `VALUE_MAX_BYTES` or nested deeper than `VALUE_MAX_DEPTH`.
pub(crate) fn check_size(v: &Value) -> Result<(), String> {
    let mut budget = VALUE_MAX_BYTES;
    if !fits(v, 0, &mut budget) {
        return Err(format!(
            "the result is larger than {} or nested deeper than {VALUE_MAX_DEPTH} levels",
            crate::limits::show_bytes(VALUE_MAX_BYTES)
        ));
    }
    Ok(())
}

fn fits(v: &Value, depth: usize, budget: &mut usize) -> bool {
    if depth > VALUE_MAX_DEPTH {
        return false;
    }
    let own = match v {
        Value::String(s) => s.len(),
        Value::Array(a) => a.len(),
        Value::Object(m) => m.keys().map(String::len).sum::<usize>() + m.len(),
        _ => 8,
    };
    let Some(left) = budget.checked_sub(own) else {
        return false;
    };
    *budget = left;
    match v {
        Value::Array(a) => a.iter().all(|x| fits(x, depth + 1, budget)),
        Value::Object(m) => m.values().all(|x| fits(x, depth + 1, budget)),
        _ => true,
    }
}

/// `v`'s type with its article, for messages: `a string`, `an int`.
pub(crate) fn a_type(v: &Value) -> String {
    let name = crate::literal::type_name(v);
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}
