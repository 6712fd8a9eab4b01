//! Why policies could not be evaluated (a broken policy is not a passed one).

use miette::Diagnostic;
use thiserror::Error;

/// A Rego file that does not parse, or a `deny` rule that fails or yields something else
/// than messages.
#[derive(Debug, Error, Diagnostic)]
pub enum PolicyError {
    /// The file is not valid Rego.
    #[error("policy `{file}` does not parse: {message}")]
    #[diagnostic(
        code(garrison::policy::parse),
        help("policies are Rego v1 (`deny contains msg if {{ ... }}`) in package `garrison`")
    )]
    Parse { file: String, message: String },
    /// Evaluating `data.garrison.deny` failed.
    #[error("evaluating the policies failed: {message}")]
    #[diagnostic(
        code(garrison::policy::eval),
        help("`deny` must be a set of strings (or objects with a `msg`), computed from `input`, the plan JSON")
    )]
    Eval { message: String },
}
