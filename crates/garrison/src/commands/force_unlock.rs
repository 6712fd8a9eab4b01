//! `garrison force-unlock`: remove a lock left by a crashed or killed run.

use std::path::PathBuf;

use garrison_state::{Backend, LocalBackend};

use crate::exit::codes;

pub(crate) fn run(dir: Option<PathBuf>) -> miette::Result<u8> {
    let backend = LocalBackend::in_config_dir(crate::context::dir_or_cwd(dir));
    match backend.force_unlock()? {
        Some(holder) => eprintln!("Removed the lock held by {holder}."),
        None => eprintln!("The state `{}` was not locked.", backend.location()),
    }
    Ok(codes::OK)
}
