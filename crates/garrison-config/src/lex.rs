//! A tiny KDL v2 scanner that knows only where strings and comments start and end, so that
//! braces can be counted without parsing: the nesting prescan ([`too_deep`]) that keeps
//! hostile input away from recursive parsers, and `fmt`'s search for comments the `kdl`
//! crate does not keep.

use crate::limits::MAX_NESTING;

/// What starts at a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// A quoted, multi-line or raw string, ending before this offset.
    Str(usize),
    /// A `//` comment up to (not including) its newline.
    LineComment(usize),
    /// A `/* */` comment (nested ones included), ending before this offset; `depth` is the
    /// deepest nesting seen.
    BlockComment { end: usize, depth: usize },
    /// An unterminated string or block comment: the rest of the text.
    Unterminated,
}

/// The string or comment starting at `i`, if one does.
pub(crate) fn token_at(b: &[u8], i: usize) -> Option<Token> {
    match (b.get(i)?, b.get(i + 1)) {
        (b'/', Some(b'/')) => {
            let end = b[i..]
                .iter()
                .position(|c| *c == b'\n' || *c == b'\r')
                .map_or(b.len(), |p| i + p);
            Some(Token::LineComment(end))
        }
        (b'/', Some(b'*')) => Some(block_comment(b, i)),
        (b'"', _) => Some(quoted(b, i)),
        (b'#', _) => {
            let hashes = b[i..].iter().take_while(|c| **c == b'#').count();
            (b.get(i + hashes) == Some(&b'"')).then(|| raw(b, i + hashes, hashes))
        }
        _ => None,
    }
}

fn block_comment(b: &[u8], start: usize) -> Token {
    let (mut i, mut depth, mut deepest) = (start + 2, 1usize, 1usize);
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                deepest = deepest.max(depth);
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Token::BlockComment {
                        end: i,
                        depth: deepest,
                    };
                }
            }
            _ => i += 1,
        }
    }
    Token::Unterminated
}

/// `"..."` with escapes, or `"""..."""`.
fn quoted(b: &[u8], start: usize) -> Token {
    let multi = b[start..].starts_with(b"\"\"\"");
    let mut i = start + if multi { 3 } else { 1 };
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' if !multi => return Token::Str(i + 1),
            b'"' if b[i..].starts_with(b"\"\"\"") => return Token::Str(i + 3),
            _ => i += 1,
        }
    }
    Token::Unterminated
}

/// `#"..."#` (any number of hashes; no escapes); `quote` is the offset of the `"`.
fn raw(b: &[u8], quote: usize, hashes: usize) -> Token {
    let mut i = quote + 1;
    while i < b.len() {
        if b[i] == b'"'
            && b[i + 1..]
                .iter()
                .take(hashes)
                .filter(|c| **c == b'#')
                .count()
                == hashes
        {
            return Token::Str(i + 1 + hashes);
        }
        i += 1;
    }
    Token::Unterminated
}

/// The offset of the first `{` (or `/*`) that opens a level deeper than [`MAX_NESTING`],
/// counting braces outside strings and comments. An unterminated string or comment is
/// skipped as a single character, so the braces after it still count.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0, 0usize);
    while i < b.len() {
        match token_at(b, i) {
            Some(Token::Str(end) | Token::LineComment(end)) => i = end,
            Some(Token::BlockComment { end, depth: d }) => {
                if depth + d > MAX_NESTING {
                    return Some(i);
                }
                i = end;
            }
            Some(Token::Unterminated) => i += 1,
            None => {
                match b[i] {
                    b'{' => {
                        depth += 1;
                        if depth > MAX_NESTING {
                            return Some(i);
                        }
                    }
                    b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                i += 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let deep = "{".repeat(MAX_NESTING + 1);
        for text in [
            format!("a \"{deep}\""),
            format!("a \"\"\"\n\"{deep}\n\"\"\""),
            format!("a #\"\"{deep}\"#"),
            format!("a ##\"\"#{deep}\"##"),
            format!("a // {deep}\n"),
            format!("a /* {deep} */"),
            format!("a \"\\\"{deep}\""),
        ] {
            assert_eq!(too_deep(&text), None, "{text}");
        }
        assert_eq!(too_deep(&format!("a {deep}")), Some(2 + MAX_NESTING));
        assert_eq!(too_deep(&format!("a \"{deep}")), Some(3 + MAX_NESTING));
        let comments = "/*".repeat(MAX_NESTING + 1) + &"*/".repeat(MAX_NESTING + 1);
        assert_eq!(too_deep(&comments), Some(0));
    }
}
