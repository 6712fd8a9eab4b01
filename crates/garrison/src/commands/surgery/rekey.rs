//! `garrison state rekey [DIR] [--decrypt]` (seal the state again with the current key)
//! and `garrison state keygen` (print a new key).

use garrison_state::{surgery, EncryptionKey};
use miette::miette;

use crate::cli::StateRekeyArgs;
use crate::commands::surgery::{backup, opened};
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;
use crate::state_keys::{from_env, KEY_ENV, KEY_FILE_ENV};

pub(crate) fn run(args: &StateRekeyArgs, console: &Console) -> Ended {
    let mut keys = from_env()?;
    if keys.is_empty() {
        return Err(Failure::usage(miette!(
            help = format!("set {KEY_ENV} (or {KEY_FILE_ENV}) to the new key, followed by the old one while rotating: `{KEY_ENV}=NEW,OLD garrison state rekey`"),
            "no state key is set: there is nothing to seal with"
        )));
    }
    if args.decrypt {
        keys = keys.opening_only();
    }
    let key_id = keys.sealing_key_id();
    let backend =
        crate::context::backend_of_dir_keyed(&args.state.path(), &args.state.vars, console, keys)?;
    let rekeyed = surgery::rekey(backend, key_id)?;
    opened(console, &rekeyed.written);
    match &rekeyed.key_id {
        Some(id) => errln!(
            console,
            "Sealed the state at {} (serial {}) and its backup with key {id}; keys listed after the first are no longer needed for it.",
            rekeyed.written.location,
            rekeyed.written.serial
        ),
        None => errln!(
            console,
            "Wrote the state at {} (serial {}) and its backup as plaintext; unset {KEY_ENV}/{KEY_FILE_ENV} to keep it so.",
            rekeyed.written.location,
            rekeyed.written.serial
        ),
    }
    backup(console, &rekeyed.written);
    Ok(Outcome::Success)
}

/// A new random key on stdout (the only output: pipe it into a secret store).
pub(crate) fn keygen(console: &Console) -> Ended {
    let key = EncryptionKey::generate();
    outln!(console, "{}", key.to_base64());
    errln!(
        console,
        "New state key {} (keep it secret; losing it loses the state). Use it as {KEY_ENV}, or one line of the file {KEY_FILE_ENV} names.",
        key.id()
    );
    Ok(Outcome::Success)
}
