//! The `garrison` binary: parse arguments, run one command, map its outcome to an exit code.

mod cli;
mod commands;
mod exit;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    exit::run(args)
}
