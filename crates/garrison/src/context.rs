//! What most commands need: the model, the state backend, and an API client (real, or an
//! embedded emulator with `--sim`).

use std::path::Path;

use barrack_api::{ApiKey, Client, ClientConfig, RateLimit, DEFAULT_BASE_URL};
use garrison_config::model::Kind;
use garrison_config::{
    load_dir_with, AccountNeeds, Code, Failure as ConfigFailure, Loaded, Model, Offered,
    StateBackend,
};
use garrison_core::Workspace;
use garrison_state::{Backend, Workspaces};
use miette::miette;

use crate::cli::{Global, VarArgs};
use crate::commands::validate;
use crate::console::Console;
use crate::failure::{Class, Failure};

/// The API base URL used when neither `--endpoint` nor `BARRACK_ENDPOINT` is set (GUESSED).
pub(crate) const DEFAULT_ENDPOINT: &str = DEFAULT_BASE_URL;

/// Where `--sim` keeps the emulator's account, relative to the config directory.
pub(crate) const SIM_STATE_FILE: &str = ".garrison/sim.json";

/// Delay scale of the embedded emulator: fast enough for a demo, slow enough to see the
/// life-cycles (`GARRISON_SIM_TIME_SCALE` overrides).
const SIM_TIME_SCALE: f64 = 0.02;

/// Loads the config against the cached (else the built-in) catalog; on failure prints every
/// diagnostic (a [`Class::Config`] failure).
pub(crate) fn load_model(dir: &Path, vars: &VarArgs, console: &Console) -> Result<Model, Failure> {
    let offered = offline_catalog(dir, console);
    load_model_with(dir, vars, console, &offered)
}

/// Loads the config against the catalog the API lists now (an unknown GPU model, region,
/// image, volume type or protocol is an error), and caches that catalog for offline
/// commands.
pub(crate) async fn load_model_live(
    dir: &Path,
    vars: &VarArgs,
    console: &Console,
    client: &Client,
) -> Result<Model, Failure> {
    let catalog = garrison_engine::catalog::fetch_catalog(client).await?;
    if let Err(e) = garrison_engine::catalog::write_cache(dir, &catalog) {
        errln!(console, "warning: {e}");
    }
    let mut offered = garrison_engine::catalog::live(catalog);
    let inputs = validate::var_inputs_in(dir, vars)?;
    let loaded = load_dir_with(dir, &inputs, &offered);
    let Some(needs) = account_needs(&loaded) else {
        return reported(dir, console, loaded);
    };
    // Object data sources read the account: one list per kind they name, then load again.
    let account = garrison_engine::data_read::read_account(client, &needs).await?;
    offered.account = Some(account);
    let model = reported(dir, console, load_dir_with(dir, &inputs, &offered))?;
    refuse_unread(&model)?;
    Ok(model)
}

/// A plan never leaves out what uses a data source: one the account read did not answer
/// (a need the first load missed) stops it rather than plan a VM without its volume.
fn refuse_unread(model: &Model) -> Result<(), Failure> {
    match model
        .warnings
        .iter()
        .find(|w| w.code == Code::DataNotRead.as_str())
    {
        None => Ok(()),
        Some(w) => Err(Failure::internal(miette::miette!(
            help = "this is a bug in Garrison: please report it with the config",
            "data source not read at plan time: {}",
            w.message
        ))),
    }
}

/// What a load without the account says its data sources need read: `None` when nothing
/// (a failed load whose data sources were not read needs every kind, to report right).
fn account_needs(loaded: &Result<Loaded, ConfigFailure>) -> Option<AccountNeeds> {
    match loaded {
        Ok(loaded) if loaded.model.account_needs.is_empty() => None,
        Ok(loaded) => Some(loaded.model.account_needs.clone()),
        Err(failure) => failure
            .warnings
            .iter()
            .any(|w| w.code == Code::DataNotRead)
            .then(|| AccountNeeds {
                kinds: Kind::ALL.into_iter().collect(),
                stock: true,
            }),
    }
}

/// The catalog offline commands validate against: `.garrison/catalog.json` when `dir` has
/// a readable one, else the built-in catalog (a broken cache is a warning).
pub(crate) fn offline_catalog(dir: &Path, console: &Console) -> Offered {
    garrison_engine::catalog::offline(dir).unwrap_or_else(|e| {
        errln!(
            console,
            "warning: {e}; validating against the built-in catalog"
        );
        Offered::default()
    })
}

fn load_model_with(
    dir: &Path,
    vars: &VarArgs,
    console: &Console,
    offered: &Offered,
) -> Result<Model, Failure> {
    let inputs = validate::var_inputs_in(dir, vars)?;
    reported(dir, console, load_dir_with(dir, &inputs, offered))
}

/// A load's model, its warnings printed; on failure every diagnostic printed.
fn reported(
    dir: &Path,
    console: &Console,
    loaded: Result<Loaded, ConfigFailure>,
) -> Result<Model, Failure> {
    match loaded {
        Ok(loaded) => {
            if !loaded.warnings.is_empty() {
                err!(
                    console,
                    "{}",
                    validate::render_for_command(&loaded.warnings, console)
                );
            }
            Ok(loaded.model)
        }
        Err(failure) => {
            err!(
                console,
                "{}",
                validate::render_for_command(&failure.errors, console)
            );
            err!(
                console,
                "{}",
                validate::render_for_command(&failure.warnings, console)
            );
            // A lone error without source text (no such directory) was said in one line.
            if failure.errors.len() > 1 || failure.errors.iter().any(|d| !d.labels.is_empty()) {
                errln!(
                    console,
                    "error: the configuration in `{}` is invalid ({} error{})",
                    dir.display(),
                    failure.errors.len(),
                    if failure.errors.len() == 1 { "" } else { "s" }
                );
            }
            Err(Failure::reported(Class::Config))
        }
    }
}

/// The state backend of the workspace the model was evaluated in.
pub(crate) fn backend(model: &Model) -> Result<Box<dyn Backend>, Failure> {
    backend_for(&model.dir, &model.state, &model.workspace)
}

/// The state backend a directory's config names (for the commands that only read or
/// unlock the state: `state`, `output`, `force-unlock`). Only the `state` node and the
/// variables it uses are loaded: required variables need no value. Variables come from
/// `GARRISON_VAR_*` here; [`backend_of_dir_with`] also takes `--var`/`--var-file`.
pub(crate) fn backend_of_dir(dir: &Path, console: &Console) -> Result<Box<dyn Backend>, Failure> {
    backend_of_dir_with(dir, &VarArgs::default(), console)
}

/// [`backend_of_dir`] with `--var`/`--var-file`.
pub(crate) fn backend_of_dir_with(
    dir: &Path,
    vars: &VarArgs,
    console: &Console,
) -> Result<Box<dyn Backend>, Failure> {
    let (state, ws) = state_node_of_dir(dir, vars, console)?;
    backend_for(dir, &state, &ws)
}

/// [`backend_of_dir_with`] sealing with `keys` instead of the environment's.
pub(crate) fn backend_of_dir_keyed(
    dir: &Path,
    vars: &VarArgs,
    console: &Console,
    keys: garrison_state::Keyring,
) -> Result<Box<dyn Backend>, Failure> {
    let (state, ws) = state_node_of_dir(dir, vars, console)?;
    let all = crate::workspace::place(dir, &state)?.with_keys(keys);
    existing(all.backend(&ws)?, &ws)
}

/// Every workspace of a directory's config (its `state` node, read as
/// [`backend_of_dir_with`] reads it).
pub(crate) fn workspaces_of_dir(
    dir: &Path,
    vars: &VarArgs,
    console: &Console,
) -> Result<Workspaces, Failure> {
    let (state, _) = state_node_of_dir(dir, vars, console)?;
    crate::workspace::all(dir, &state)
}

/// A directory's `state` node and the workspace selected there.
fn state_node_of_dir(
    dir: &Path,
    vars: &VarArgs,
    console: &Console,
) -> Result<(StateBackend, Workspace), Failure> {
    let inputs = validate::var_inputs_in(dir, vars)?;
    let failure = match garrison_config::load_state_backend(dir, &inputs) {
        Ok(state) => return Ok((state, inputs.workspace)),
        Err(failure) => failure,
    };
    if let [only] = failure.errors.as_slice() {
        if only.labels.is_empty() {
            // No source text to show (no such directory): one error, its hint.
            return Err(Failure::config(miette!(
                help = only.help.clone().unwrap_or_default(),
                "{}",
                only.message
            )));
        }
    }
    err!(
        console,
        "{}",
        validate::render_for_command(&failure.errors, console)
    );
    Err(Failure::config(miette!(
        help = "the state's location is read from the config's `state` node (default `.garrison/state.json`); fix the errors above, or run from (or name) the config directory",
        "could not read the config in `{}` to find the state ({} error{})",
        dir.display(),
        failure.errors.len(),
        if failure.errors.len() == 1 { "" } else { "s" }
    )))
}

/// The state backend of workspace `ws` of a config's `state` node; a workspace other than
/// `default` must exist (`garrison workspace new`).
pub(crate) fn backend_for(
    dir: &Path,
    state: &StateBackend,
    ws: &Workspace,
) -> Result<Box<dyn Backend>, Failure> {
    existing(crate::workspace::all(dir, state)?.backend(ws)?, ws)
}

/// `backend`, refused when it is workspace `ws` other than `default` and holds no state.
fn existing(backend: Box<dyn Backend>, ws: &Workspace) -> Result<Box<dyn Backend>, Failure> {
    if !ws.is_default() && backend.read()?.is_none() {
        return Err(crate::workspace::missing(ws));
    }
    Ok(backend)
}

/// The `provider "barrack" { rate-limit N }` of the config in `dir`, read before
/// connecting (the live catalog the real load validates against is read through that
/// connection); `None` when unset, or when the config does not load (the load that follows
/// reports why).
pub(crate) fn configured_rate_limit(dir: &Path, vars: &VarArgs) -> Option<u32> {
    let inputs = validate::var_inputs_in(dir, vars).ok()?;
    garrison_config::load_dir(dir, &inputs)
        .ok()?
        .model
        .rate_limit_per_minute
}

/// A client, and the embedded emulator it talks to when `--sim` is given (keep it alive).
pub(crate) struct Remote {
    pub(crate) client: Client,
    pub(crate) sim: Option<barrack_sim::SimHandle>,
}

impl Remote {
    /// Stops the embedded emulator, if any, after its last write.
    pub(crate) async fn close(self) {
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
    }
}

/// Connects: `--sim` starts an emulator on loopback persisting in `DIR/.garrison/sim.json`;
/// otherwise `--endpoint`/`BARRACK_ENDPOINT` with the key from `BARRACK_API_KEY`. The rate
/// limit is `--rate-limit`, else the config's `provider { rate-limit }` (`configured`), else
/// the client's default (none with `--sim`: its emulator has none).
pub(crate) async fn connect(
    global: &Global,
    dir: &Path,
    configured: Option<u32>,
) -> Result<Remote, Failure> {
    let chosen = global.rate_limit.or(configured);
    if global.sim {
        return connect_sim(dir, chosen).await;
    }
    let endpoint = global
        .endpoint
        .clone()
        .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
    let key = std::env::var("BARRACK_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty());
    let Some(key) = key else {
        return Err(Failure::config(miette!(
            help = "export BARRACK_API_KEY=... (it is read from the environment only), or try `--sim` to use the local emulator",
            "no API key: `BARRACK_API_KEY` is not set"
        )));
    };
    let mut config = ClientConfig::new(endpoint, ApiKey::new(key.trim()));
    if let Some(per_minute) = chosen {
        config.rate_limit = rate_limit(per_minute);
    }
    let client = Client::new(config)?;
    Ok(Remote { client, sim: None })
}

/// `--sim`: an emulator on loopback persisting in `DIR/.garrison/sim.json`.
async fn connect_sim(dir: &Path, chosen: Option<u32>) -> Result<Remote, Failure> {
    let state_file = dir.join(SIM_STATE_FILE);
    if let Some(parent) = state_file.parent() {
        private_dir(parent)
            .map_err(|e| Failure::state(miette!("creating `{}`: {e}", parent.display())))?;
    }
    let time_scale = std::env::var("GARRISON_SIM_TIME_SCALE")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(SIM_TIME_SCALE);
    let config = barrack_sim::SimConfig {
        time_scale,
        state_file: Some(state_file.clone()),
        rate_limit_per_minute: None,
        ..barrack_sim::SimConfig::default()
    };
    let sim = barrack_sim::spawn(config).await.map_err(|e| {
        Failure::remote(miette!(
            help = format!(
                "delete `{}` to start the emulator from an empty account",
                state_file.display()
            ),
            "could not start the embedded emulator: {e}"
        ))
    })?;
    let mut config = ClientConfig::new(sim.base_url(), ApiKey::new(sim.api_key()));
    config.rate_limit = chosen.and_then(rate_limit);
    let client = Client::new(config)?;
    Ok(Remote {
        client,
        sim: Some(sim),
    })
}

/// `per_minute` requests per minute; 0 is no limit.
fn rate_limit(per_minute: u32) -> Option<RateLimit> {
    (per_minute > 0).then(|| RateLimit::per_minute(per_minute))
}

/// Creates `dir` (and parents) mode 0700, like the state's directory: `--sim` keeps the
/// emulator's account (script contents) there.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}
