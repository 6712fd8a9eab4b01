//! `garrison state push FILE [DIR] [--force]`: replace the state with a file (`-`: stdin).

use std::io::Read;
use std::path::Path;

use garrison_state::surgery::{self, PushConflict, Pushed};
use garrison_state::MAX_FILE_BYTES;
use miette::miette;

use crate::cli::StatePushArgs;
use crate::commands::surgery::{backup, opened};
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

pub(crate) fn run(args: &StatePushArgs, console: &Console) -> Ended {
    let (name, bytes) = read(&args.file)?;
    let backend =
        crate::context::backend_of_dir_with(&args.state.path(), &args.state.vars, console)?;
    let pushed = surgery::push(backend, &name, &bytes, args.force)?;
    opened(console, &pushed.written);
    warnings(console, &pushed);
    errln!(
        console,
        "Pushed `{}` (lineage {}, serial {}, {} resource(s)) to {}.",
        pushed.file,
        pushed.lineage,
        pushed.file_serial,
        pushed.resources,
        pushed.written.location
    );
    backup(console, &pushed.written);
    Ok(Outcome::Success)
}

/// The file's name for messages and its bytes; `-` reads standard input.
fn read(file: &Path) -> Result<(String, Vec<u8>), Failure> {
    if file.as_os_str() != "-" {
        let bytes = surgery::read_push_file(file)?;
        return Ok((file.display().to_string(), bytes));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Failure::usage(miette!("could not read the state from standard input: {e}"))
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Failure::usage(miette!(
            "the state on standard input is larger than {} MiB",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    Ok(("(standard input)".to_string(), bytes))
}

/// What `--force` overrode, and interrupted operations the file drops.
fn warnings(console: &Console, pushed: &Pushed) {
    match pushed.forced {
        Some(PushConflict::Lineage { file, state }) => errln!(
            console,
            "warning: --force: the file's lineage {file} is not the state's lineage {state}; the state's history is replaced by the file's"
        ),
        Some(PushConflict::Serial { file, state }) => errln!(
            console,
            "warning: --force: the file's serial {file} is older than the state's serial {state}; the newer state is overwritten"
        ),
        None => {}
    }
    for intent in &pushed.dropped_pending {
        errln!(
            console,
            "warning: the state tracked an interrupted {} of `{}` (`{}`, at {}) that the file does not: an object it created is no longer looked for",
            intent.action,
            intent.address,
            intent.name,
            intent.at
        );
    }
}
