//! An expression's own error: a message and the byte range of the expression text it is
//! about (the caller turns it into a labelled diagnostic at the right place in the file).

use super::ast::At;
use crate::diagnostic::Code;

/// What went wrong, where in the expression text, with which diagnostic code.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExprError {
    pub(crate) code: Code,
    pub(crate) at: At,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
}

impl ExprError {
    /// A syntax error (`garrison::config::bad_expression`).
    pub(crate) fn at(start: usize, end: usize, message: impl Into<String>) -> Self {
        Self {
            code: Code::BadExpression,
            at: At { start, end },
            message: message.into(),
            help: None,
        }
    }
}
