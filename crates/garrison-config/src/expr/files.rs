//! `file(path)` and `templatefile(path, vars)`: read a file inside the config directory
//! (the rules of `(file)`), and render `${...}` in it with only `vars` in scope.

use serde_json::Value;

use super::ast::{At, Expr};
use super::parse::parse;
use super::run::{Mapper, Runner};
use crate::diagnostic::Code;
use crate::eval::{Scope, Val};
use crate::expr::value::a_type;
use crate::refs::{parse_template, Piece};

impl Runner<'_, '_> {
    pub(super) fn file_call(&mut self, name: &str, args: &[Expr], values: &[Value], at: At) -> Val {
        let want = if name == "file" { 1 } else { 2 };
        if values.len() != want {
            return self.fail(
                Code::FunctionFailed,
                at,
                format!(
                    "`{name}` takes {want} argument{}, not {}",
                    if want == 1 { "" } else { "s" },
                    values.len()
                ),
                None,
            );
        }
        let Value::String(path) = &values[0] else {
            return self.fail(
                Code::FunctionFailed,
                args[0].at,
                format!(
                    "argument 1 of `{name}` must be a path string, not {}",
                    a_type(&values[0])
                ),
                None,
            );
        };
        let span = self.map.span(args[0].at);
        let text = match self.ev.file(path, &span).val {
            Val::Json(Value::String(text)) => text,
            _ => return Val::Poison,
        };
        if name == "file" {
            return Val::Json(Value::String(text));
        }
        let Value::Object(vars) = &values[1] else {
            return self.fail(
                Code::FunctionFailed,
                args[1].at,
                format!(
                    "argument 2 of `templatefile` must be a map of variables, not {}",
                    a_type(&values[1])
                ),
                None,
            );
        };
        self.render(path, &text, vars, at)
    }

    /// `text` with each `${expr}` replaced by its value, `vars` the only names in scope.
    fn render(
        &mut self,
        path: &str,
        text: &str,
        vars: &serde_json::Map<String, Value>,
        at: At,
    ) -> Val {
        let pieces = match parse_template(text) {
            Ok(p) => p,
            Err(message) => {
                return self.fail(
                    Code::BadExpression,
                    at,
                    format!("template `{path}`: {message}"),
                    None,
                )
            }
        };
        let map = Mapper {
            whole: self.map.span(at),
            base: None,
        };
        let scope = Scope::default();
        let mut out = String::new();
        for piece in pieces {
            let source = match piece {
                Piece::Text(t) => {
                    out.push_str(&t);
                    continue;
                }
                Piece::Ref(source) => source,
            };
            let expr = match parse(&source) {
                Ok(e) => e,
                Err(e) => {
                    return self.fail(
                        e.code,
                        at,
                        format!("template `{path}`, in `${{{source}}}`: {}", e.message),
                        e.help,
                    )
                }
            };
            let mut inner = Runner {
                ev: &mut *self.ev,
                scope: &scope,
                map: map.clone(),
                names: Some(vars),
                bound: Vec::new(),
                sensitive: false,
            };
            let val = inner.eval(&expr);
            match val {
                Val::Json(Value::String(s)) => out.push_str(&s),
                Val::Json(v @ (Value::Number(_) | Value::Bool(_))) => out.push_str(&v.to_string()),
                Val::Json(other) => {
                    return self.fail(
                        Code::WrongType,
                        at,
                        format!(
                            "template `{path}`: `${{{source}}}` is {}, which cannot be put in text",
                            a_type(&other)
                        ),
                        Some("use `jsonencode(...)` to write a list or map".into()),
                    )
                }
                _ => return Val::Poison,
            }
            if out.len() > crate::limits::VALUE_MAX_BYTES {
                return self.fail(
                    Code::Limit,
                    at,
                    format!("template `{path}` renders larger than a value may be"),
                    None,
                );
            }
        }
        Val::Json(Value::String(out))
    }
}
