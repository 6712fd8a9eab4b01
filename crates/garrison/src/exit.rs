//! Runs a command and turns its outcome into an exit code, classifying errors for the user.

use std::process::ExitCode;

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
}

pub(crate) fn run(cli: Cli) -> ExitCode {
    match commands::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(codes::ERROR)
        }
    }
}

/// A panic is a bug: say so, and never show a backtrace full of internals by default.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
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
        eprintln!(
            "hint: this is a bug in Garrison, please report it (the state and journal are intact)."
        );
    }));
}
