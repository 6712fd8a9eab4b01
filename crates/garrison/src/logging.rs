//! Structured logs, off unless asked: `GARRISON_LOG=info|debug|trace` (or any `tracing`
//! filter, e.g. `barrack_api=debug`) writes `key=value` lines to stderr, or to `--log-file
//! FILE` (appended). At `info`, every HTTP request to Barrack is one line: method, route,
//! URL, status, duration and request id. Headers (the API key) and bodies (which may hold
//! sensitive values) are never logged, and what the server sends is scrubbed first.

use std::path::Path;
use std::sync::Mutex;

use miette::miette;
use tracing_subscriber::EnvFilter;

use crate::failure::Failure;

/// The variable that turns logging on.
pub(crate) const ENV: &str = "GARRISON_LOG";

/// Installs the subscriber when `GARRISON_LOG` is set (or `--log-file` is given, at `info`).
pub(crate) fn init(log_file: Option<&Path>) -> Result<(), Failure> {
    let level = std::env::var(ENV).ok().filter(|v| !v.trim().is_empty());
    if level.is_none() && log_file.is_none() {
        return Ok(());
    }
    let filter = EnvFilter::try_new(level.as_deref().unwrap_or("info")).map_err(|e| {
        Failure::usage(miette!(
            help = "use `info`, `debug` or `trace`, or a filter such as `barrack_api=debug`",
            "`{ENV}` is not a log filter: {e}"
        ))
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(true);
    let installed = match log_file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| {
                    Failure::usage(miette!("opening the log file `{}`: {e}", path.display()))
                })?;
            builder.with_writer(Mutex::new(file)).try_init()
        }
        None => builder.with_writer(std::io::stderr).try_init(),
    };
    installed.map_err(|e| Failure::internal(miette!("could not start logging: {e}")))
}
