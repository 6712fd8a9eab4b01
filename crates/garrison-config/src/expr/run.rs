//! Evaluating an expression inside the config's evaluator: references go through
//! [`Eval::reference`] (so edges, sensitivity and "known after apply" work as for `(ref)`),
//! operators and functions work on plan-time values, and every error is a diagnostic at
//! the offending part of the expression.

use serde_json::{Map, Value};

use super::ast::{At, Binary, Expr, Node, Step, Unary};
use super::funcs;
use super::value::{binary, check_size, equal, Num};
use crate::collect::suggest;
use crate::diagnostic::Code;
use crate::eval::{Ev, Eval, Scope, Val};
use crate::expr::value::a_type;
use crate::model::Span;

/// Where the expression text sits in its file: `base` is the byte offset of its first
/// character when known (else diagnostics use `whole`, the entry's span).
#[derive(Debug, Clone)]
pub(crate) struct Mapper {
    pub(crate) whole: Span,
    pub(crate) base: Option<usize>,
}

impl Mapper {
    pub(crate) fn span(&self, at: At) -> Span {
        match self.base {
            Some(base) => Span {
                file: self.whole.file.clone(),
                offset: base + at.start,
                len: at.end.saturating_sub(at.start).max(1),
            },
            None => self.whole.clone(),
        }
    }
}

/// One evaluation.
pub(crate) struct Runner<'r, 'a> {
    pub(crate) ev: &'r mut Eval<'a>,
    pub(crate) scope: &'r Scope,
    pub(crate) map: Mapper,
    /// Inside `templatefile`: bare names are its variables, and nothing else is in scope.
    pub(crate) names: Option<&'r Map<String, Value>>,
    /// The names `for` expressions bind, innermost last.
    pub(crate) bound: Vec<(String, Value)>,
    pub(crate) sensitive: bool,
}

impl Runner<'_, '_> {
    /// The value of `e` and whether it derives from a sensitive variable.
    pub(crate) fn run(&mut self, e: &Expr) -> Ev {
        let val = self.eval(e);
        Ev {
            val,
            sensitive: self.sensitive,
        }
    }

    pub(super) fn fail(
        &mut self,
        code: Code,
        at: At,
        message: String,
        help: Option<String>,
    ) -> Val {
        let span = self.map.span(at);
        self.ev
            .diags
            .error(code, &span, message, "in this expression", help);
        Val::Poison
    }

    /// A plan-time value, or a diagnostic saying why `val` is not one.
    pub(super) fn known(&mut self, val: Val, at: At) -> Option<Value> {
        match val {
            Val::Json(v) => Some(v),
            Val::Poison => None,
            Val::After(_) => {
                self.fail(
                    Code::KnownAfterApply,
                    at,
                    "this value is known only after apply, so it cannot be computed with".into(),
                    Some("an expression may pass it through whole (`cond ? it : other`); compute with values known at plan time".into()),
                );
                None
            }
            Val::Link(_) | Val::Links(_) => {
                self.fail(
                    Code::WrongType,
                    at,
                    "this is a resource, not a value".into(),
                    Some("name one of its attributes, e.g. `vm.x.name`".into()),
                );
                None
            }
        }
    }

    pub(super) fn done(&mut self, v: Value, at: At) -> Val {
        if let Err(message) = check_size(&v) {
            return self.fail(Code::Limit, at, message, None);
        }
        let span = self.map.span(at);
        let val = Val::Json(v);
        if !self.ev.budget.charge_value(&val, &span, &mut self.ev.diags) {
            return Val::Poison;
        }
        val
    }

    pub(super) fn eval(&mut self, e: &Expr) -> Val {
        match &e.node {
            Node::Lit(v) => Val::Json(v.clone()),
            Node::Path { root, steps } => self.path(root, steps, e.at),
            Node::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let val = self.eval(item);
                    let Some(v) = self.known(val, item.at) else {
                        return Val::Poison;
                    };
                    out.push(v);
                }
                self.done(Value::Array(out), e.at)
            }
            Node::Map(entries) => {
                let mut out = Map::new();
                for (k, item) in entries {
                    let val = self.eval(item);
                    let Some(v) = self.known(val, item.at) else {
                        return Val::Poison;
                    };
                    out.insert(k.clone(), v);
                }
                self.done(Value::Object(out), e.at)
            }
            Node::Unary(op, inner) => self.unary(*op, inner),
            Node::Binary(op, l, r) => self.binary(*op, l, r, e.at),
            Node::Cond(c, yes, no) => {
                let val = self.eval(c);
                match self.known(val, c.at) {
                    Some(Value::Bool(true)) => self.eval(yes),
                    Some(Value::Bool(false)) => self.eval(no),
                    Some(other) => self.fail(
                        Code::WrongType,
                        c.at,
                        format!(
                            "the condition of `? :` must be a bool, not {}",
                            a_type(&other)
                        ),
                        Some("compare to make a bool, e.g. `var.count > 0 ? ... : ...`".into()),
                    ),
                    None => Val::Poison,
                }
            }
            Node::Call {
                name,
                name_at,
                args,
            } => self.call(name, *name_at, args, e.at),
            Node::Index(base, index) => {
                let val = self.eval(base);
                let Some(b) = self.known(val, base.at) else {
                    return Val::Poison;
                };
                let val = self.eval(index);
                let Some(i) = self.known(val, index.at) else {
                    return Val::Poison;
                };
                self.index(b, &i, index.at)
            }
            Node::For(f) => self.for_each(f, e.at),
            Node::Field(base, name) => {
                let val = self.eval(base);
                let Some(b) = self.known(val, base.at) else {
                    return Val::Poison;
                };
                self.index(b, &Value::String(name.clone()), e.at)
            }
        }
    }

    fn unary(&mut self, op: Unary, inner: &Expr) -> Val {
        let val = self.eval(inner);
        let Some(v) = self.known(val, inner.at) else {
            return Val::Poison;
        };
        match (op, &v) {
            (Unary::Not, Value::Bool(b)) => Val::Json(Value::Bool(!b)),
            (Unary::Neg, Value::Number(_)) => {
                let negated = match Num::of(&v) {
                    Some(Num::Int(i)) => i.checked_neg().map(Num::Int),
                    Some(Num::Float(f)) => Some(Num::Float(-f)),
                    None => None,
                };
                match negated.map(Num::to_value) {
                    Some(Ok(v)) => Val::Json(v),
                    _ => self.fail(
                        Code::InvalidValue,
                        inner.at,
                        "the negation overflows".into(),
                        None,
                    ),
                }
            }
            _ => self.fail(
                Code::WrongType,
                inner.at,
                format!(
                    "`{}` needs a {}, not {}",
                    if op == Unary::Not { "!" } else { "-" },
                    if op == Unary::Not { "bool" } else { "number" },
                    a_type(&v)
                ),
                None,
            ),
        }
    }

    fn binary(&mut self, op: Binary, l: &Expr, r: &Expr, at: At) -> Val {
        if !matches!(op, Binary::And | Binary::Or) {
            // Both sides, so a mistake on each is reported at once.
            let (left, right) = (self.eval(l), self.eval(r));
            let a = self.known(left, l.at);
            let b = self.known(right, r.at);
            let (Some(a), Some(b)) = (a, b) else {
                return Val::Poison;
            };
            return self.compute(op, a, b, at);
        }
        // `&&` and `||` short-circuit: the right side runs only when it decides.
        let val = self.eval(l);
        let Some(a) = self.known(val, l.at) else {
            return Val::Poison;
        };
        let Value::Bool(a) = a else {
            return self.not_bool(op, l.at, &a);
        };
        if (op == Binary::And && !a) || (op == Binary::Or && a) {
            return Val::Json(Value::Bool(a));
        }
        let val = self.eval(r);
        match self.known(val, r.at) {
            Some(Value::Bool(b)) => Val::Json(Value::Bool(b)),
            Some(other) => self.not_bool(op, r.at, &other),
            None => Val::Poison,
        }
    }

    fn compute(&mut self, op: Binary, a: Value, b: Value, at: At) -> Val {
        match op {
            Binary::Eq => Val::Json(Value::Bool(equal(&a, &b))),
            Binary::Ne => Val::Json(Value::Bool(!equal(&a, &b))),
            _ => match binary(op, &a, &b) {
                Ok(v) => Val::Json(v),
                Err(message) => self.fail(Code::WrongType, at, message, None),
            },
        }
    }

    fn not_bool(&mut self, op: Binary, at: At, v: &Value) -> Val {
        self.fail(
            Code::WrongType,
            at,
            format!("`{}` needs bools, not {}", op.symbol(), a_type(v)),
            None,
        )
    }

    /// `base[index]` on a computed value: a list by position, a map by key, `[*]` whole.
    pub(super) fn index(&mut self, base: Value, index: &Value, at: At) -> Val {
        let found = match (&base, index) {
            (Value::Array(_), Value::String(s)) if s == "*" => Some(base.clone()),
            (Value::Array(a), Value::Number(_)) => match Num::of(index) {
                Some(Num::Int(i)) if i >= 0 => a.get(i as usize).cloned(),
                _ => None,
            },
            (Value::Object(m), Value::String(k)) => m.get(k).cloned(),
            _ => {
                return self.fail(
                    Code::WrongType,
                    at,
                    format!("{} cannot be indexed by {}", a_type(&base), a_type(index)),
                    None,
                )
            }
        };
        match found {
            Some(v) => Val::Json(v),
            None => self.fail(
                Code::UnknownReference,
                at,
                format!("no element {index} in this {}", a_type(&base)),
                None,
            ),
        }
    }

    fn call(&mut self, name: &str, name_at: At, args: &[Expr], at: At) -> Val {
        if name == "length" {
            if let [only] = args {
                let val = self.eval(only);
                if let Val::Links(links) = &val {
                    return Val::Json(Value::from(links.len()));
                }
                let Some(v) = self.known(val, only.at) else {
                    return Val::Poison;
                };
                return self.finish_call(name, name_at, args, &[v], at);
            }
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            let val = self.eval(arg);
            values.push(self.known(val, arg.at));
        }
        let values: Option<Vec<Value>> = values.into_iter().collect();
        match values {
            Some(values) => self.finish_call(name, name_at, args, &values, at),
            None if is_function(name) => Val::Poison,
            None => self.finish_call(name, name_at, args, &[], at),
        }
    }

    fn finish_call(
        &mut self,
        name: &str,
        name_at: At,
        args: &[Expr],
        values: &[Value],
        at: At,
    ) -> Val {
        let result = match name {
            "file" | "templatefile" => return self.file_call(name, args, values, at),
            _ => match funcs::call(name, values) {
                Some(result) => result,
                None => {
                    return self.fail(
                        Code::UnknownFunction,
                        name_at,
                        format!("unknown function `{name}`"),
                        suggest(name, funcs::NAMES).or_else(|| {
                            Some(
                                "the functions are listed in docs/language.md, \"Functions\""
                                    .into(),
                            )
                        }),
                    )
                }
            },
        };
        match result {
            Ok(v) => self.done(v, at),
            Err(bad) => {
                let place = bad.arg.and_then(|i| args.get(i)).map_or(at, |a| a.at);
                self.fail(Code::FunctionFailed, place, bad.message, None)
            }
        }
    }

    fn path(&mut self, root: &str, steps: &[(Step, At)], at: At) -> Val {
        if let Some((_, value)) = self.bound.iter().rev().find(|(name, _)| name == root) {
            return self.walk(value.clone(), steps);
        }
        if let Some(names) = self.names {
            let Some(start) = names.get(root).cloned() else {
                let known = names.keys().map(String::as_str).collect::<Vec<_>>();
                return self.fail(
                    Code::UnknownReference,
                    at,
                    format!("`{root}` is not a variable of this template"),
                    suggest(root, &known)
                        .or_else(|| Some("pass it in `templatefile`'s map".into())),
                );
            };
            return self.walk(start, steps);
        }
        let mut text = root.to_string();
        for (step, step_at) in steps {
            match step {
                Step::Field(name) => {
                    text.push('.');
                    text.push_str(name);
                }
                Step::Splat => text.push_str("[*]"),
                Step::Index(index) => {
                    let val = self.eval(index);
                    let Some(i) = self.known(val, index.at) else {
                        return Val::Poison;
                    };
                    match &i {
                        Value::Number(_) if matches!(Num::of(&i), Some(Num::Int(n)) if n >= 0) => {
                            text.push_str(&format!("[{i}]"))
                        }
                        Value::String(k) if !k.contains('"') => {
                            text.push_str(&format!("[\"{k}\"]"))
                        }
                        other => {
                            return self.fail(
                                Code::WrongType,
                                *step_at,
                                format!("an index must be a whole number or a key, not {other}"),
                                None,
                            )
                        }
                    }
                }
            }
        }
        let span = self.map.span(at);
        let ev = self.ev.reference(&text, &span, self.scope);
        self.sensitive |= ev.sensitive;
        ev.val
    }

    /// Steps on a template variable's value.
    fn walk(&mut self, mut cur: Value, steps: &[(Step, At)]) -> Val {
        for (step, at) in steps {
            let index = match step {
                Step::Field(name) => Value::String(name.clone()),
                Step::Splat => Value::String("*".into()),
                Step::Index(e) => {
                    let val = self.eval(e);
                    let Some(i) = self.known(val, e.at) else {
                        return Val::Poison;
                    };
                    i
                }
            };
            match self.index(cur, &index, *at) {
                Val::Json(v) => cur = v,
                other => return other,
            }
        }
        Val::Json(cur)
    }
}

fn is_function(name: &str) -> bool {
    funcs::NAMES.contains(&name)
}
