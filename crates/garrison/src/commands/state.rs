//! `garrison state list` and `garrison state show ADDR`.

use garrison_state::{Replay, Store};
use miette::miette;

use crate::cli::{StateDirArgs, StateShowArgs};
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

pub(crate) fn list(args: &StateDirArgs, console: &Console) -> Ended {
    let backend = crate::context::backend_of_dir_with(&args.path(), &args.vars, console)?;
    let replay = Store::peek(backend.as_ref())?;
    for (address, rs) in &replay.state.resources {
        outln!(console, "{address}\t{}\t{}", rs.remote_id, rs.name);
    }
    pending_note(&replay, console);
    Ok(Outcome::Success)
}

/// Says on stderr how many interrupted operations the next apply resolves, if any.
pub(crate) fn pending_note(replay: &Replay, console: &Console) {
    if !replay.unresolved.is_empty() {
        errln!(
            console,
            "note: {} interrupted operation(s) will be resolved by the next `garrison apply`",
            replay.unresolved.len()
        );
    }
}

pub(crate) fn show(args: &StateShowArgs, console: &Console) -> Ended {
    let address = &args.address;
    let backend =
        crate::context::backend_of_dir_with(&args.state.path(), &args.state.vars, console)?;
    let state = Store::peek(backend.as_ref())?.state;
    let Some(rs) = state.resources.get(address) else {
        return Err(Failure::usage(miette!(
            help = "`garrison state list` shows every address",
            "`{address}` is not in the state"
        )));
    };
    let text = serde_json::to_string_pretty(rs)
        .map_err(|e| Failure::internal(miette!("could not encode `{address}`: {e}")))?;
    outln!(console, "{text}");
    Ok(Outcome::Success)
}
