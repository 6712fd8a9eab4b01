//! How a command ended, and its exit code: an [`Outcome`] when it ran to its end (changes
//! present, declined, interrupted ... are not errors), a [`Failure`] of some class when it
//! did not. docs/cli.md documents every code.

use std::process::ExitCode;

use crate::cli::Cli;
use crate::commands;
use crate::console::Console;
use crate::failure::{Class, Failure};

/// Exit codes, documented in docs/cli.md (and the README's summary).
pub(crate) mod codes {
    /// Success, or no changes.
    pub(crate) const OK: u8 = 0;
    /// An error of any class, or a run that did not do everything it should.
    pub(crate) const ERROR: u8 = 1;
    /// `plan --detailed-exitcode`: changes are present.
    pub(crate) const CHANGES: u8 = 2;
    /// A second Ctrl-C aborted the run (128 + SIGINT).
    pub(crate) const ABORTED: u8 = 130;
}

/// How a command that ran to its end ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It did what was asked (`plan`: with or without changes, unless
    /// `--detailed-exitcode`).
    Success,
    /// `plan --detailed-exitcode`: changes are present.
    Changes,
    /// `fmt --check`: some file is not formatted.
    Unformatted,
    /// The question was answered with something other than `yes`: nothing was changed.
    Declined,
    /// `apply`/`destroy` ran, but some operation failed or did not start (the summary
    /// lists each).
    Incomplete,
    /// `apply`/`destroy` stopped at a Ctrl-C after the operations in flight finished.
    Interrupted,
    /// A second Ctrl-C dropped the run at once (the lock is released).
    Aborted,
}

impl Outcome {
    /// Its exit code.
    pub(crate) fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => codes::OK,
            Outcome::Changes => codes::CHANGES,
            Outcome::Unformatted
            | Outcome::Declined
            | Outcome::Incomplete
            | Outcome::Interrupted => codes::ERROR,
            Outcome::Aborted => codes::ABORTED,
        }
    }
}

/// What every command returns.
pub(crate) type Ended = Result<Outcome, Failure>;

/// The exit code of an ending.
pub(crate) fn exit_code(ended: &Ended) -> u8 {
    match ended {
        Ok(outcome) => outcome.exit_code(),
        Err(failure) => failure.class().exit_code(),
    }
}

/// Runs the command; a failure is printed on stderr. A panic on any thread (the hook has
/// said it is a bug) makes the run an internal error, however the command ended.
pub(crate) fn run(cli: Cli, console: &Console) -> ExitCode {
    crate::panic::debug_trigger();
    let mut ended = commands::dispatch(cli, console);
    if let Err(failure) = &ended {
        err!(console, "{}", failure.render());
    }
    if crate::panic::happened() && ended.is_ok() {
        ended = Err(Failure::reported(Class::Internal));
    }
    ExitCode::from(exit_code(&ended))
}
