//! Runs a command and turns its outcome into an exit code, classifying errors for the user.

use std::process::ExitCode;

use crate::cli::Cli;
use crate::commands;

/// Exit codes, documented in the README.
pub(crate) mod codes {
    /// Success, or no changes.
    pub(crate) const OK: u8 = 0;
    /// Any error.
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
