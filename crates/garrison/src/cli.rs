//! Command-line arguments (clap): global options, one subcommand per verb, and the
//! arguments several verbs share, each declared once and flattened where it is used.
//! Flattening keeps every spelling, default and help text; `tests/cli_help.rs` snapshots
//! every `--help` (the order of flags in it is the order of declaration).

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use garrison_config::model::{Address, Kind};

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
    /// Work in this workspace instead of the selected one (`garrison workspace select`).
    #[arg(long, global = true, env = "GARRISON_WORKSPACE", value_name = "NAME")]
    pub(crate) workspace: Option<garrison_core::Workspace>,
    /// Append structured logs to FILE instead of stderr (level from `GARRISON_LOG`, default
    /// `info`: one line per Barrack request; never the key or a sensitive value).
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) log_file: Option<std::path::PathBuf>,
    /// Barrack API requests per minute to stay under, shared by every request of the run
    /// (mutations first, slower after a 429); `0` turns it off. Default: `provider "barrack"
    /// { rate-limit N }`, else 500 (off with `--sim`, whose emulator has no limit).
    #[arg(long, global = true, env = "GARRISON_RATE_LIMIT", value_name = "N")]
    pub(crate) rate_limit: Option<u32>,
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

/// The config directory, a positional argument defaulting to `.`.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct DirArg {
    /// Config directory (default: the current directory).
    pub(crate) dir: Option<PathBuf>,
}

impl DirArg {
    /// The directory, `.` when none was given.
    pub(crate) fn path(&self) -> PathBuf {
        or_cwd(self.dir.as_deref())
    }
}

/// The config directory and its variables: what loads a config.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    #[command(flatten)]
    pub(crate) dir: DirArg,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
}

/// What the commands that only read the state take: DIR (or its old spelling `--dir`)
/// and variables (the `state` node may use some).
#[derive(Debug, Args)]
pub(crate) struct StateDirArgs {
    #[command(flatten)]
    pub(crate) dir: DirArg,
    /// The config directory (old spelling of DIR).
    #[arg(long = "dir", hide = true, value_name = "DIR")]
    pub(crate) dir_flag: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
}

impl StateDirArgs {
    /// DIR, else `--dir`, else `.`.
    pub(crate) fn path(&self) -> PathBuf {
        or_cwd(self.dir.dir.as_deref().or(self.dir_flag.as_deref()))
    }
}

/// How `apply` and `destroy` run.
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct RunArgs {
    /// Do not ask for confirmation.
    #[arg(long)]
    pub(crate) auto_approve: bool,
    /// Operations at once at most; the rate limit (`--rate-limit`) bounds them further: a
    /// step starts only while a request is free.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) parallelism: u16,
    /// Stream the run as NDJSON events on stdout (docs/events.md; the text goes to stderr).
    /// Needs `--auto-approve` or a saved plan.
    #[arg(long)]
    pub(crate) json: bool,
    /// Skip the rehearsal against an emulator seeded from the account (also
    /// `provider "barrack" { rehearse #false }`).
    #[arg(long)]
    pub(crate) no_rehearse: bool,
    /// Apply even when the rehearsal fails.
    #[arg(long)]
    pub(crate) force: bool,
}

/// What a plan covers besides "make the cloud match": `plan` and `apply` take these.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct ScopeArgs {
    /// Replace this object although nothing forces it (repeatable), e.g. `--replace
    /// 'vm.trainer[2]'` to rebuild one sick node.
    #[arg(long = "replace", id = "replace_addr", value_name = "ADDR")]
    pub(crate) replace: Vec<Address>,
    /// Plan only this resource (a block address: all its instances; `module.NAME`:
    /// everything in the module) and what it depends on (repeatable). The plan is partial
    /// and says so.
    #[arg(long = "target", id = "target_addr", value_name = "ADDR")]
    pub(crate) target: Vec<garrison_core::Target>,
    /// Plan everything except this resource (or module) and what depends on it
    /// (repeatable). The plan is partial and says so.
    #[arg(long = "exclude", id = "exclude_addr", value_name = "ADDR")]
    pub(crate) exclude: Vec<garrison_core::Target>,
    /// Change nothing in the cloud: show what changed outside Garrison; `apply` records it
    /// in the state.
    #[arg(long, conflicts_with_all = ["replace_addr", "target_addr", "exclude_addr"])]
    pub(crate) refresh_only: bool,
}

impl ScopeArgs {
    /// The planner's options (`destroy` for `garrison destroy` and `plan --destroy`).
    pub(crate) fn options(&self, destroy: bool) -> garrison_plan::PlanOptions {
        garrison_plan::PlanOptions {
            destroy,
            replace: self.replace.clone(),
            target: self.target.clone(),
            exclude: self.exclude.clone(),
            refresh_only: self.refresh_only,
        }
    }
}

fn or_cwd(dir: Option<&Path>) -> PathBuf {
    dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check configuration directories and report every mistake at once.
    Validate(ValidateArgs),
    /// Rewrite `*.kdl` files in canonical form (comments kept).
    Fmt(FmtArgs),
    /// Show what `apply` would change, and what it costs per hour.
    Plan(PlanArgs),
    /// Make the cloud match the configuration (or apply a saved plan file).
    Apply(ApplyArgs),
    /// Destroy everything this configuration's state manages.
    Destroy(DestroyArgs),
    /// Read the cloud and record what changed outside Garrison in the state.
    Refresh(ConfigArgs),
    /// Bring existing cloud objects under Garrison: one (`ADDRESS ID`), or every object the
    /// state does not manage (`--all`: import blocks and their config).
    Import(ImportArgs),
    /// Print outputs recorded by the last apply.
    Output(OutputArgs),
    /// Show a saved plan as `plan` printed it, or the state (no lock, no cloud).
    Show(ShowArgs),
    /// Draw the config's dependency graph, or with `--plan` the steps of a plan.
    Graph(GraphArgs),
    /// Inspect the state, or change what it records without touching the cloud.
    State {
        #[command(subcommand)]
        command: StateCommand,
    },
    /// Pin what the config resolves to in the cloud (OS image ids, GPU models, volume
    /// types, the state format) in `garrison.lock`; `--update` accepts what moved.
    Lock(LockArgs),
    /// Remove a stale state lock by its id (refused while its holder is running).
    ForceUnlock(ForceUnlockArgs),
    /// Isolated copies of one config (dev, staging, one per pull request), each with its
    /// own state, lock and journal.
    Workspace {
        #[command(subcommand)]
        command: WorkspaceCommand,
    },
    /// Run the Barrack emulator in the foreground (Ctrl-C stops it).
    Sim(SimArgs),
    /// Serve the Language Server Protocol on stdin/stdout for editors: diagnostics as
    /// `validate` reports them, completion, hover, navigation, rename, formatting.
    Lsp(LspArgs),
}

/// `garrison validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Config directories (default: the current directory).
    pub(crate) dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
    /// Print diagnostics as JSON on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `garrison lsp`.
#[derive(Debug, Args)]
pub(crate) struct LspArgs {
    #[command(flatten)]
    pub(crate) vars: VarArgs,
    /// Speak over stdin and stdout (the default and only transport; accepted because
    /// editors pass it).
    #[arg(long)]
    pub(crate) stdio: bool,
}

/// `garrison fmt`.
#[derive(Debug, Args)]
pub(crate) struct FmtArgs {
    #[command(flatten)]
    pub(crate) dir: DirArg,
    /// Do not write; list files that would change and exit 1 if any.
    #[arg(long)]
    pub(crate) check: bool,
}

/// `garrison plan`.
#[derive(Debug, Args)]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    pub(crate) config: ConfigArgs,
    /// Save the plan for `garrison apply FILE` (refused later if the config, the state or
    /// the cloud moved on).
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// Print the plan as JSON (schema: docs/plan-json.md).
    #[arg(long, conflicts_with = "markdown")]
    pub(crate) json: bool,
    /// Print the plan as Markdown, for a pull-request comment.
    #[arg(long)]
    pub(crate) markdown: bool,
    /// Exit 2 when there are changes, 0 when there are none.
    #[arg(long)]
    pub(crate) detailed_exitcode: bool,
    /// Read the cloud first (`--refresh=false`: plan from the state alone, no API call).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub(crate) refresh: bool,
    /// Plan to destroy everything in the state.
    #[arg(long, conflicts_with = "refresh_only")]
    pub(crate) destroy: bool,
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,
    /// Check the plan against the Rego policies of DIR (every `*.rego`: package `garrison`,
    /// `deny` rules, `input` = the plan JSON); a violation fails the plan (repeatable).
    #[arg(long = "policy", value_name = "DIR")]
    pub(crate) policy: Vec<PathBuf>,
    /// For `import` blocks whose address has no config: write their KDL (and imports for
    /// the objects they link to) to FILE, then plan with it. FILE must not exist.
    #[arg(long, value_name = "FILE")]
    pub(crate) generate_config_out: Option<PathBuf>,
    /// Run the plan against an emulator seeded from the account (nothing touches the
    /// cloud): what would fail, the predicted duration and critical path, convergence.
    /// Exits 1 when the rehearsal fails.
    #[arg(long, conflicts_with_all = ["out", "refresh_only"])]
    pub(crate) rehearse: bool,
}

/// `garrison apply`.
#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// Config directory, or a plan file saved by `garrison plan --out`.
    // Not the id `target`: that is `--target`'s (clap ids are unique per command).
    #[arg(id = "dir_or_plan", value_name = "DIR|PLANFILE")]
    pub(crate) target: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
    #[command(flatten)]
    pub(crate) run: RunArgs,
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,
    /// Refuse the apply when the plan breaks a Rego policy of DIR (as `plan --policy`).
    #[arg(long = "policy", value_name = "DIR")]
    pub(crate) policy: Vec<PathBuf>,
}

/// `garrison import`.
#[derive(Debug, Args)]
#[command(
    after_help = "Forms:\n  garrison import ADDRESS ID [DIR]   record one object at ADDRESS (its config must exist)\n  garrison import --all [--out FILE] [--kind K]... [--region R]... [DIR]\n                                     write import blocks and config for every unmanaged object"
)]
pub(crate) struct ImportArgs {
    /// `ADDRESS ID [DIR]`, or with `--all` only `[DIR]`.
    #[arg(value_name = "ARGS", num_args = 0..=3)]
    pub(crate) args: Vec<String>,
    /// Every object of the account the state does not manage: import blocks plus their
    /// config, references between them as `(ref)`s.
    #[arg(long)]
    pub(crate) all: bool,
    /// With `--all`: write to FILE (it must not exist) instead of stdout.
    #[arg(long, value_name = "FILE", requires = "all")]
    pub(crate) out: Option<PathBuf>,
    /// With `--all`: only these kinds (repeatable), e.g. `--kind vm --kind volume`.
    #[arg(long = "kind", value_name = "KIND", requires = "all")]
    pub(crate) kinds: Vec<Kind>,
    /// With `--all`: only objects in these regions (repeatable; SSH keys are account-wide
    /// and always match).
    #[arg(long = "region", value_name = "REGION", requires = "all")]
    pub(crate) regions: Vec<String>,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
}

/// `garrison destroy`.
#[derive(Debug, Args)]
pub(crate) struct DestroyArgs {
    #[command(flatten)]
    pub(crate) config: ConfigArgs,
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// `garrison output`.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// One output (default: all). A lone argument naming a directory is taken as DIR.
    pub(crate) name: Option<String>,
    #[command(flatten)]
    pub(crate) state: StateDirArgs,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `garrison show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// A plan saved by `garrison plan --out` (default: show the state of DIR). A lone
    /// argument naming a directory is taken as DIR.
    #[arg(value_name = "PLANFILE")]
    pub(crate) plan_file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) dir: DirArg,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
    /// Print JSON: a plan as `plan --json` does (docs/plan-json.md), the state as in
    /// docs/state.md ("The state as JSON").
    #[arg(long, conflicts_with = "format")]
    pub(crate) json: bool,
    /// `terraform-json`: a saved plan in Terraform's plan JSON (`terraform show -json`), for
    /// tools made for Terraform plans (docs/plan-json.md, "Terraform's format").
    #[arg(long, value_name = "FORMAT", value_parser = ["terraform-json"])]
    pub(crate) format: Option<String>,
}

/// `garrison graph`.
#[derive(Debug, Args)]
pub(crate) struct GraphArgs {
    #[command(flatten)]
    pub(crate) config: ConfigArgs,
    /// Draw the plan's steps instead: refresh and plan like `garrison plan` (needs the cloud,
    /// or `--sim`), each step toned by its action; unchanged resources are left out.
    #[arg(long)]
    pub(crate) plan: bool,
    /// Output format: Graphviz DOT (`dot -Tsvg`) or a Mermaid flowchart.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub(crate) format: GraphFormat,
}

/// What `garrison graph` writes. (The variants have no doc comments: clap would show them
/// as a long help, different from `-h`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum GraphFormat {
    // Graphviz DOT.
    Dot,
    // A Mermaid `flowchart`.
    Mermaid,
}

#[derive(Debug, Subcommand)]
pub(crate) enum StateCommand {
    /// List every resource in the state.
    List(StateDirArgs),
    /// Show one resource as recorded.
    Show(StateShowArgs),
    /// Stop managing resources: drop them from the state (the cloud is not touched).
    #[command(override_usage = "garrison state rm [OPTIONS] <ADDR>... [DIR]")]
    Rm(StateRmArgs),
    /// Move resources to another address in the state (no cloud call).
    Mv(StateMvArgs),
    /// Print the state document as JSON, as stored (`state push` takes it back).
    Pull(StateDirArgs),
    /// Replace the state with a file (refused unless it has the state's lineage and a serial
    /// no older than the state's; `--force` overrides).
    Push(StatePushArgs),
    /// Seal the state and its backup again with the first key of GARRISON_STATE_KEY (the
    /// end of a key rotation, or turning encryption on); `--decrypt` writes plaintext.
    Rekey(StateRekeyArgs),
    /// Print a new random state encryption key (base64) for GARRISON_STATE_KEY.
    Keygen,
}

/// `garrison state rekey`.
#[derive(Debug, Args)]
pub(crate) struct StateRekeyArgs {
    /// Write the state as plaintext (every key given still opens it): turns encryption off.
    #[arg(long)]
    pub(crate) decrypt: bool,
    #[command(flatten)]
    pub(crate) state: StateDirArgs,
}

/// `garrison state show`.
#[derive(Debug, Args)]
pub(crate) struct StateShowArgs {
    /// Its address, e.g. `vm.trainer[0]`.
    pub(crate) address: String,
    #[command(flatten)]
    pub(crate) state: StateDirArgs,
}

/// `garrison state rm`.
#[derive(Debug, Args)]
pub(crate) struct StateRmArgs {
    /// Addresses to remove: an instance (`vm.x[0]`, `vm.x["k"]`) or a whole block (`vm.x`,
    /// every instance). A last argument that is a directory and not an address is the
    /// config directory (default: the current directory).
    #[arg(required = true, value_name = "ADDR")]
    pub(crate) targets: Vec<String>,
    #[command(flatten)]
    pub(crate) vars: VarArgs,
}

impl StateRmArgs {
    /// The addresses, and the config directory: the last of several arguments when it is
    /// a directory that does not parse as an address, else `.`.
    pub(crate) fn split(&self) -> (&[String], PathBuf) {
        if let [addresses @ .., last] = self.targets.as_slice() {
            let is_address = last.parse::<garrison_core::StateKey>().is_ok();
            if !addresses.is_empty() && !is_address && Path::new(last).is_dir() {
                return (addresses, PathBuf::from(last));
            }
        }
        (&self.targets, or_cwd(None))
    }
}

/// `garrison state mv`.
#[derive(Debug, Args)]
pub(crate) struct StateMvArgs {
    /// The address to move: an instance (`vm.a[0]`) or a whole block (`vm.a`).
    pub(crate) from: String,
    /// The new address: an instance address, or a block address for a block (every
    /// instance keeps its index).
    pub(crate) to: String,
    #[command(flatten)]
    pub(crate) state: StateDirArgs,
}

/// `garrison state push`.
#[derive(Debug, Args)]
pub(crate) struct StatePushArgs {
    /// The state file to push, e.g. written by `garrison state pull` (`-`: standard input).
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) state: StateDirArgs,
    /// Push even when the file's lineage is not the state's or its serial is older (a
    /// file that is not a valid state is refused all the same).
    #[arg(long)]
    pub(crate) force: bool,
}

/// `garrison lock`.
#[derive(Debug, Args)]
pub(crate) struct LockArgs {
    #[command(flatten)]
    pub(crate) config: ConfigArgs,
    /// Rewrite pins the cloud moved on from (without it, a moved pin is reported and
    /// nothing is written).
    #[arg(long)]
    pub(crate) update: bool,
}

/// `garrison force-unlock`.
#[derive(Debug, Args)]
pub(crate) struct ForceUnlockArgs {
    /// The lock id, as the lock error shows it (`lock id ...`).
    pub(crate) lock_id: garrison_state::LockId,
    #[command(flatten)]
    pub(crate) dir: DirArg,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y', visible_alias = "force")]
    pub(crate) yes: bool,
}

/// `garrison sim`.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8780")]
    pub(crate) addr: std::net::SocketAddr,
    /// Persist the emulator's account in this file.
    #[arg(long)]
    pub(crate) state_file: Option<PathBuf>,
    /// Multiplies life-cycle delays (1.0 = realistic, 0 = instant).
    #[arg(long, default_value_t = 1.0)]
    pub(crate) time_scale: f64,
    /// Probability of each injected fault.
    #[arg(long, default_value_t = 0.0)]
    pub(crate) fault_rate: f64,
    /// Seed of the fault RNG.
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// Serve this catalog (JSON: regions, GPU models with prices and counts, OS images,
    /// volume types, protocols) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
}

/// `garrison workspace ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum WorkspaceCommand {
    /// Create a workspace (an empty state) and select it.
    New(WorkspaceNameArgs),
    /// Select the workspace later commands work in (kept in `.garrison/workspace`).
    Select(WorkspaceNameArgs),
    /// Every workspace, with the resources its state manages and their cost per hour.
    List(WorkspaceListArgs),
    /// The workspace commands work in (`--workspace`, else the selected one).
    Show(StateDirArgs),
    /// Delete a workspace's state (refused while it manages objects, unless `--force`).
    Delete(WorkspaceDeleteArgs),
}

/// A workspace name and the config directory.
#[derive(Debug, Args)]
pub(crate) struct WorkspaceNameArgs {
    /// The workspace: letters, digits, `-` and `_`.
    pub(crate) name: garrison_core::Workspace,
    #[command(flatten)]
    pub(crate) state: StateDirArgs,
}

/// `garrison workspace list`.
#[derive(Debug, Args)]
pub(crate) struct WorkspaceListArgs {
    #[command(flatten)]
    pub(crate) state: StateDirArgs,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `garrison workspace delete`.
#[derive(Debug, Args)]
pub(crate) struct WorkspaceDeleteArgs {
    #[command(flatten)]
    pub(crate) name: WorkspaceNameArgs,
    /// Delete even though the state still manages objects: they stay in the cloud,
    /// unmanaged, and each is listed.
    #[arg(long)]
    pub(crate) force: bool,
}
