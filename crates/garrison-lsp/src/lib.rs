//! Garrison's language server (`garrison lsp`): for the `*.kdl` files of a config directory
//! (the directory is the unit, as for `garrison validate`), diagnostics exactly as
//! `garrison validate` reports them (the editor's unsaved text in place of the files,
//! debounced), completion, hover, go to definition, find references, rename (with a
//! `moved` block) and formatting through `garrison fmt`'s code. Synchronous, over stdio
//! (rust-analyzer's `lsp-server`); it does no HTTP and keeps no state on disk.

mod calling;
mod capabilities;
mod completion;
mod context;
pub mod diagnostics;
pub mod documents;
mod error;
mod format;
mod hover;
mod index;
mod navigate;
pub mod position;
mod project;
mod rename;
mod requests;
mod schedule;
mod server;
mod worker;

use std::path::Path;
use std::time::Duration;

use garrison_config::{Offered, VarInputs};
use lsp_server::Connection;

pub use error::LspError;

/// How the server is set up by the binary.
pub struct Settings {
    /// The variable inputs a directory is checked with (the same `garrison validate`
    /// builds: the environment's `GARRISON_VAR_*` and the selected workspace).
    pub inputs: Box<dyn Fn(&Path) -> VarInputs>,
    /// The catalog a directory is checked against (what `garrison validate` uses there:
    /// the cached live catalog, else the built-in one).
    pub offered: Box<dyn Fn(&Path) -> Offered>,
    /// How long a directory's documents must be still after a change before it is checked.
    pub debounce: Duration,
}

/// The default debounce.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Runs the server on stdin and stdout until the editor says `exit` (or closes stdin).
pub fn run_stdio(settings: &Settings) -> Result<(), LspError> {
    let (conn, io_threads) = Connection::stdio();
    run(&conn, settings)?;
    drop(conn);
    io_threads.join()?;
    Ok(())
}

/// Initializes and serves one connection.
/// An editor that leaves before `initialize` (closing stdin) ends the server quietly.
pub fn run(conn: &Connection, settings: &Settings) -> Result<(), LspError> {
    let caps = serde_json::to_value(capabilities::capabilities())?;
    match conn.initialize(caps) {
        Ok(_) => server::serve(conn, settings),
        Err(e) if e.channel_is_disconnected() => Ok(()),
        Err(e) => Err(e.into()),
    }
}
