//! Runs a command and turns its outcome into an exit code, classifying errors for the user:
//! every error is one `error: ...` line (then `caused by:` lines when the cause adds
//! something) and `hint: ...` lines; an internal error says it is a bug.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::Cli;
use crate::commands;

/// Exit codes, documented in the README.
pub(crate) mod codes {
    /// Success, or no changes.
    pub(crate) const OK: u8 = 0;
    /// Any error: config, usage, remote or internal.
    pub(crate) const ERROR: u8 = 1;
    /// `plan --detailed-exitcode`: changes are present.
    pub(crate) const CHANGES: u8 = 2;
    /// A second Ctrl-C aborted the run (128 + SIGINT).
    pub(crate) const ABORTED: u8 = 130;
}

/// The hint every internal error carries.
pub(crate) const BUG_HINT: &str =
    "this is a bug in Garrison, please report it (the state and journal are intact; the next run recovers)";

pub(crate) fn run(cli: Cli) -> ExitCode {
    match commands::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            eprint!("{}", render_error(&report));
            ExitCode::from(codes::ERROR)
        }
    }
}

/// `error: CAUSE [code]`, `caused by:` lines that add something, then `hint:` lines. The
/// stable code (when the error has one) stays visible, as in a graphical diagnostic.
pub(crate) fn render_error(report: &miette::Report) -> String {
    let top = report.to_string();
    let code = report.code().map(|c| format!(" [{c}]")).unwrap_or_default();
    let mut out = format!("error: {}{code}\n", one_line(&top));
    let mut seen = top;
    for cause in report.chain().skip(1) {
        let text = cause.to_string();
        if text.trim().is_empty() || seen.contains(&text) {
            continue;
        }
        out.push_str(&format!("  caused by: {}\n", one_line(&text)));
        seen.push_str(&text);
    }
    if let Some(related) = report.related() {
        for r in related {
            out.push_str(&format!("  - {}\n", one_line(&r.to_string())));
        }
    }
    let help = report.help().map(|h| h.to_string()).unwrap_or_default();
    for line in help.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(&format!("hint: {}\n", line.trim()));
    }
    let internal = report
        .code()
        .is_some_and(|c| c.to_string().contains("internal"));
    if internal && !help.contains("bug") {
        out.push_str(&format!("hint: {BUG_HINT}\n"));
    }
    out
}

/// Newlines inside a message become `; ` so the cause stays on one line.
fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Set by the panic hook: some thread (a step's task, say) panicked.
static PANICKED: AtomicBool = AtomicBool::new(false);

/// Whether anything panicked in this process so far (a bug, whatever else happened).
pub(crate) fn panicked() -> bool {
    PANICKED.load(Ordering::SeqCst)
}

/// A panic is a bug: say so, and never show a backtrace full of internals by default.
/// Writes ignore a closed stderr (a panic while panicking would abort).
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        PANICKED.store(true, Ordering::SeqCst);
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        eprintln!("error: internal error{location}: {message}");
        eprintln!("hint: {BUG_HINT}");
    }));
}
