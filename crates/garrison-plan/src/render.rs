//! Plan rendering for people (text, Markdown) and machines (JSON); the state as text and
//! JSON; graphs of a config or a plan (DOT, Mermaid).

pub mod graph;
pub mod json;
mod markdown;
pub mod rehearsal;
pub mod state;
mod terraform;
mod text;
mod value;

pub use graph::{to_dot, to_mermaid, Diagram};
pub use json::to_json;
pub use markdown::{to_markdown, COMMENT_LIMIT};
pub use state::{state_to_json, state_to_text};
pub use terraform::to_terraform_json;
pub use text::{cost_line, summary_line, to_text, to_text_with, TextStyle};
pub use value::format_value;
