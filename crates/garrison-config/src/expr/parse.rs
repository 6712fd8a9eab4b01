//! A precedence-climbing parser: `?:` (lowest, right-associative), `||`, `&&`, `==` `!=`,
//! `<` `<=` `>` `>=`, `+` `-`, `*` `/` `%`, unary `!` `-`, then calls, `.name`, `[i]` and
//! `[*]`. Nesting is bounded (`limits::MAX_NESTING`), so no input overflows the stack.

use serde_json::Value;

use super::ast::{At, Binary, Expr, Node, Step, Unary};
use super::error::ExprError;
use super::lex::{lex, Tok};
use crate::limits::MAX_NESTING;

/// Parses a whole expression.
pub(crate) fn parse(text: &str) -> Result<Expr, ExprError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: text.len(),
    };
    if p.tokens.is_empty() {
        return Err(ExprError::at(0, text.len(), "the expression is empty"));
    }
    let expr = p.expr()?;
    if let Some((tok, at)) = p.tokens.get(p.pos) {
        return Err(ExprError::at(
            at.start,
            at.end,
            format!("unexpected {} after the expression", shown(tok)),
        ));
    }
    Ok(expr)
}

pub(super) fn shown(tok: &Tok) -> String {
    match tok {
        Tok::Num(n) => format!("number `{n}`"),
        Tok::Str(s) => format!("string \"{s}\""),
        Tok::Ident(i) => format!("name `{i}`"),
        Tok::Sym(s) => format!("`{s}`"),
    }
}

pub(super) struct Parser {
    pub(super) tokens: Vec<(Tok, At)>,
    pub(super) pos: usize,
    pub(super) depth: usize,
    pub(super) end: usize,
}

/// Binary operators by precedence level, lowest first.
const LEVELS: [&[(&str, Binary)]; 6] = [
    &[("||", Binary::Or)],
    &[("&&", Binary::And)],
    &[("==", Binary::Eq), ("!=", Binary::Ne)],
    &[
        ("<", Binary::Lt),
        ("<=", Binary::Le),
        (">", Binary::Gt),
        (">=", Binary::Ge),
    ],
    &[("+", Binary::Add), ("-", Binary::Sub)],
    &[("*", Binary::Mul), ("/", Binary::Div), ("%", Binary::Rem)],
];

impl Parser {
    fn peek_sym(&self) -> Option<&'static str> {
        match self.tokens.get(self.pos) {
            Some((Tok::Sym(s), _)) => Some(s),
            _ => None,
        }
    }

    pub(super) fn eat(&mut self, sym: &str) -> Option<At> {
        match self.tokens.get(self.pos) {
            Some((Tok::Sym(s), at)) if *s == sym => {
                let at = *at;
                self.pos += 1;
                Some(at)
            }
            _ => None,
        }
    }

    pub(super) fn expect(&mut self, sym: &str, what: &str) -> Result<At, ExprError> {
        if let Some(at) = self.eat(sym) {
            return Ok(at);
        }
        Err(match self.tokens.get(self.pos) {
            Some((tok, at)) => ExprError::at(
                at.start,
                at.end,
                format!("expected `{sym}` {what}, found {}", shown(tok)),
            ),
            None => ExprError::at(self.end, self.end, format!("expected `{sym}` {what}")),
        })
    }

    pub(super) fn enter(&mut self, at: At) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(ExprError::at(
                at.start,
                at.end,
                format!("the expression nests deeper than {MAX_NESTING} levels"),
            ));
        }
        Ok(())
    }

    fn here(&self) -> At {
        self.tokens.get(self.pos).map_or(
            At {
                start: self.end,
                end: self.end,
            },
            |(_, at)| *at,
        )
    }

    pub(super) fn expr(&mut self) -> Result<Expr, ExprError> {
        let at = self.here();
        self.enter(at)?;
        let cond = self.binary(0)?;
        let result = if self.eat("?").is_some() {
            let yes = self.expr()?;
            self.expect(":", "between the two branches of `? :`")?;
            let no = self.expr()?;
            let at = cond.at.to(no.at);
            Expr {
                node: Node::Cond(Box::new(cond), Box::new(yes), Box::new(no)),
                at,
            }
        } else {
            cond
        };
        self.depth -= 1;
        Ok(result)
    }

    fn binary(&mut self, level: usize) -> Result<Expr, ExprError> {
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary(level + 1)?;
        while let Some(op) = self
            .peek_sym()
            .and_then(|s| ops.iter().find(|(sym, _)| *sym == s))
            .map(|(_, op)| *op)
        {
            self.pos += 1;
            let right = self.binary(level + 1)?;
            let at = left.at.to(right.at);
            left = Expr {
                node: Node::Binary(op, Box::new(left), Box::new(right)),
                at,
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        let op = match self.peek_sym() {
            Some("!") => Unary::Not,
            Some("-") => Unary::Neg,
            _ => return self.postfix(),
        };
        let at = self.here();
        self.enter(at)?;
        self.pos += 1;
        let inner = self.unary()?;
        self.depth -= 1;
        Ok(Expr {
            at: at.to(inner.at),
            node: Node::Unary(op, Box::new(inner)),
        })
    }

    fn postfix(&mut self) -> Result<Expr, ExprError> {
        let mut expr = self.primary()?;
        loop {
            if self.eat(".").is_some() {
                let (name, at) = self.name("after `.`")?;
                expr = attach(expr, Step::Field(name), at);
            } else if let Some(open) = self.eat("[") {
                if self.eat("*").is_some() {
                    let close = self.expect("]", "after `[*`")?;
                    expr = attach(expr, Step::Splat, open.to(close));
                } else {
                    let index = self.expr()?;
                    let close = self.expect("]", "to close the index")?;
                    expr = attach(expr, Step::Index(index), open.to(close));
                }
            } else {
                return Ok(expr);
            }
        }
    }

    pub(super) fn name(&mut self, what: &str) -> Result<(String, At), ExprError> {
        match self.tokens.get(self.pos).cloned() {
            Some((Tok::Ident(name), at)) => {
                self.pos += 1;
                Ok((name, at))
            }
            Some((tok, at)) => Err(ExprError::at(
                at.start,
                at.end,
                format!("expected a name {what}, found {}", shown(&tok)),
            )),
            None => Err(ExprError::at(
                self.end,
                self.end,
                format!("expected a name {what}"),
            )),
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let Some((tok, at)) = self.tokens.get(self.pos).cloned() else {
            return Err(ExprError::at(
                self.end,
                self.end,
                "the expression ends too early",
            ));
        };
        self.pos += 1;
        let node = match tok {
            Tok::Num(n) => Node::Lit(Value::Number(n)),
            Tok::Str(s) => Node::Lit(Value::String(s)),
            Tok::Ident(name) => return self.named(name, at),
            Tok::Sym("(") => {
                self.enter(at)?;
                let inner = self.expr()?;
                let close = self.expect(")", "to close `(`")?;
                self.depth -= 1;
                return Ok(Expr {
                    node: inner.node,
                    at: at.to(close),
                });
            }
            Tok::Sym("[") => return self.list(at),
            Tok::Sym("{") => return self.map(at),
            Tok::Sym(s) => {
                return Err(ExprError::at(
                    at.start,
                    at.end,
                    format!("expected a value, found `{s}`"),
                ))
            }
        };
        Ok(Expr { node, at })
    }

    fn named(&mut self, name: String, at: At) -> Result<Expr, ExprError> {
        let node = match name.as_str() {
            "true" => Node::Lit(Value::Bool(true)),
            "false" => Node::Lit(Value::Bool(false)),
            "null" => Node::Lit(Value::Null),
            _ if self.peek_sym() == Some("(") => return self.call(name, at),
            _ => Node::Path {
                root: name,
                steps: Vec::new(),
            },
        };
        Ok(Expr { node, at })
    }

    fn call(&mut self, name: String, name_at: At) -> Result<Expr, ExprError> {
        self.enter(name_at)?;
        self.pos += 1; // `(`
        let (args, close) = self.items(")", "to close the arguments")?;
        self.depth -= 1;
        Ok(Expr {
            node: Node::Call {
                name,
                name_at,
                args,
            },
            at: name_at.to(close),
        })
    }

    /// Comma-separated expressions up to `close` (a trailing comma allowed).
    fn items(&mut self, close: &str, what: &str) -> Result<(Vec<Expr>, At), ExprError> {
        let mut items = Vec::new();
        loop {
            if let Some(at) = self.eat(close) {
                return Ok((items, at));
            }
            items.push(self.expr()?);
            if self.eat(",").is_none() {
                let at = self.expect(close, what)?;
                return Ok((items, at));
            }
        }
    }

    fn list(&mut self, open: At) -> Result<Expr, ExprError> {
        if self.at_for() {
            return self.for_expr(open, false);
        }
        self.enter(open)?;
        let (items, close) = self.items("]", "to close the list")?;
        self.depth -= 1;
        Ok(Expr {
            node: Node::List(items),
            at: open.to(close),
        })
    }

    fn map(&mut self, open: At) -> Result<Expr, ExprError> {
        if self.at_for() {
            return self.for_expr(open, true);
        }
        self.enter(open)?;
        let mut entries = Vec::new();
        let close = loop {
            if let Some(at) = self.eat("}") {
                break at;
            }
            let key = match self.tokens.get(self.pos).cloned() {
                Some((Tok::Ident(k) | Tok::Str(k), _)) => {
                    self.pos += 1;
                    k
                }
                Some((tok, at)) => {
                    return Err(ExprError::at(
                        at.start,
                        at.end,
                        format!("expected a key (a name or a string), found {}", shown(&tok)),
                    ))
                }
                None => return Err(ExprError::at(self.end, self.end, "unclosed `{`")),
            };
            if self.eat("=").is_none() {
                self.expect(":", "(or `=`) after the key")?;
            }
            entries.push((key, self.expr()?));
            if self.eat(",").is_none() {
                break self.expect("}", "to close the map")?;
            }
        };
        self.depth -= 1;
        Ok(Expr {
            node: Node::Map(entries),
            at: open.to(close),
        })
    }
}

/// `expr` followed by one more step: a reference grows its path; anything else is indexed.
fn attach(expr: Expr, step: Step, at: At) -> Expr {
    let whole = expr.at.to(at);
    match expr.node {
        Node::Path { root, mut steps } => {
            steps.push((step, at));
            Expr {
                node: Node::Path { root, steps },
                at: whole,
            }
        }
        node => {
            let base = Box::new(Expr { node, at: expr.at });
            let node = match step {
                Step::Field(name) => Node::Field(base, name),
                Step::Index(index) => Node::Index(base, Box::new(index)),
                Step::Splat => Node::Index(
                    base,
                    Box::new(Expr {
                        node: Node::Lit(Value::String("*".into())),
                        at,
                    }),
                ),
            };
            Expr { node, at: whole }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Expr {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn precedence_and_associativity() {
        let e = ok("1 + 2 * 3 == 7 && !false || x ? a : b ? c : d");
        assert!(matches!(e.node, Node::Cond(..)), "{e:?}");
        let e = ok("a - b - c");
        let Node::Binary(Binary::Sub, left, _) = e.node else {
            panic!("{e:?}")
        };
        assert!(matches!(left.node, Node::Binary(Binary::Sub, ..)));
    }

    #[test]
    fn names_with_dashes_and_paths() {
        let e = ok("ssh-key.main.name");
        let Node::Path { root, steps } = e.node else {
            panic!()
        };
        assert_eq!(root, "ssh-key");
        assert_eq!(steps.len(), 2);
        let e = ok("var.sizes[count.index + 1]");
        let Node::Path { steps, .. } = e.node else {
            panic!()
        };
        assert!(matches!(steps[1].0, Step::Index(_)));
        assert!(matches!(ok("a -1").node, Node::Binary(Binary::Sub, ..)));
    }

    #[test]
    fn errors_point_at_the_offending_part() {
        let e = parse("1 + * 2").expect_err("syntax");
        assert_eq!((e.at.start, e.at.end), (4, 5));
        let e = parse("f(1, 2").expect_err("unclosed");
        assert!(e.message.contains("`)`"), "{e:?}");
        let deep = "(".repeat(500) + "1" + &")".repeat(500);
        assert!(parse(&deep).is_err());
        let deep = "!".repeat(5000) + "true";
        assert!(parse(&deep).is_err());
        assert!(parse("").is_err());
        assert!(parse("{a = 1, \"b\": [1, 2,],}").is_ok());
    }
}
