//! Number functions: `min`, `max`, `ceil`, `floor`.

use serde_json::Value;

use super::args::{arity, number, Bad};
use crate::expr::value::Num;

pub(super) fn call(name: &str, args: &[Value]) -> Result<Value, Bad> {
    let done = |n: Num| n.to_value().map_err(Bad::call);
    match name {
        "min" | "max" => {
            arity(name, args, 1, usize::MAX)?;
            let mut best = number(name, args, 0)?;
            for i in 1..args.len() {
                let n = number(name, args, i)?;
                let better = if name == "min" {
                    n.as_f64() < best.as_f64()
                } else {
                    n.as_f64() > best.as_f64()
                };
                if better {
                    best = n;
                }
            }
            done(best)
        }
        _ => {
            arity(name, args, 1, 1)?;
            match number(name, args, 0)? {
                Num::Int(i) => done(Num::Int(i)),
                Num::Float(f) => done(Num::Float(if name == "ceil" {
                    f.ceil()
                } else {
                    f.floor()
                })),
            }
        }
    }
}
