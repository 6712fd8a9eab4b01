//! A panic is a bug, never an interruption: the hook prints one line,
//! `error: internal error: MESSAGE (this is a bug, please report it)`, with secrets from
//! the environment redacted and no backtrace unless `RUST_BACKTRACE` asks for one, and
//! records that a panic happened so that a run's summary says "internal error" (a step's
//! panicked task leaves its dependents "cancelled", the same word a Ctrl-C leaves).
//! `main` turns a panic of the command itself into the internal exit code.
//!
//! Debug builds only: `GARRISON_DEBUG_PANIC=MESSAGE` panics at the start of the command,
//! so the tests can check all this through the binary (docs/cli.md, maintainer note).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::console::write_stderr;
use crate::failure::one_line;

/// Set by the hook: some thread (a step's task, say) panicked.
static PANICKED: AtomicBool = AtomicBool::new(false);

/// The longest message the hook prints, in characters.
const MAX_MESSAGE: usize = 1000;

/// Whether anything panicked in this process so far (a bug, whatever else happened).
pub(crate) fn happened() -> bool {
    PANICKED.load(Ordering::SeqCst)
}

/// Installs the hook (before anything else runs). Writes ignore a closed stderr: a panic
/// while panicking would abort.
pub(crate) fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        PANICKED.store(true, Ordering::SeqCst);
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        let secrets = environment_secrets(std::env::vars_os());
        write_stderr(format_args!("{}\n", line(&payload, &secrets)));
        if backtrace_wanted(std::env::var_os("RUST_BACKTRACE")) {
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let trace = std::backtrace::Backtrace::force_capture();
            write_stderr(format_args!("  at {at}\n{trace}\n"));
        }
    }));
}

/// Debug builds: panics when `GARRISON_DEBUG_PANIC` is set (its value is the message).
#[cfg(debug_assertions)]
pub(crate) fn debug_trigger() {
    if let Some(message) = std::env::var_os("GARRISON_DEBUG_PANIC") {
        panic!(
            "GARRISON_DEBUG_PANIC: {}",
            message.to_string_lossy().into_owned()
        );
    }
}

/// Release builds have no way to panic on purpose.
#[cfg(not(debug_assertions))]
pub(crate) fn debug_trigger() {}

/// The one line the hook prints.
fn line(payload: &str, secrets: &[String]) -> String {
    let mut message = one_line(&redact(payload, secrets));
    if message.chars().count() > MAX_MESSAGE {
        message = message.chars().take(MAX_MESSAGE).collect::<String>() + "...";
    }
    format!("error: internal error: {message} (this is a bug, please report it)")
}

fn backtrace_wanted(value: Option<std::ffi::OsString>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0")
}

/// Values in the environment that must never be printed: the API key, variables
/// (`GARRISON_VAR_*`, sensitive or not: the hook cannot tell) and anything named like a
/// key, token, secret, password or URL (a PostgreSQL URL carries its password). Values
/// shorter than 4 characters are left alone (redacting `1` everywhere helps nobody).
fn environment_secrets(
    vars: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> Vec<String> {
    const NAMED: [&str; 7] = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "URL", "DSN"];
    let mut secrets: Vec<String> = vars
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
        .filter(|(name, _)| {
            let upper = name.to_ascii_uppercase();
            upper.starts_with("GARRISON_VAR_") || NAMED.iter().any(|n| upper.contains(n))
        })
        .map(|(_, value)| value)
        .filter(|value| value.trim().len() >= 4)
        .collect();
    // The longest first, so a secret containing another is redacted whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

/// `text` with every secret, and the password of any `scheme://user:password@host`,
/// replaced by `[redacted]`.
fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        out = out.replace(secret.as_str(), "[redacted]");
    }
    redact_url_passwords(&out)
}

fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail.find(['/', ' ', '\n', '?', '#']).unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..=colon]);
                out.push_str("[redacted]");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<String> {
        environment_secrets(
            pairs
                .iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        )
    }

    /// The key, variables and URL passwords never reach the line; the line is one line.
    #[test]
    fn the_line_carries_no_secret() {
        let secrets = env(&[
            ("BARRACK_API_KEY", "sk-live-123456"),
            ("GARRISON_VAR_hf_token", "hf_abcdef"),
            ("GARRISON_PG_URL", "postgres://u:pw@db/x"),
            ("HOME", "/home/someone"),
            ("FLAG_KEY", "1"),
        ]);
        let got = line(
            "request with sk-live-123456 and hf_abcdef failed\nto postgres://admin:hunter2@db:5432/prod",
            &secrets,
        );
        assert_eq!(
            got,
            "error: internal error: request with [redacted] and [redacted] failed; to postgres://admin:[redacted]@db:5432/prod (this is a bug, please report it)"
        );
        assert!(!secrets.iter().any(|s| s == "/home/someone" || s == "1"));
        assert_eq!(
            redact_url_passwords("http://host/path and https://u@h"),
            "http://host/path and https://u@h"
        );
    }

    /// A huge message is cut; `RUST_BACKTRACE=0` or empty asks for no backtrace.
    #[test]
    fn long_messages_are_cut_and_backtraces_are_opt_in() {
        let got = line(&"x".repeat(5000), &[]);
        assert!(got.len() < MAX_MESSAGE + 100, "{}", got.len());
        assert!(got.ends_with("... (this is a bug, please report it)"));
        assert!(!backtrace_wanted(None));
        assert!(!backtrace_wanted(Some("0".into())));
        assert!(!backtrace_wanted(Some("".into())));
        assert!(backtrace_wanted(Some("1".into())));
        assert!(backtrace_wanted(Some("full".into())));
    }
}
