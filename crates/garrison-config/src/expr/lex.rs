//! Tokens of the expression language. Names may contain `-` (as in `ssh-key.k` and
//! `var.hf-token`), so subtraction needs a space or a non-name character before the
//! minus: `a - 1`, as in HCL.

use super::ast::At;
use super::error::ExprError;

/// A token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Num(serde_json::Number),
    Str(String),
    Ident(String),
    /// Punctuation and operators: `( ) [ ] { } , . ? : = + - * / % ! == != < <= > >= && ||`.
    Sym(&'static str),
}

const SYMBOLS: [&str; 26] = [
    "=>", "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", "{", "}", ",", ".", "?", ":",
    "=", "+", "-", "*", "/", "%", "!", "<", ">",
];

/// The tokens of `text`, each with its range.
pub(crate) fn lex(text: &str) -> Result<Vec<(Tok, At)>, ExprError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_digit() {
            let (tok, end) = number(text, i)?;
            i = end;
            tok
        } else if c == b'"' {
            let (s, end) = string(text, i)?;
            i = end;
            Tok::Str(s)
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = ident_end(bytes, i);
            let name = text[i..end].to_string();
            i = end;
            Tok::Ident(name)
        } else if let Some(sym) = SYMBOLS.iter().find(|s| text[i..].starts_with(**s)) {
            i += sym.len();
            Tok::Sym(sym)
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            return Err(ExprError::at(
                start,
                start + ch.len_utf8(),
                format!("unexpected character `{ch}`"),
            ));
        };
        out.push((tok, At { start, end: i }));
    }
    Ok(out)
}

/// A name continues over letters, digits, `_`, and `-` followed by a letter or `_`.
fn ident_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        let c = bytes[i];
        let dash_in_name = c == b'-'
            && bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'_');
        if c.is_ascii_alphanumeric() || c == b'_' || dash_in_name {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn number(text: &str, start: usize) -> Result<(Tok, usize), ExprError> {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let mut float = false;
    if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
        float = true;
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    let digits = &text[start..i];
    let bad = || {
        ExprError::at(
            start,
            i,
            format!("`{digits}` is not a number this language holds"),
        )
    };
    let n = if float {
        let f: f64 = digits.parse().map_err(|_| bad())?;
        serde_json::Number::from_f64(f).ok_or_else(bad)?
    } else {
        serde_json::Number::from(digits.parse::<i64>().map_err(|_| bad())?)
    };
    Ok((Tok::Num(n), i))
}

/// A double-quoted string with `\"`, `\\`, `\n`, `\t` and `\r` escapes.
fn string(text: &str, start: usize) -> Result<(String, usize), ExprError> {
    let mut out = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        let at = start + 1 + off;
        match ch {
            '"' => return Ok((out, at + 1)),
            '\\' => match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, other)) => {
                    return Err(ExprError::at(
                        at,
                        at + 1 + other.len_utf8(),
                        format!("unknown escape `\\{other}`"),
                    ))
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(ExprError::at(
        start,
        text.len(),
        "unclosed string: add `\"`",
    ))
}
