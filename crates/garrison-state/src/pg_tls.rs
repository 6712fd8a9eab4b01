//! libpq's TLS parameters in a PostgreSQL connection string: `sslmode` (disable, allow,
//! prefer, require, verify-ca, verify-full) and `sslrootcert` (a PEM file, or `system`).
//! tokio-postgres knows only three modes, so they are taken out of the string here and
//! `pg_connect.rs` builds the rustls connector they ask for.

use std::path::PathBuf;

/// How much TLS a connection wants (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslMode {
    /// Plaintext only.
    Disable,
    /// TLS when the server offers it, else plaintext; the certificate is not checked
    /// (libpq's default; `allow` is read as this too).
    Prefer,
    /// TLS or nothing; the certificate is not checked.
    Require,
    /// TLS, and the certificate must chain to a trusted root (any host name).
    VerifyCa,
    /// TLS, a trusted chain, and the certificate must name the host connected to.
    VerifyFull,
}

/// Where the trusted roots of `verify-ca`/`verify-full` come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Roots {
    /// `sslrootcert=PATH`: the PEM certificates in that file.
    File(PathBuf),
    /// `sslrootcert=system`, or none given: the Mozilla root program (webpki-roots).
    System,
}

/// The TLS settings of one connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TlsSettings {
    pub(crate) mode: SslMode,
    pub(crate) roots: Roots,
}

/// Splits the TLS parameters out of `url` (a `postgres://` URL or a `key=value` string):
/// returns the string without them, for tokio-postgres, and the settings. Without
/// `sslmode` the mode is libpq's default, `prefer`.
pub(crate) fn split_tls(url: &str) -> Result<(String, TlsSettings), String> {
    let (rest, params) = if url.contains("://") {
        split_url(url)
    } else {
        split_key_values(url)
    };
    let mut settings = TlsSettings {
        mode: SslMode::Prefer,
        roots: Roots::System,
    };
    for (key, value) in params {
        match key.as_str() {
            "sslmode" => settings.mode = mode(&value)?,
            "sslrootcert" if value == "system" => settings.roots = Roots::System,
            "sslrootcert" => settings.roots = Roots::File(PathBuf::from(value)),
            other => {
                return Err(format!(
                    "`{other}` (client certificates) is not supported; authenticate with a password"
                ))
            }
        }
    }
    Ok((rest, settings))
}

/// The parameters this module takes out of the string.
const TAKEN: [&str; 4] = ["sslmode", "sslrootcert", "sslcert", "sslkey"];

fn mode(value: &str) -> Result<SslMode, String> {
    Ok(match value {
        "disable" => SslMode::Disable,
        "allow" | "prefer" => SslMode::Prefer,
        "require" => SslMode::Require,
        "verify-ca" => SslMode::VerifyCa,
        "verify-full" => SslMode::VerifyFull,
        other => {
            return Err(format!(
                "sslmode `{other}` is not one of disable, allow, prefer, require, verify-ca, verify-full"
            ))
        }
    })
}

/// A URL's query parameters in `TAKEN` out, the rest kept in order.
fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), Vec::new());
    };
    let mut kept = Vec::new();
    let mut taken = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if TAKEN.contains(&key) {
            taken.push((key.to_string(), percent_decode(value)));
        } else {
            kept.push(pair);
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, taken)
}

/// A `key=value ...` string's parameters in `TAKEN` out (values may be `'quoted'`).
fn split_key_values(text: &str) -> (String, Vec<(String, String)>) {
    let mut kept = Vec::new();
    let mut taken = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let end = token_end(rest);
        let token = &rest[..end];
        match token.split_once('=') {
            Some((key, value)) if TAKEN.contains(&key.trim()) => {
                taken.push((key.trim().to_string(), unquote(value.trim())));
            }
            _ => kept.push(token),
        }
        rest = rest[end..].trim_start();
    }
    (kept.join(" "), taken)
}

/// The end of the `key=value` token at the start of `s` (a quoted value may hold spaces).
fn token_end(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'\'' => quoted = !quoted,
            b if b.is_ascii_whitespace() && !quoted => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

fn unquote(value: &str) -> String {
    let inner = value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .unwrap_or(value);
    inner.replace("\\'", "'").replace("\\\\", "\\")
}

/// `%XX` escapes decoded (a malformed escape is kept as written).
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, rest: &str, mode: SslMode, roots: Roots) {
        let (got_rest, got) = split_tls(url).expect(url);
        assert_eq!(got_rest, rest, "{url}");
        assert_eq!(got, TlsSettings { mode, roots }, "{url}");
    }

    #[test]
    fn takes_the_tls_parameters_out_of_urls_and_key_values() {
        check(
            "postgres://u:p@h/db",
            "postgres://u:p@h/db",
            SslMode::Prefer,
            Roots::System,
        );
        check(
            "postgres://u:p@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=3",
            "postgres://u:p@h/db?connect_timeout=3",
            SslMode::VerifyFull,
            Roots::File("/etc/ca.pem".into()),
        );
        check(
            "postgresql://h/db?sslmode=disable",
            "postgresql://h/db",
            SslMode::Disable,
            Roots::System,
        );
        check(
            "host=h user=u password='a b' sslmode=verify-ca sslrootcert='/my ca.pem' dbname=d",
            "host=h user=u password='a b' dbname=d",
            SslMode::VerifyCa,
            Roots::File("/my ca.pem".into()),
        );
        check(
            "host=h sslmode=require sslrootcert=system",
            "host=h",
            SslMode::Require,
            Roots::System,
        );
    }

    #[test]
    fn refuses_unknown_modes_and_client_certificates() {
        let err = split_tls("postgres://h/db?sslmode=always").expect_err("mode");
        assert!(err.contains("`always`"), "{err}");
        let err = split_tls("host=h sslcert=/c.pem").expect_err("client cert");
        assert!(err.contains("sslcert"), "{err}");
    }
}
