//! Command-line arguments (clap): global options and one subcommand per verb.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Garrison: infrastructure as code for the Barrack GPU cloud.
#[derive(Debug, Parser)]
#[command(name = "garrison", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Barrack API base URL (the API key is read from `BARRACK_API_KEY` only).
    #[arg(long, global = true, env = "BARRACK_ENDPOINT", value_name = "URL")]
    pub(crate) endpoint: Option<String>,
    /// Run against an embedded Barrack emulator on loopback; its data persists in
    /// `.garrison/sim.json` under the config directory. No account needed.
    #[arg(long, global = true)]
    pub(crate) sim: bool,
    /// Disable colour (also honoured: the `NO_COLOR` environment variable).
    #[arg(long, global = true)]
    pub(crate) no_color: bool,
}

/// Variable inputs shared by the commands that load a config.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct VarArgs {
    /// Set a variable: `--var name=value` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub(crate) vars: Vec<String>,
    /// Read variables from a KDL file: `name "value"` per line (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub(crate) var_files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a configuration directory and report every mistake at once.
    Validate {
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        #[command(flatten)]
        vars: VarArgs,
        /// Print diagnostics as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Rewrite `*.kdl` files in canonical form (comments kept).
    Fmt {
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        /// Do not write; list files that would change and exit 1 if any.
        #[arg(long)]
        check: bool,
    },
}
