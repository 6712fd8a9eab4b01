//! `garrison force-unlock`: remove a lock left by a crashed or killed run.

use std::path::PathBuf;

use crate::exit::codes;

pub(crate) fn run(dir: Option<PathBuf>, no_color: bool) -> miette::Result<u8> {
    let backend = crate::context::backend_of_dir(&crate::context::dir_or_cwd(dir), no_color)?;
    match backend.force_unlock()? {
        Some(holder) => eprintln!("Removed the lock held by {holder}."),
        None => eprintln!("The state `{}` was not locked.", backend.location()),
    }
    Ok(codes::OK)
}
