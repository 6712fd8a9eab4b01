//! `for` expressions: `[for v in xs : out]`, `[for i, v in xs : out if cond]` (a list), and
//! `{for k, v in m : key => out}` (a map). The source is a list (index and element) or a
//! map (key and value, in key order); the names bound shadow every other root inside it.
//! A map whose keys repeat is an error, as in Terraform.

use serde_json::{Map, Value};

use super::ast::{At, Expr, Node};
use super::error::ExprError;
use super::lex::Tok;
use super::parse::{shown, Parser};
use super::run::Runner;
use super::value::a_type;
use crate::diagnostic::Code;
use crate::eval::Val;

/// One `for` expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct For {
    /// The first name of `for k, v`: the index or key (none with one name).
    pub(crate) key: Option<String>,
    /// The element or value.
    pub(crate) value: String,
    pub(crate) source: Expr,
    /// `key =>` of the map form.
    pub(crate) out_key: Option<Expr>,
    pub(crate) out: Expr,
    pub(crate) cond: Option<Expr>,
}

impl Parser {
    /// Whether the bracket just opened starts a `for`.
    pub(super) fn at_for(&self) -> bool {
        matches!(self.tokens.get(self.pos), Some((Tok::Ident(w), _)) if w == "for")
    }

    /// The rest of a `for` after its `[` (`map`: `{`), `for` next.
    pub(super) fn for_expr(&mut self, open: At, map: bool) -> Result<Expr, ExprError> {
        self.enter(open)?;
        self.pos += 1;
        let first = self.bound_name("after `for`")?;
        let (key, value) = match self.eat(",") {
            Some(_) => (Some(first), self.bound_name("after `,`")?),
            None => (None, first),
        };
        self.word("in")?;
        let source = self.expr()?;
        self.expect(":", "after the `for` source")?;
        let first_out = self.expr()?;
        let (out_key, out) = if map {
            self.expect("=>", "between the key and the value of a map `for`")?;
            (Some(first_out), self.expr()?)
        } else {
            (None, first_out)
        };
        let cond = match self.tokens.get(self.pos) {
            Some((Tok::Ident(w), _)) if w == "if" => {
                self.pos += 1;
                Some(self.expr()?)
            }
            _ => None,
        };
        let close = self.expect(if map { "}" } else { "]" }, "to close the `for`")?;
        self.depth -= 1;
        let f = For {
            key,
            value,
            source,
            out_key,
            out,
            cond,
        };
        Ok(Expr {
            node: Node::For(Box::new(f)),
            at: open.to(close),
        })
    }

    /// A name `for` binds (`in` is the keyword that follows).
    fn bound_name(&mut self, what: &str) -> Result<String, ExprError> {
        let (name, at) = self.name(what)?;
        if name == "in" {
            return Err(ExprError::at(
                at.start,
                at.end,
                format!("expected a name {what}, found `in`"),
            ));
        }
        Ok(name)
    }

    fn word(&mut self, word: &str) -> Result<(), ExprError> {
        match self.tokens.get(self.pos).cloned() {
            Some((Tok::Ident(w), _)) if w == word => {
                self.pos += 1;
                Ok(())
            }
            Some((tok, at)) => Err(ExprError::at(
                at.start,
                at.end,
                format!("expected `{word}`, found {}", shown(&tok)),
            )),
            None => Err(ExprError::at(
                self.end,
                self.end,
                format!("expected `{word}`"),
            )),
        }
    }
}

impl Runner<'_, '_> {
    /// The list or map a `for` builds.
    pub(super) fn for_each(&mut self, f: &For, at: At) -> Val {
        let val = self.eval(&f.source);
        let Some(source) = self.known(val, f.source.at) else {
            return Val::Poison;
        };
        let pairs: Vec<(Value, Value)> = match source {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect(),
            other => {
                let message = format!("`for` walks a list or a map, not {}", a_type(&other));
                return self.fail(Code::WrongType, f.source.at, message, None);
            }
        };
        let mut list = Vec::new();
        let mut map = Map::new();
        for (k, v) in pairs {
            let depth = self.bound.len();
            if let Some(name) = &f.key {
                self.bound.push((name.clone(), k));
            }
            self.bound.push((f.value.clone(), v));
            let item = self.one(f, &mut list, &mut map);
            self.bound.truncate(depth);
            if item.is_none() {
                return Val::Poison;
            }
        }
        match f.out_key {
            Some(_) => self.done(Value::Object(map), at),
            None => self.done(Value::Array(list), at),
        }
    }

    /// One element: filtered by `if`, then added to `list` (or `map` under its key).
    fn one(&mut self, f: &For, list: &mut Vec<Value>, map: &mut Map<String, Value>) -> Option<()> {
        if let Some(cond) = &f.cond {
            let val = self.eval(cond);
            match self.known(val, cond.at)? {
                Value::Bool(true) => {}
                Value::Bool(false) => return Some(()),
                other => {
                    let message = format!("a `for` filter must be a bool, not {}", a_type(&other));
                    self.fail(Code::WrongType, cond.at, message, None);
                    return None;
                }
            }
        }
        let val = self.eval(&f.out);
        let out = self.known(val, f.out.at)?;
        let Some(key_expr) = &f.out_key else {
            list.push(out);
            return Some(());
        };
        let val = self.eval(key_expr);
        let key = match self.known(val, key_expr.at)? {
            Value::String(s) => s,
            other => {
                let message = format!("a map `for` key must be a string, not {}", a_type(&other));
                self.fail(Code::WrongType, key_expr.at, message, None);
                return None;
            }
        };
        if map.insert(key.clone(), out).is_some() {
            let message = format!("the `for` makes key \"{key}\" twice");
            let help = Some("make the keys unique, e.g. include the index".to_owned());
            self.fail(Code::InvalidValue, key_expr.at, message, help);
            return None;
        }
        Some(())
    }
}
