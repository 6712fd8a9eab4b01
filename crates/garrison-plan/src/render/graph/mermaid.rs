//! A [`Diagram`] as a Mermaid flowchart: ids made of `[A-Za-z0-9_]` only (unique, derived
//! from the keys), labels quoted with Mermaid's entity codes for what would end or mark up
//! a label, nodes toned by class.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{Diagram, Tone};

/// Words a Mermaid flowchart reads as syntax, never used as an id.
const RESERVED: &[&str] = &[
    "end",
    "graph",
    "flowchart",
    "subgraph",
    "direction",
    "style",
    "class",
    "classdef",
    "click",
    "linkstyle",
    "call",
    "href",
    "default",
];

/// The diagram as a `flowchart`, nodes then edges (each sorted by key), then the classes.
pub fn to_mermaid(diagram: &Diagram) -> String {
    let ids = ids(diagram);
    let id = |key: &str| ids.get(key).map_or("", String::as_str);
    let mut out = String::from("flowchart BT\n");
    for (key, node) in diagram.nodes() {
        let class = node
            .tone
            .class()
            .map(|c| format!(":::{c}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {}[\"{}\"]{class}", id(key), label(&node.label));
    }
    for (from, to) in diagram.edges() {
        let _ = writeln!(out, "  {} --> {}", id(from), id(to));
    }
    for tone in diagram.tones() {
        if let (Some(class), Some(style)) = (tone.class(), class_style(tone)) {
            let _ = writeln!(out, "  classDef {class} {style}");
        }
    }
    out
}

/// The look of a tone's class.
fn class_style(tone: Tone) -> Option<&'static str> {
    match tone {
        Tone::Plain => None,
        Tone::Create => Some("fill:#e3f4e1,stroke:#2e7d32,color:#1b5e20"),
        Tone::Update => Some("fill:#fff4c2,stroke:#b58900,color:#5c4400"),
        Tone::Destroy => Some("fill:#fbe0de,stroke:#c62828,color:#8e0000,stroke-width:2px"),
    }
}

/// A Mermaid id per key: the key with every run of other characters made one `_`; a
/// reserved word or an id taken already gets `_2`, `_3`, ... (keys in sorted order).
fn ids(diagram: &Diagram) -> BTreeMap<String, String> {
    let mut used = BTreeSet::new();
    let mut ids = BTreeMap::new();
    for (key, _) in diagram.nodes() {
        let base = sanitize(key);
        let mut id = base.clone();
        let mut n = 1;
        while used.contains(&id) || RESERVED.contains(&id.to_ascii_lowercase().as_str()) {
            n += 1;
            id = format!("{base}_{n}");
        }
        used.insert(id.clone());
        ids.insert(key.to_string(), id);
    }
    ids
}

/// `ssh-key.laptop` -> `ssh_key_laptop`, `vm.web["a"]` -> `vm_web_a`; never empty.
pub(crate) fn sanitize(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_end_matches('_');
    if trimmed.is_empty() {
        "node".to_string()
    } else {
        trimmed.to_string()
    }
}

/// A label's text inside `["..."]`: `#`, `"`, `<`, `>` and `&` as entity codes (`#quot;`),
/// line breaks as spaces.
pub(crate) fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
