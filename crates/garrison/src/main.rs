//! The `garrison` binary: parse arguments, run one command, map its outcome to an exit code.

// The console's `out!`/`outln!`/`err!`/`errln!` macros; must come first.
#[macro_use]
mod console;

mod alloc;
mod classify;
mod cli;
mod commands;
mod context;
mod exit;
mod failure;
mod logging;
mod panic;
mod progress;
mod state_keys;
mod usage;
mod workspace;

use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

use clap::Parser;

use crate::console::Console;
use crate::failure::Class;

fn main() -> ExitCode {
    panic::install_hook();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => return ExitCode::from(usage::report(&error, &args, &Console::new(false))),
    };
    let console = Console::new(cli.global.no_color);
    if let Err(failure) = logging::init(cli.global.log_file.as_deref()) {
        errln!(console, "{}", failure.render().trim_end());
        return ExitCode::from(failure.class().exit_code());
    }
    workspace::set_override(cli.global.workspace.clone());
    // The hook has said it is a bug; unwinding out of the command exits with the
    // internal error's code (never 101, never "interrupted").
    std::panic::catch_unwind(AssertUnwindSafe(|| exit::run(cli, &console)))
        .unwrap_or_else(|_| ExitCode::from(Class::Internal.exit_code()))
}
