//! `garrison state rm`, `mv`, `pull` and `push`: parse the addresses, call one
//! `garrison_state::surgery` function, print what it did (on stderr; `pull` prints the
//! document on stdout). The lock, the journal and the backup are the library's.

pub(crate) mod mv;
pub(crate) mod pull;
pub(crate) mod push;
pub(crate) mod rekey;
pub(crate) mod rm;

use garrison_core::StateKey;
use garrison_state::surgery::Written;
use miette::miette;

use crate::console::Console;
use crate::failure::Failure;

/// `arg` as a state address, or a usage error naming it.
fn parse_key(arg: &str) -> Result<StateKey, Failure> {
    arg.parse().map_err(|e| {
        Failure::usage(miette!(
            help = "quote an address with brackets for the shell (`'vm.x[\"k\"]'`); `garrison state list` shows every address",
            "`{arg}` is not a state address: {e}"
        ))
    })
}

/// What the lock and the journal showed on opening: a stale lock taken over, a journal
/// of an interrupted run replayed first.
fn opened(console: &Console, written: &Written) {
    if let Some(holder) = &written.took_over {
        errln!(console, "warning: took over a stale lock held by {holder}");
    }
    if written.recovered > 0 {
        errln!(
            console,
            "note: recovered {} journal record(s) of an interrupted run first",
            written.recovered
        );
    }
}

/// Where the state before the change is kept, and the serial now.
fn backup(console: &Console, written: &Written) {
    match &written.backup {
        Some(b) => errln!(
            console,
            "backup: {} (serial {}, the state before this change; the state is now serial {})",
            b.location,
            b.serial,
            written.serial
        ),
        None => errln!(
            console,
            "backup: none (there was no state before; the state is now serial {})",
            written.serial
        ),
    }
}
