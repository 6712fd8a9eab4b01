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
    /// Check configuration directories and report every mistake at once.
    Validate {
        /// Config directories (default: the current directory).
        dirs: Vec<PathBuf>,
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
    /// Show what `apply` would change, and what it costs per hour.
    Plan {
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        #[command(flatten)]
        vars: VarArgs,
        /// Save the plan for `garrison apply FILE` (refused later if the config, the state or
        /// the cloud moved on).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Print the plan as JSON (schema: docs/plan-json.md).
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print the plan as Markdown, for a pull-request comment.
        #[arg(long)]
        markdown: bool,
        /// Exit 2 when there are changes, 0 when there are none.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Read the cloud first (`--refresh=false`: plan from the state alone, no API call).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
        refresh: bool,
        /// Plan to destroy everything in the state.
        #[arg(long)]
        destroy: bool,
    },
    /// Make the cloud match the configuration (or apply a saved plan file).
    Apply {
        /// Config directory, or a plan file saved by `garrison plan --out`.
        target: Option<PathBuf>,
        #[command(flatten)]
        vars: VarArgs,
        /// Do not ask for confirmation.
        #[arg(long)]
        auto_approve: bool,
        /// Operations at once.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=256))]
        parallelism: u16,
    },
    /// Destroy everything this configuration's state manages.
    Destroy {
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        #[command(flatten)]
        vars: VarArgs,
        /// Do not ask for confirmation.
        #[arg(long)]
        auto_approve: bool,
        /// Operations at once.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=256))]
        parallelism: u16,
    },
    /// Read the cloud and record what changed outside Garrison in the state.
    Refresh {
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        #[command(flatten)]
        vars: VarArgs,
    },
    /// Print outputs recorded by the last apply.
    Output {
        /// One output (default: all). A lone argument naming a directory is taken as DIR.
        name: Option<String>,
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        /// The config directory (old spelling of DIR).
        #[arg(long = "dir", hide = true, value_name = "DIR")]
        dir_flag: Option<PathBuf>,
        #[command(flatten)]
        vars: VarArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Inspect the state.
    State {
        #[command(subcommand)]
        command: StateCommand,
    },
    /// Remove a stale state lock by its id (refused while its holder is running).
    ForceUnlock {
        /// The lock id, as the lock error shows it (`lock id ...`).
        lock_id: garrison_state::LockId,
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y', visible_alias = "force")]
        yes: bool,
    },
    /// Run the Barrack emulator in the foreground (Ctrl-C stops it).
    Sim {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8780")]
        addr: std::net::SocketAddr,
        /// Persist the emulator's account in this file.
        #[arg(long)]
        state_file: Option<PathBuf>,
        /// Multiplies life-cycle delays (1.0 = realistic, 0 = instant).
        #[arg(long, default_value_t = 1.0)]
        time_scale: f64,
        /// Probability of each injected fault.
        #[arg(long, default_value_t = 0.0)]
        fault_rate: f64,
        /// Seed of the fault RNG.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum StateCommand {
    /// List every resource in the state.
    List {
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        /// The config directory (old spelling of DIR).
        #[arg(long = "dir", hide = true, value_name = "DIR")]
        dir_flag: Option<PathBuf>,
        #[command(flatten)]
        vars: VarArgs,
    },
    /// Show one resource as recorded.
    Show {
        /// Its address, e.g. `vm.trainer[0]`.
        address: String,
        /// Config directory (default: the current directory).
        dir: Option<PathBuf>,
        /// The config directory (old spelling of DIR).
        #[arg(long = "dir", hide = true, value_name = "DIR")]
        dir_flag: Option<PathBuf>,
        #[command(flatten)]
        vars: VarArgs,
    },
}
