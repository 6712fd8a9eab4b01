//! `garrison force-unlock LOCK_ID`: remove a lock record left by a crashed or killed run,
//! after confirmation; the library refuses while its holder is alive.

use std::io::BufRead;

use miette::miette;

use crate::cli::ForceUnlockArgs;
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

pub(crate) fn run(args: &ForceUnlockArgs, console: &Console) -> Ended {
    let lock_id = args.lock_id;
    let backend = crate::context::backend_of_dir(&args.dir.path(), console)?;
    let Some(status) = backend.lock_status()? else {
        errln!(console, "The state `{}` is not locked.", backend.location());
        return Ok(Outcome::Success);
    };
    if status.alive || status.holder.id != lock_id {
        // Refused with the reason (a live holder, or another lock's id).
        backend.force_unlock(lock_id)?;
    }
    if !args.yes {
        if !console.can_ask() {
            return Err(Failure::usage(miette!(
                help = "run `garrison force-unlock LOCK_ID --yes` to remove it without asking",
                "refusing to force-unlock without confirmation: stdin is not a terminal"
            )));
        }
        err!(
            console,
            "The lock of `{}` is held by {}, whose process is gone.\nRemove it? Only `yes` is accepted: ",
            backend.location(),
            status.holder
        );
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            errln!(console, "Cancelled: the lock was left as it is.");
            return Ok(Outcome::Declined);
        }
    }
    let removed = backend.force_unlock(lock_id)?;
    errln!(console, "Removed the lock held by {removed}.");
    Ok(Outcome::Success)
}
