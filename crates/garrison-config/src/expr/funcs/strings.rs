//! String functions: `lower`, `upper`, `format` (verbs `%s` `%d` `%f` `%v` `%q`, with
//! width, zero padding and precision: `%05.1f`), `join`, `split`, `replace`, `trim`.

use serde_json::Value;

use super::args::{arity, list, string, text, Bad};
use crate::expr::value::Num;

pub(super) fn call(name: &str, args: &[Value]) -> Result<Value, Bad> {
    match name {
        "lower" | "upper" | "trim" => {
            arity(name, args, 1, 1)?;
            let s = string(name, args, 0)?;
            Ok(Value::String(match name {
                "lower" => s.to_lowercase(),
                "upper" => s.to_uppercase(),
                _ => s.trim().to_string(),
            }))
        }
        "join" => {
            arity(name, args, 2, 2)?;
            let sep = string(name, args, 0)?;
            let items = list(name, args, 1)?
                .iter()
                .map(|v| text(name, v, 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::String(items.join(sep)))
        }
        "split" => {
            arity(name, args, 2, 2)?;
            let (sep, s) = (string(name, args, 0)?, string(name, args, 1)?);
            if sep.is_empty() {
                return Err(Bad::arg(0, "`split` needs a non-empty separator"));
            }
            Ok(Value::Array(
                s.split(sep).map(|p| Value::String(p.into())).collect(),
            ))
        }
        "replace" => {
            arity(name, args, 3, 3)?;
            let (s, from) = (string(name, args, 0)?, string(name, args, 1)?);
            let to = string(name, args, 2)?;
            if from.is_empty() {
                return Err(Bad::arg(
                    1,
                    "`replace` needs a non-empty substring to replace",
                ));
            }
            let grows = to.len().saturating_sub(from.len()) * s.matches(from).count();
            if s.len().saturating_add(grows) > crate::limits::VALUE_MAX_BYTES {
                return Err(Bad::call("the result would be larger than a value may be"));
            }
            Ok(Value::String(s.replace(from, to)))
        }
        _ => format(args),
    }
}

/// `format(spec, args...)`: `%s` `%d` `%f` `%.Nf` `%v` `%q` `%%`.
fn format(args: &[Value]) -> Result<Value, Bad> {
    arity("format", args, 1, usize::MAX)?;
    let spec = string("format", args, 0)?;
    let mut out = String::new();
    let mut next = 1;
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let zero = chars.next_if_eq(&'0').is_some();
        let mut width = String::new();
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            width.push(d);
        }
        let width = width.parse::<usize>().unwrap_or(0).min(64);
        let mut precision = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            precision = Some(digits.parse::<usize>().unwrap_or(0).min(17));
        }
        let verb = chars
            .next()
            .ok_or_else(|| Bad::arg(0, "`format` ends with a lone `%`"))?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            return Err(Bad::call(format!(
                "`format` has more verbs than arguments ({} given)",
                args.len() - 1
            )));
        };
        let piece = verb_text(verb, precision, arg, next)?;
        out.push_str(&pad(piece, width, zero));
        next += 1;
        if out.len() > crate::limits::VALUE_MAX_BYTES {
            return Err(Bad::call("the result would be larger than a value may be"));
        }
    }
    if next < args.len() {
        return Err(Bad::arg(next, "`format` has more arguments than verbs"));
    }
    Ok(Value::String(out))
}

/// `piece` right-aligned in `width` columns, with zeros after any sign when `zero`.
fn pad(piece: String, width: usize, zero: bool) -> String {
    let len = piece.chars().count();
    if len >= width {
        return piece;
    }
    let fill = width - len;
    if !zero {
        return format!("{}{piece}", " ".repeat(fill));
    }
    match piece.strip_prefix('-') {
        Some(digits) => format!("-{}{digits}", "0".repeat(fill)),
        None => format!("{}{piece}", "0".repeat(fill)),
    }
}

fn verb_text(verb: char, precision: Option<usize>, arg: &Value, i: usize) -> Result<String, Bad> {
    Ok(match verb {
        's' => text("format", arg, i)?,
        'v' => match arg {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        'q' => Value::String(text("format", arg, i)?).to_string(),
        'd' => match Num::of(arg) {
            Some(Num::Int(n)) => n.to_string(),
            _ => return Err(Bad::arg(i, format!("`%d` needs a whole number, not {arg}"))),
        },
        'f' => match Num::of(arg) {
            Some(n) => format!("{:.*}", precision.unwrap_or(6), n.as_f64()),
            None => return Err(Bad::arg(i, format!("`%f` needs a number, not {arg}"))),
        },
        other => {
            return Err(Bad::arg(
                0,
                format!("`%{other}` is not a `format` verb (use %s, %d, %f, %.2f, %v, %q or %%)"),
            ))
        }
    })
}
