//! The expression language of `(expr)"..."` values and of `${...}` in strings
//! (docs/language.md, "Expressions"): literals, references, `a ? b : c`, arithmetic,
//! comparisons, `&&` `||` `!`, indexing and the standard library (`funcs/`). Typed:
//! every error is a diagnostic at the offending part. Bounded: nesting, value sizes and
//! `range` are limited (`limits.rs`); the one loop, `for`, walks a value already built, so
//! evaluation always ends.
//! Public: only [`FUNCTIONS`], the names of the standard library (for editors).

mod ast;
mod error;
mod files;
mod for_expr;
mod funcs;
mod lex;
mod parse;
mod run;
mod value;

pub use funcs::NAMES as FUNCTIONS;
pub(crate) use parse::parse;
pub(crate) use run::{Mapper, Runner};
