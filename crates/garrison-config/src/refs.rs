//! The syntax of references (`var.x`, `vm.a[0].name`, `volume.d[*]`) and of `${...}`
//! templates.

/// One step after the root of a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// `.name`
    Field(String),
    /// `[3]`
    Index(u32),
    /// `["key"]`
    Key(String),
    /// `[*]`
    Splat,
}

/// A parsed reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefPath {
    pub(crate) root: String,
    pub(crate) segs: Vec<Seg>,
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Parses `ROOT(.FIELD|[N]|["k"]|[*])*`.
pub(crate) fn parse_ref(s: &str) -> Result<RefPath, String> {
    let s = s.trim();
    let mut chars = s.char_indices().peekable();
    let ident = |start: usize, chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
        let mut end = start;
        while let Some((i, c)) = chars.peek().copied() {
            if is_ident(c) {
                end = i + c.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        s[start..end].to_owned()
    };
    let root = ident(0, &mut chars);
    if root.is_empty() {
        return Err(format!("`{s}` does not start with a name"));
    }
    let mut segs = Vec::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '.' => {
                let f = ident(i + 1, &mut chars);
                if f.is_empty() {
                    return Err(format!("expected a name after `.` in `{s}`"));
                }
                segs.push(Seg::Field(f));
            }
            '[' => {
                let rest = &s[i + 1..];
                let close = if let Some(quoted) = rest.strip_prefix('"') {
                    quoted.find('"').map(|p| p + 2)
                } else {
                    rest.find(']')
                };
                let Some(close) = close else {
                    return Err(format!("unclosed `[` in `{s}`"));
                };
                let inner = &rest[..close];
                if !rest[close..].starts_with(']') {
                    return Err(format!("expected `]` in `{s}`"));
                }
                let seg = if inner == "*" {
                    Seg::Splat
                } else if let Some(k) = inner.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
                    Seg::Key(k.to_owned())
                } else {
                    Seg::Index(
                        inner
                            .parse()
                            .map_err(|_| format!("`[{inner}]` is not an index in `{s}`"))?,
                    )
                };
                segs.push(seg);
                // skip the consumed chars
                let end = i + 1 + close + 1;
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            other => return Err(format!("unexpected `{other}` in `{s}`")),
        }
    }
    Ok(RefPath { root, segs })
}

/// A piece of a template string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Ref(String),
}

/// Whether `s` contains a `${...}` interpolation (`$${` is an escaped literal `${`).
pub(crate) fn is_template(s: &str) -> bool {
    s.contains("${")
}

/// Splits a template into text and `${...}` references.
pub(crate) fn parse_template(s: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        text.push_str(&rest[..pos]);
        let after = &rest[pos..];
        if let Some(r) = after.strip_prefix("$${") {
            text.push_str("${");
            rest = r;
        } else if let Some(r) = after.strip_prefix("${") {
            let Some(end) = r.find('}') else {
                return Err("unclosed `${` in template".to_owned());
            };
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Ref(r[..end].trim().to_owned()));
            rest = &r[end + 1..];
        } else {
            text.push('$');
            rest = &after[1..];
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs() {
        let r = parse_ref("vm.trainer[*].public-ip").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.root, "vm");
        assert_eq!(
            r.segs,
            vec![
                Seg::Field("trainer".into()),
                Seg::Splat,
                Seg::Field("public-ip".into())
            ]
        );
        let r = parse_ref("vm.x[\"a.b\"].name").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.segs[1], Seg::Key("a.b".into()));
        assert!(parse_ref("vm.").is_err());
        assert!(parse_ref("vm.x[").is_err());
        assert!(parse_ref("vm x").is_err());
    }

    #[test]
    fn templates() {
        assert_eq!(
            parse_template("a-${ local.p }-$${x}").unwrap_or_default(),
            vec![
                Piece::Text("a-".into()),
                Piece::Ref("local.p".into()),
                Piece::Text("-${x}".into())
            ]
        );
        assert!(parse_template("${oops").is_err());
    }
}
