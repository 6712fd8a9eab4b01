//! The `garrison` binary: parse arguments, run one command, map its outcome to an exit code.

// `println!`/`eprintln!` are redefined (they ignore a closed pipe); must come first.
#[macro_use]
mod out;

mod cli;
mod commands;
mod context;
mod exit;
mod progress;
mod usage;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    exit::install_panic_hook();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match cli::Cli::try_parse_from(&args) {
        Ok(cli) => exit::run(cli),
        Err(error) => ExitCode::from(usage::report(&error, &args)),
    }
}
