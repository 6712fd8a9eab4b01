//! Collection functions: `length`, `concat`, `keys`, `values`, `lookup`, `contains`,
//! `range`, `merge`.

use serde_json::{Map, Value};

use super::args::{arity, integer, list, map, string, Bad};
use crate::expr::value::a_type;
use crate::expr::value::equal;

/// The longest list `range` makes.
const RANGE_MAX: i64 = 10_000;

pub(super) fn call(name: &str, args: &[Value]) -> Result<Value, Bad> {
    match name {
        "length" => {
            arity(name, args, 1, 1)?;
            let n = match &args[0] {
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                Value::String(s) => s.chars().count(),
                other => {
                    return Err(Bad::arg(
                        0,
                        format!(
                            "`length` takes a list, map or string, not {}",
                            a_type(other)
                        ),
                    ))
                }
            };
            Ok(Value::from(n))
        }
        "concat" => {
            arity(name, args, 1, usize::MAX)?;
            let mut out = Vec::new();
            for i in 0..args.len() {
                out.extend(list(name, args, i)?.iter().cloned());
            }
            Ok(Value::Array(out))
        }
        "keys" | "values" => {
            arity(name, args, 1, 1)?;
            let m = map(name, args, 0)?;
            Ok(Value::Array(if name == "keys" {
                m.keys().map(|k| Value::String(k.clone())).collect()
            } else {
                m.values().cloned().collect()
            }))
        }
        "lookup" => {
            arity(name, args, 2, 3)?;
            let (m, key) = (map(name, args, 0)?, string(name, args, 1)?);
            match (m.get(key), args.get(2)) {
                (Some(v), _) => Ok(v.clone()),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => Err(Bad::arg(
                    1,
                    format!("the map has no key \"{key}\" (give `lookup` a third argument as the default)"),
                )),
            }
        }
        "contains" => {
            arity(name, args, 2, 2)?;
            let found = match &args[0] {
                Value::Array(a) => a.iter().any(|v| equal(v, &args[1])),
                Value::Object(m) => m.contains_key(string(name, args, 1)?),
                Value::String(s) => s.contains(string(name, args, 1)?),
                other => {
                    return Err(Bad::arg(
                        0,
                        format!(
                            "`contains` takes a list, map or string, not {}",
                            a_type(other)
                        ),
                    ))
                }
            };
            Ok(Value::Bool(found))
        }
        "range" => range(args),
        _ => merge(args),
    }
}

/// `range(end)`, `range(start, end)`, `range(start, end, step)`: integers, end excluded.
fn range(args: &[Value]) -> Result<Value, Bad> {
    arity("range", args, 1, 3)?;
    let (start, end) = if args.len() == 1 {
        (0, integer("range", args, 0)?)
    } else {
        (integer("range", args, 0)?, integer("range", args, 1)?)
    };
    let step = if args.len() == 3 {
        integer("range", args, 2)?
    } else if end >= start {
        1
    } else {
        -1
    };
    if step == 0 {
        return Err(Bad::arg(2, "`range` needs a step other than 0"));
    }
    let count = (i128::from(end) - i128::from(start)) / i128::from(step);
    if count > i128::from(RANGE_MAX) {
        return Err(Bad::call(format!(
            "`range` makes at most {RANGE_MAX} numbers"
        )));
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(Value::from(i));
        let Some(next) = i.checked_add(step) else {
            break;
        };
        i = next;
    }
    Ok(Value::Array(out))
}

/// `merge(maps...)`: later keys win.
fn merge(args: &[Value]) -> Result<Value, Bad> {
    arity("merge", args, 1, usize::MAX)?;
    let mut out = Map::new();
    for i in 0..args.len() {
        for (k, v) in map("merge", args, i)? {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}
