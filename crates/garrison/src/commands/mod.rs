//! One module per subcommand; each loads, calls one library function and prints.

use crate::cli::{Cli, Command};

/// Runs the chosen command; `Ok` carries the exit code.
pub(crate) fn dispatch(cli: Cli) -> miette::Result<u8> {
    let _ = &cli.global;
    match cli.command {
        Command::Validate { .. } | Command::Fmt { .. } => {
            Err(miette::miette!("`garrison validate` and `garrison fmt` are being wired"))
        }
    }
}
