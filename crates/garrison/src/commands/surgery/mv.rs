//! `garrison state mv FROM TO [DIR]`: rename state entries without a cloud call.

use garrison_state::surgery;

use crate::cli::StateMvArgs;
use crate::commands::surgery::{backup, opened, parse_key};
use crate::console::Console;
use crate::exit::{Ended, Outcome};

pub(crate) fn run(args: &StateMvArgs, console: &Console) -> Ended {
    let from = parse_key(&args.from)?;
    let to = parse_key(&args.to)?;
    let backend =
        crate::context::backend_of_dir_with(&args.state.path(), &args.state.vars, console)?;
    let moved = surgery::move_entries(backend, &from, &to)?;
    opened(console, &moved.written);
    for (r, to) in &moved.moves {
        errln!(
            console,
            "Moved `{}` to `{to}` (id {}, name `{}`): no cloud call; the object keeps its cloud name.",
            r.address,
            r.remote_id,
            r.name
        );
    }
    if !moved.dependents.is_empty() {
        let list: Vec<String> = moved.dependents.iter().map(|k| format!("`{k}`")).collect();
        errln!(
            console,
            "Updated the `dependencies` of {} to the new address(es).",
            list.join(", ")
        );
    }
    backup(console, &moved.written);
    Ok(Outcome::Success)
}
