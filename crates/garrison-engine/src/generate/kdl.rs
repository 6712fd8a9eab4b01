//! KDL v2 text for generated configs: string literals that read back exactly (KDL escapes,
//! Garrison's `$${` for a literal `${`), multi-line strings for multi-line text, references
//! and `//` comments that no value can break out of.

use garrison_config::model::Address;

/// The column comments are wrapped at.
const WIDTH: usize = 96;

/// A quoted string value that evaluates to `s` (a literal `${` written `$${`).
pub(super) fn string(s: &str) -> String {
    quoted(&s.replace("${", "$${"))
}

/// A quoted KDL string holding exactly `s` (no template escaping: references, import
/// blocks, comments).
pub(super) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, false);
    }
    out.push('"');
    out
}

/// `(ref)"KIND.NAME"`.
pub(super) fn reference(address: &Address) -> String {
    format!("(ref){}", quoted(&address.to_string()))
}

/// A string value for text that may span lines: a multi-line string (`"""`) indented by
/// `indent` when `s` has a line break, else a quoted string. Either evaluates to `s`.
pub(super) fn text(s: &str, indent: &str) -> String {
    if !s.contains('\n') {
        return string(s);
    }
    let s = s.replace("${", "$${");
    let mut out = String::from("\"\"\"\n");
    for line in s.split('\n') {
        if !line.is_empty() {
            out.push_str(indent);
            push_line(&mut out, line);
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str("\"\"\"");
    out
}

/// One line of a multi-line string: never three literal quotes in a row, and trailing
/// whitespace escaped (a reader's editor may strip it, and a whitespace-only line would
/// read back empty).
fn push_line(out: &mut String, line: &str) {
    let keep = line.trim_end_matches([' ', '\t']).len();
    let mut previous_quote = false;
    for (i, c) in line.char_indices() {
        if i >= keep {
            out.push_str(if c == ' ' { "\\s" } else { "\\t" });
            previous_quote = false;
            continue;
        }
        if c == '"' {
            out.push_str(if previous_quote { "\\\"" } else { "\"" });
            previous_quote = !previous_quote;
            continue;
        }
        previous_quote = false;
        push_escaped(out, c, true);
    }
}

/// `c` as it is written inside a quoted string (`"` only when `in_multiline` is false).
fn push_escaped(out: &mut String, c: char, in_multiline: bool) {
    match c {
        '\\' => out.push_str("\\\\"),
        '"' if !in_multiline => out.push_str("\\\""),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' if !in_multiline => out.push_str("\\t"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        c if needs_unicode_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}

/// Characters KDL forbids in a document, or reads as a line break, or that hide text from a
/// reader (bidirectional controls): written as `\u{...}`.
fn needs_unicode_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// `text` as `//` comment lines indented by `indent`, wrapped at word boundaries. Text from
/// the cloud must come quoted ([`quoted`]), so it holds no line break.
pub(super) fn comment(text: &str, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = format!("{indent}//");
    let empty = line.len();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if line.len() > empty && line.len() + 1 + word.len() > WIDTH {
            lines.push(std::mem::replace(&mut line, format!("{indent}//")));
        }
        line.push(' ');
        line.push_str(word);
    }
    if line.len() > empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_kdl_and_templates_would_read() {
        assert_eq!(string(r#"a "b" \ ${x}"#), r#""a \"b\" \\ $${x}""#);
        assert_eq!(quoted("a\nb\u{202E}\u{0}"), r#""a\nb\u{202e}\u{0}""#);
        assert_eq!(quoted("café 日本"), "\"café 日本\"");
    }

    #[test]
    fn multi_line_text_keeps_quotes_and_trailing_space_readable() {
        let t = text("echo \"\"\"x\nend  \n\n", "    ");
        assert_eq!(
            t,
            "\"\"\"\n    echo \"\\\"\"x\n    end\\s\\s\n\n\n    \"\"\""
        );
    }

    #[test]
    fn comments_wrap_and_never_start_a_node() {
        let long = "word ".repeat(40);
        let lines = comment(&long, "");
        assert!(lines.len() > 1);
        assert!(lines
            .iter()
            .all(|l| l.starts_with("// ") && l.len() <= WIDTH));
    }
}
