//! One module per subcommand; each loads, calls one library function and prints.

mod fmt;
mod validate;

use crate::cli::{Cli, Command};

/// Runs the chosen command; `Ok` carries the exit code.
pub(crate) fn dispatch(cli: Cli) -> miette::Result<u8> {
    let no_color = cli.global.no_color;
    match cli.command {
        Command::Validate { dir, vars, json } => validate::run(dir, &vars, json, no_color),
        Command::Fmt { dir, check } => fmt::run(dir, check, no_color),
    }
}
