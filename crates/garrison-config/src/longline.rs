//! Diagnostics on very long lines: miette prints every source line a label touches (and
//! its neighbours) in full, so a label on a 50 MB string would print 50 MB (and underline
//! it). Such a diagnostic shows its location instead of the source.

use crate::diagnostic::Label;

/// The most source text a rendered diagnostic may show around one label.
const SHOWN_MAX_BYTES: usize = 8 * 1024;

/// Lines shown before and after a label (miette's default is one).
const CONTEXT_LINES: usize = 2;

/// `file:line:column` of the first label, when some label's surroundings are too long
/// to show.
pub(crate) fn hidden_location(text: &str, labels: &[Label]) -> Option<String> {
    let too_long = labels.iter().any(|l| {
        let start = l.span.offset.min(text.len());
        let end = l.span.offset.saturating_add(l.span.len).min(text.len());
        let from = nth_line_start_before(text, start, CONTEXT_LINES);
        let to = nth_line_end_after(text, end, CONTEXT_LINES);
        to - from > SHOWN_MAX_BYTES
    });
    if !too_long {
        return None;
    }
    let first = labels.first()?;
    let before = text.get(..first.span.offset.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some(format!("{}:{line}:{column}", first.span.file.display()))
}

/// The start of the line `n` lines above the one holding `at`.
fn nth_line_start_before(text: &str, at: usize, n: usize) -> usize {
    let mut start = at;
    for _ in 0..=n {
        match text.as_bytes()[..start].iter().rposition(|b| *b == b'\n') {
            Some(p) => start = p,
            None => return 0,
        }
    }
    start + 1
}

/// The end of the line `n` lines below the one holding `at`.
fn nth_line_end_after(text: &str, at: usize, n: usize) -> usize {
    let mut end = at;
    for _ in 0..=n {
        match text.as_bytes()[end..].iter().position(|b| *b == b'\n') {
            Some(p) => end += p + 1,
            None => return text.len(),
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    fn label(offset: usize, len: usize) -> Label {
        Label {
            span: Span {
                file: std::path::Path::new("m.kdl").into(),
                offset,
                len,
            },
            text: String::new(),
        }
    }

    #[test]
    fn only_long_surroundings_are_hidden() {
        let text = format!("a 1\nb \"{}\"\nc 2\n", "x".repeat(20_000));
        assert_eq!(
            hidden_location(&text, &[label(6, 3)]).as_deref(),
            Some("m.kdl:2:3")
        );
        assert_eq!(hidden_location("a 1\nb 2\nc 3\n", &[label(4, 3)]), None);
    }
}
