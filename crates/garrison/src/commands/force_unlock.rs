//! `garrison force-unlock LOCK_ID`: remove a lock record left by a crashed or killed run,
//! after confirmation; the library refuses while its holder is alive.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use garrison_state::LockId;
use miette::miette;

use crate::exit::codes;

pub(crate) fn run(
    lock_id: LockId,
    dir: Option<PathBuf>,
    yes: bool,
    no_color: bool,
) -> miette::Result<u8> {
    let backend = crate::context::backend_of_dir(&crate::context::dir_or_cwd(dir), no_color)?;
    let Some(status) = backend.lock_status()? else {
        eprintln!("The state `{}` is not locked.", backend.location());
        return Ok(codes::OK);
    };
    if status.alive || status.holder.id != lock_id {
        // Refused with the reason (a live holder, or another lock's id).
        backend.force_unlock(lock_id)?;
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(miette!(
                help = "run `garrison force-unlock LOCK_ID --yes` to remove it without asking",
                "refusing to force-unlock without confirmation: stdin is not a terminal"
            ));
        }
        eprint!(
            "The lock of `{}` is held by {}, whose process is gone.\nRemove it? Only `yes` is accepted: ",
            backend.location(),
            status.holder
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            eprintln!("Cancelled: the lock was left as it is.");
            return Ok(codes::ERROR);
        }
    }
    let removed = backend.force_unlock(lock_id)?;
    eprintln!("Removed the lock held by {removed}.");
    Ok(codes::OK)
}
