//! Reading a state-owned file safely: it must be a regular file (after following a
//! symlink) and at most [`MAX_FILE_BYTES`] long, so `/dev/zero` or a FIFO never hangs a run.

use std::io::{ErrorKind, Read};
use std::path::Path;

use crate::error::Error;

/// The largest state, backup, journal or lock file Garrison reads (256 MiB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The bytes of `path`, or `None` when it does not exist. `what` names it in errors
/// (`the state file`). Refuses anything but a regular file, and files over the limit.
pub(crate) fn read_regular(path: &Path, what: &'static str) -> Result<Option<Vec<u8>>, Error> {
    read_limited(path, what, MAX_FILE_BYTES)
}

/// [`read_regular`] with an explicit limit (tests use a small one).
pub(crate) fn read_limited(
    path: &Path,
    what: &'static str,
    limit: u64,
) -> Result<Option<Vec<u8>>, Error> {
    // Check before opening: opening a FIFO for reading would block.
    match std::fs::metadata(path) {
        Ok(meta) => check_regular(path, what, &meta)?,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("inspect", path, e)),
    }
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("open", path, e)),
    };
    let meta = file.metadata().map_err(|e| Error::io("inspect", path, e))?;
    check_regular(path, what, &meta)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge {
            what,
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(Some(bytes))
}

/// Refuse a directory, device, FIFO or socket where a regular file belongs.
pub(crate) fn check_regular(
    path: &Path,
    what: &'static str,
    meta: &std::fs::Metadata,
) -> Result<(), Error> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = if meta.is_dir() {
        "a directory"
    } else {
        "a device, FIFO or socket"
    };
    Err(Error::NotRegularFile {
        what,
        path: path.to_path_buf(),
        kind,
    })
}
