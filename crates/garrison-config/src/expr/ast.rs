//! The syntax tree of an expression, each node with its byte range in the expression text
//! (so a diagnostic points at the offending part).

use serde_json::Value;

/// A byte range in the expression text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct At {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl At {
    pub(crate) fn to(self, other: At) -> At {
        At {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A unary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unary {
    Not,
    Neg,
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binary {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl Binary {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Binary::Or => "||",
            Binary::And => "&&",
            Binary::Eq => "==",
            Binary::Ne => "!=",
            Binary::Lt => "<",
            Binary::Le => "<=",
            Binary::Gt => ">",
            Binary::Ge => ">=",
            Binary::Add => "+",
            Binary::Sub => "-",
            Binary::Mul => "*",
            Binary::Div => "/",
            Binary::Rem => "%",
        }
    }
}

/// One step of a reference path after its root.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// `.name`
    Field(String),
    /// `[expr]`
    Index(Expr),
    /// `[*]`
    Splat,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A literal: number, string, bool or null.
    Lit(Value),
    /// A reference: `var.x`, `vm.a[count.index].name`, `each.value["k"]`, a bare name
    /// inside `templatefile`.
    Path {
        root: String,
        steps: Vec<(Step, At)>,
    },
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{ k = v, "k2" = v2 }`
    Map(Vec<(String, Expr)>),
    Unary(Unary, Box<Expr>),
    Binary(Binary, Box<Expr>, Box<Expr>),
    /// `c ? a : b`
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`; `name_at` is the function name's range.
    Call {
        name: String,
        name_at: At,
        args: Vec<Expr>,
    },
    /// `(expr)[i]` or `f(x)[i]`: indexing a computed value.
    Index(Box<Expr>, Box<Expr>),
    /// `(expr).name`: a field of a computed value.
    Field(Box<Expr>, String),
    /// `[for v in xs : out if cond]` or `{for k, v in m : key => out if cond}`.
    For(Box<super::for_expr::For>),
}

/// An expression and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    pub(crate) node: Node,
    pub(crate) at: At,
}
