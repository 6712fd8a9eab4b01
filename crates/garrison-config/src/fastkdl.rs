//! A fast path for loading: a hand-written parser for the common subset of KDL v2 that
//! config files use, building the loader's tree (`tree/`: the same values, type annotations
//! and spans as the `kdl` crate's parser gives), about 10x faster.
//!
//! It accepts only what it fully understands: bare identifiers and quoted strings (simple
//! escapes), decimal integers, `#true`/`#false`/`#null`, `(type)` annotations, properties,
//! children blocks, `//` comments, `;`, `\n` and `\r\n`. Anything else (raw or multi-line
//! strings, floats, other radixes, block comments, slashdash, line continuations, unusual
//! identifiers, any syntax error) returns `None` and the caller parses with the `kdl` crate,
//! which gives the exact diagnostics. Blocks nested deeper than
//! [`MAX_NESTING`](crate::limits::MAX_NESTING) are declined too (the caller refuses them
//! before the `kdl` crate recurses into them). A test checks both parsers agree wherever this one
//! accepts a file. `garrison fmt` always uses the `kdl` crate (it needs formatting details).

use std::borrow::Cow;

use crate::tree::{Builder, Ident, KdlDocument, NewEntry, NewNode, NodeRec, Run, Val};

/// The document, or `None` when the text is outside the fast subset.
pub fn parse(text: &str) -> Option<KdlDocument> {
    parse_or_position(text).ok()
}

/// The document, or the byte offset where the fast path gave up (an unsupported construct
/// or a syntax error starts there, or soon after).
pub fn parse_or_position(text: &str) -> Result<KdlDocument, usize> {
    if text.starts_with('\u{feff}') {
        return Err(0);
    }
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
        out: Builder::for_text(text),
        pending: Vec::new(),
    };
    match p.nodes(false) {
        Some(root) if p.i == p.b.len() => Ok(p.out.finish(root)),
        _ => Err(p.i.min(text.len())),
    }
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// How many `{` blocks are open.
    depth: usize,
    /// The document being built.
    out: Builder,
    /// The nodes of the open blocks, innermost last (a block's are moved to the document,
    /// contiguous, when it closes).
    pending: Vec<NodeRec>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    /// Spaces and tabs; whether any were skipped.
    fn skip_ws(&mut self) -> bool {
        let start = self.i;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        self.i > start
    }

    /// Whitespace, newlines and `//` comments between nodes. `None` on anything the fast
    /// path leaves to the `kdl` crate.
    fn skip_line_space(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.i += 1,
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => self.i += 2,
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.skip_line_comment()?,
                Some(b'/' | b'\\' | b'\r') => return None,
                Some(c) if c >= 0x80 => return None, // unicode whitespace or a stray char
                _ => return Some(()),
            }
        }
    }

    /// A `//` comment up to (not including) its newline.
    fn skip_line_comment(&mut self) -> Option<()> {
        while let Some(c) = self.peek() {
            match c {
                b'\n' => return Some(()),
                b'\r' if self.peek_at(1) == Some(b'\n') => return Some(()),
                // Other line breaks (CR, FF) end a comment in KDL: leave them.
                b'\r' | 0x0c => return None,
                c if c < 0x20 && c != b'\t' || c == 0x7f => return None,
                c if c >= 0x80 => self.i += self.plain_char()?,
                _ => self.i += 1,
            }
        }
        Some(())
    }

    fn nodes(&mut self, in_children: bool) -> Option<Run> {
        let mark = self.pending.len();
        loop {
            self.skip_line_space()?;
            match self.peek() {
                None if in_children => return None,
                None => break,
                Some(b'}') if in_children => break,
                Some(b'}') => return None,
                Some(_) => {
                    let node = self.node()?;
                    self.pending.push(node);
                }
            }
        }
        Some(self.out.block(self.pending.drain(mark..)))
    }

    fn node(&mut self) -> Option<NodeRec> {
        let start = self.i;
        let ty = if self.peek() == Some(b'(') {
            Some(self.ty()?)
        } else {
            None
        };
        let name = self.identifier()?;
        let mark = self.out.entries_mark();
        let mut entries = None;
        let mut children = None;
        loop {
            let had_space = self.skip_ws();
            match self.peek() {
                None | Some(b'\n' | b';' | b'}') => break,
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => break,
                Some(b'/') if self.peek_at(1) == Some(b'/') => break,
                Some(b'{') => {
                    if self.depth >= crate::limits::MAX_NESTING {
                        return None;
                    }
                    self.i += 1;
                    self.depth += 1;
                    entries = Some(self.out.entries_since(mark));
                    let block = self.nodes(true)?;
                    self.depth -= 1;
                    if self.peek() != Some(b'}') {
                        return None;
                    }
                    self.i += 1;
                    children = Some(block);
                    self.skip_ws();
                    match self.peek() {
                        None | Some(b'\n' | b';' | b'}') => break,
                        Some(b'\r') if self.peek_at(1) == Some(b'\n') => break,
                        Some(b'/') if self.peek_at(1) == Some(b'/') => break,
                        _ => return None,
                    }
                }
                Some(_) if had_space => self.entry()?,
                Some(_) => return None,
            }
        }
        let node = Builder::node(NewNode {
            name,
            ty,
            entries: entries.unwrap_or_else(|| self.out.entries_since(mark)),
            children,
            offset: start,
            len: self.i - start,
        });
        match self.peek() {
            Some(b';' | b'\n') => self.i += 1,
            Some(b'\r') => self.i += 2,
            _ => {}
        }
        Some(node)
    }

    /// `(name)` with nothing inside but the name.
    fn ty(&mut self) -> Option<Ident> {
        self.i += 1; // (
        let ident = self.identifier()?;
        if self.peek() != Some(b')') {
            return None;
        }
        self.i += 1;
        Some(ident)
    }

    fn entry(&mut self) -> Option<()> {
        let start = self.i;
        let (name, ty, value) = match self.peek()? {
            b'(' => {
                let ty = self.ty()?;
                (None, Some(ty), self.value()?)
            }
            b'"' | b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let key = self.identifier()?;
                if self.peek() == Some(b'=') {
                    self.i += 1;
                    let ty = if self.peek() == Some(b'(') {
                        Some(self.ty()?)
                    } else {
                        None
                    };
                    (Some(key), ty, self.value()?)
                } else {
                    self.terminated()?;
                    (None, None, Val::String(key.text()))
                }
            }
            _ => (None, None, self.value()?),
        };
        self.out.entry(NewEntry {
            name,
            ty,
            value,
            offset: start,
            len: self.i - start,
            repr: None,
        });
        Some(())
    }

    /// A value followed by a value terminator.
    fn value(&mut self) -> Option<Val> {
        let value = match self.peek()? {
            b'"' => {
                let s = self.quoted()?.1;
                self.out.string_value(&s)
            }
            b'#' => self.keyword()?,
            b'0'..=b'9' | b'-' | b'+' => self.integer()?,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let s = self.bare()?;
                self.out.string_value(s)
            }
            _ => return None,
        };
        self.terminated()?;
        Some(value)
    }

    /// The next byte ends a value (space, newline, `;`, `{`, `}`, comment, end).
    fn terminated(&self) -> Option<()> {
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\n' | b';' | b'{' | b'}') => Some(()),
            Some(b'\r') if self.peek_at(1) == Some(b'\n') => Some(()),
            Some(b'/') if self.peek_at(1) == Some(b'/') => Some(()),
            _ => None,
        }
    }

    /// A node name, property key or type name: a bare identifier or a quoted string.
    fn identifier(&mut self) -> Option<Ident> {
        let start = self.i;
        let value = match self.peek()? {
            b'"' => self.quoted()?.1,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => Cow::Borrowed(self.bare()?),
            _ => return None,
        };
        Some(self.out.ident(&value, start, self.i - start))
    }

    /// A bare identifier of ASCII letters, digits, `-`, `_`, `.`; not a v1 keyword.
    fn bare(&mut self) -> Option<&'a str> {
        let start = self.i;
        while matches!(
            self.peek(),
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.')
        ) {
            self.i += 1;
        }
        let word = &self.s[start..self.i];
        // Bare keywords are KDL v1 (or errors): the `kdl` crate and the v1 detector report them.
        if matches!(word, "true" | "false" | "null" | "inf" | "nan") {
            return None;
        }
        // Anything else glued on (`:`, `+`, unicode) is left to the full parser.
        match self.peek() {
            Some(c) if c.is_ascii_alphanumeric() || c >= 0x80 => None,
            Some(b'=' | b')' | b' ' | b'\t' | b'\n' | b'\r' | b';' | b'{' | b'}' | b'/') | None => {
                Some(word)
            }
            Some(_) => None,
        }
    }

    /// A quoted single-line string with simple escapes: `(start, value)`, borrowed from
    /// the text when it has no escapes.
    fn quoted(&mut self) -> Option<(usize, Cow<'a, str>)> {
        let start = self.i;
        self.i += 1; // "
        let mut out = String::new();
        let mut run = self.i;
        loop {
            match self.peek()? {
                b'"' => {
                    let s = self.s;
                    let value = if out.is_empty() && run == start + 1 {
                        Cow::Borrowed(&s[run..self.i])
                    } else {
                        out.push_str(&s[run..self.i]);
                        Cow::Owned(out)
                    };
                    self.i += 1;
                    return Some((start, value));
                }
                b'\\' => {
                    out.push_str(&self.s[run..self.i]);
                    let c = match self.peek_at(1)? {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'"' => '"',
                        b'\\' => '\\',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b's' => ' ',
                        _ => return None, // \u{..}, whitespace escapes: the full parser
                    };
                    out.push(c);
                    self.i += 2;
                    run = self.i;
                }
                b'\n' | b'\r' => return None,
                c if c < 0x20 || c == 0x7f => return None,
                c if c >= 0x80 => self.i += self.plain_char()?,
                _ => self.i += 1,
            }
        }
    }

    /// The byte length of the non-ASCII character here, unless KDL gives it a meaning or
    /// forbids it (line breaks, direction marks, BOM): then `None`, for the full parser.
    fn plain_char(&self) -> Option<usize> {
        let c = self.s[self.i..].chars().next()?;
        let special = matches!(
            c,
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{200E}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        );
        (!special).then(|| c.len_utf8())
    }

    /// `#true`, `#false`, `#null`.
    fn keyword(&mut self) -> Option<Val> {
        let rest = &self.s[self.i..];
        let (value, len) = if rest.starts_with("#true") {
            (Val::Bool(true), 5)
        } else if rest.starts_with("#false") {
            (Val::Bool(false), 6)
        } else if rest.starts_with("#null") {
            (Val::Null, 5)
        } else {
            return None;
        };
        self.i += len;
        Some(value)
    }

    /// A decimal integer (`_` separators allowed); floats and other radixes are left to the
    /// full parser. Like the `kdl` crate, the magnitude must fit in an `i128` before the
    /// sign is applied (so `i128::MIN` is declined).
    fn integer(&mut self) -> Option<Val> {
        let negative = self.peek() == Some(b'-');
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.i += 1;
        }
        let start = self.i;
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return None;
        }
        while matches!(self.peek(), Some(b'0'..=b'9' | b'_')) {
            self.i += 1;
        }
        let digits: String = self.s[start..self.i]
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let n: i128 = digits.parse().ok()?;
        Some(self.out.integer(if negative { -n } else { n }))
    }
}
