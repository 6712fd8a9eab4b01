//! The `garrison` binary: parse arguments, run one command, map its outcome to an exit code.

// Only the binary prints (the libraries' lints deny it).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod context;
mod exit;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    exit::install_panic_hook();
    let args = cli::Cli::parse();
    exit::run(args)
}
