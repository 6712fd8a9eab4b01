//! Test-only readers of the subset of DOT and Mermaid the renderers write, strict enough to
//! fail on a quote left unescaped, an id with a forbidden character or an edge to nothing:
//! the renderers' output is read back and compared with the diagram drawn.

use std::collections::BTreeMap;

/// What a drawing says: node id -> (label, style class or tone attributes), and edges.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ReadBack {
    pub(crate) nodes: BTreeMap<String, (String, String)>,
    pub(crate) edges: Vec<(String, String)>,
}

/// Reads `digraph NAME { ... }` with one statement per line: `rankdir=...;`,
/// `node [...];`, `ID [label=..., ...];`, `ID -> ID;`. Panics on anything else.
pub(crate) fn read_dot(text: &str) -> ReadBack {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("digraph garrison {"), "{text}");
    let mut back = ReadBack::default();
    let mut closed = false;
    for line in lines {
        assert!(!closed, "text after the closing brace: {line}");
        if line == "}" {
            closed = true;
            continue;
        }
        let stmt = line
            .trim()
            .strip_suffix(';')
            .unwrap_or_else(|| panic!("no `;`: {line}"));
        if stmt.starts_with("rankdir=") || stmt.starts_with("node [") {
            continue;
        }
        let (first, rest) = dot_string(stmt);
        let rest = rest.trim_start();
        if let Some(to) = rest.strip_prefix("-> ") {
            let (second, tail) = dot_string(to);
            assert!(tail.is_empty(), "after an edge: {tail:?}");
            for end in [&first, &second] {
                assert!(
                    back.nodes.contains_key(end),
                    "edge to an undeclared node {end}"
                );
            }
            back.edges.push((first, second));
        } else {
            let attrs = rest
                .strip_prefix("[label=")
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or_else(|| panic!("not a node statement: {line}"));
            let (raw_label, style) = dot_string(attrs);
            let previous = back
                .nodes
                .insert(first, (label_text(&raw_label), style.to_string()));
            assert!(previous.is_none(), "a node declared twice: {line}");
        }
    }
    assert!(closed, "no closing brace");
    back
}

/// A quoted DOT string at the start of `text` as the DOT scanner reads it (`\"` is a quote,
/// `\\` stays two characters), and what follows it.
fn dot_string(text: &str) -> (String, &str) {
    let body = text
        .strip_prefix('"')
        .unwrap_or_else(|| panic!("an unquoted id: {text}"));
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &body[i + 1..]),
            '\\' => match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => panic!("a string ends in a backslash: {text}"),
            },
            '\n' => panic!("a raw line break in a string: {text}"),
            c => out.push(c),
        }
    }
    panic!("an unterminated string: {text}")
}

/// A label as Graphviz shows it: `\\` is a backslash, `\n` a line break.
fn label_text(scanned: &str) -> String {
    let mut out = String::new();
    let mut chars = scanned.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Reads `flowchart BT` with one statement per line: `ID["LABEL"]` with an optional
/// `:::class`, `ID --> ID`, `classDef NAME STYLE`. Panics on anything else.
pub(crate) fn read_mermaid(text: &str) -> ReadBack {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart BT"), "{text}");
    let mut back = ReadBack::default();
    for line in lines {
        let stmt = line
            .strip_prefix("  ")
            .unwrap_or_else(|| panic!("not indented: {line}"));
        if stmt.starts_with("classDef ") {
            continue;
        }
        if let Some((from, to)) = stmt.split_once(" --> ") {
            for end in [from, to] {
                assert!(
                    back.nodes.contains_key(end),
                    "edge to an undeclared node {end}"
                );
            }
            back.edges.push((from.to_string(), to.to_string()));
            continue;
        }
        let (id, rest) = stmt
            .split_once("[\"")
            .unwrap_or_else(|| panic!("not a node: {line}"));
        assert!(
            !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "an id with other characters: {id:?}"
        );
        let (label, class) = rest
            .split_once("\"]")
            .unwrap_or_else(|| panic!("an unterminated label: {line}"));
        assert!(!label.contains('"'), "a quote inside a label: {line}");
        let class = class.strip_prefix(":::").unwrap_or(class);
        let previous = back
            .nodes
            .insert(id.to_string(), (entities(label), class.to_string()));
        assert!(previous.is_none(), "a node declared twice: {line}");
    }
    back
}

/// Mermaid's entity codes back to characters (`#35;` first would undo the others' `#`).
fn entities(label: &str) -> String {
    label
        .replace("#quot;", "\"")
        .replace("#lt;", "<")
        .replace("#gt;", ">")
        .replace("#amp;", "&")
        .replace("#35;", "#")
}
