//! Plan rendering for people (text, Markdown) and machines (JSON).

pub mod json;
mod markdown;
mod text;
mod value;

pub use json::to_json;
pub use markdown::to_markdown;
pub use text::{cost_line, summary_line, to_text, to_text_with, TextStyle};
pub use value::format_value;
