//! Redacting PostgreSQL connection strings (URL or `key=value` form) for messages.

/// `url` with its password replaced by `***`: the `user:password@` part of a URL and any
/// `password=...` parameter (URL query or `key=value` string). Everything else is kept.
pub(crate) fn redact_url(url: &str) -> String {
    let mut out = redact_userinfo(url);
    out = redact_password_params(&out);
    out
}

/// Replace `secret` wherever it appears in `message` (driver messages should never echo
/// it, but a redacted message costs nothing).
pub(crate) fn scrub(message: &str, secret: Option<&str>) -> String {
    match secret {
        Some(s) if !s.is_empty() => message.replace(s, "***"),
        _ => message.to_string(),
    }
}

fn redact_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return url.to_string();
    };
    format!(
        "{}{}:***{}",
        &url[..rest_start],
        &userinfo[..colon],
        &url[rest_start + at..]
    )
}

fn redact_password_params(s: &str) -> String {
    const KEY: &str = "password=";
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    while let Some(found) = lower[pos..].find(KEY) {
        let key_start = pos + found;
        let starts_param =
            key_start == 0 || matches!(s.as_bytes()[key_start - 1], b'?' | b'&' | b' ' | b'\t');
        let value_start = key_start + KEY.len();
        if !starts_param {
            out.push_str(&s[pos..value_start]);
            pos = value_start;
            continue;
        }
        out.push_str(&s[pos..value_start]);
        out.push_str("***");
        pos = value_end(s, value_start);
    }
    out.push_str(&s[pos..]);
    out
}

/// End of a parameter value: a quoted `'...'` (with `\'` escapes) or up to `&`/whitespace.
fn value_end(s: &str, start: usize) -> usize {
    let bytes = s.as_bytes();
    if bytes.get(start) == Some(&b'\'') {
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'\'' => return i + 1,
                _ => i += 1,
            }
        }
        return bytes.len();
    }
    bytes[start..]
        .iter()
        .position(|b| matches!(b, b'&' | b' ' | b'\t'))
        .map_or(bytes.len(), |i| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_every_form() {
        let cases = [
            (
                "postgres://garrison:s3cret@127.0.0.1:5432/db",
                "postgres://garrison:***@127.0.0.1:5432/db",
            ),
            (
                "postgresql://u:p%40ss@h/db?sslmode=disable&password=x",
                "postgresql://u:***@h/db?sslmode=disable&password=***",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            (
                "host=h user=u password='a b\\'c' dbname=d",
                "host=h user=u password=*** dbname=d",
            ),
            ("host=h password=abc", "host=h password=***"),
            ("host=h mypassword=abc", "host=h mypassword=abc"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact_url(input), expected, "{input}");
        }
    }

    #[test]
    fn scrub_replaces_the_secret() {
        assert_eq!(scrub("bad s3cret here", Some("s3cret")), "bad *** here");
        assert_eq!(scrub("nothing", Some("")), "nothing");
        assert_eq!(scrub("nothing", None), "nothing");
    }
}
