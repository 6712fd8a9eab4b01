//! `garrison state rm ADDR... [DIR]`: stop managing resources; the cloud is not touched.

use garrison_state::surgery;

use crate::cli::StateRmArgs;
use crate::commands::surgery::{backup, opened, parse_key};
use crate::console::Console;
use crate::exit::{Ended, Outcome};

pub(crate) fn run(args: &StateRmArgs, console: &Console) -> Ended {
    let (targets, dir) = args.split();
    let keys = targets
        .iter()
        .map(|t| parse_key(t))
        .collect::<Result<Vec<_>, _>>()?;
    let backend = crate::context::backend_of_dir_with(&dir, &args.vars, console)?;
    let removed = surgery::remove(backend, &keys)?;
    opened(console, &removed.written);
    for r in &removed.entries {
        errln!(
            console,
            "Removed `{}` (id {}, name `{}`): the object is kept in the cloud; Garrison no longer manages it.",
            r.address,
            r.remote_id,
            r.name
        );
    }
    for key in &removed.deposed_left {
        errln!(
            console,
            "note: `{key}` stays in the state: an object replaced earlier, which the next apply deletes; name it to stop managing it too"
        );
    }
    backup(console, &removed.written);
    Ok(Outcome::Success)
}
