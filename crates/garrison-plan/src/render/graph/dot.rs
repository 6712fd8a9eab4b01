//! A [`Diagram`] as Graphviz DOT (`dot -Tsvg`): every id and label quoted and escaped,
//! dependencies drawn above what waits for them, nodes toned by action.

use std::fmt::Write;

use super::{Diagram, Tone};

/// The diagram as a DOT `digraph`, nodes then edges, each sorted.
pub fn to_dot(diagram: &Diagram) -> String {
    let mut out = String::from("digraph garrison {\n");
    out.push_str("  rankdir=\"BT\";\n");
    out.push_str("  node [shape=\"box\", fontname=\"Helvetica\"];\n");
    for (key, node) in diagram.nodes() {
        let _ = writeln!(
            out,
            "  {} [label={}{}];",
            quote(key),
            quote(&node.label),
            style(node.tone)
        );
    }
    for (from, to) in diagram.edges() {
        let _ = writeln!(out, "  {} -> {};", quote(from), quote(to));
    }
    out.push_str("}\n");
    out
}

/// The attributes of a tone, after the label: `, style="filled", ...`.
fn style(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain => "",
        Tone::Create => ", style=\"filled\", color=\"#2e7d32\", fillcolor=\"#e3f4e1\"",
        Tone::Update => ", style=\"filled\", color=\"#b58900\", fillcolor=\"#fff4c2\"",
        Tone::Destroy => ", style=\"filled,bold\", color=\"#c62828\", fillcolor=\"#fbe0de\"",
    }
}

/// A DOT quoted string: `"` and `\` escaped (a label reads `\\` as one backslash), line
/// breaks as `\n`.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
