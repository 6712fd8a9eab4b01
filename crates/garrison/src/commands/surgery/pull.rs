//! `garrison state pull [DIR]`: the state document on stdout, as the backend stores it.

use garrison_state::surgery;
use miette::miette;

use crate::cli::StateDirArgs;
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

pub(crate) fn run(args: &StateDirArgs, console: &Console) -> Ended {
    let backend = crate::context::backend_of_dir_with(&args.path(), &args.vars, console)?;
    let Some(bytes) = surgery::pull(backend.as_ref())? else {
        errln!(
            console,
            "note: there is no state at `{}` yet: nothing to pull",
            backend.location()
        );
        return Ok(Outcome::Success);
    };
    let text = String::from_utf8(bytes)
        .map_err(|e| Failure::internal(miette!("the encoded state is not UTF-8: {e}")))?;
    out!(console, "{text}");
    Ok(Outcome::Success)
}
