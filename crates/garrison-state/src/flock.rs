//! The kernel's advisory lock on the lock file (`flock`, exclusive, non-blocking): held
//! for the whole run by an open file, released by the kernel when the holder exits
//! however it exits, so liveness never depends on host names or pids.

use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;

use crate::atomic::{ensure_dir, parent_dir, private_options, sync_dir};
use crate::bounded::check_regular;
use crate::error::Error;

/// The outcome of [`try_lock`].
pub(crate) enum TryLock {
    /// We hold the kernel lock on the file now at the path, through this handle.
    Held(File),
    /// A live process holds it.
    Busy,
}

/// Open (creating it if missing) the lock file and try to take its kernel lock. Retries when
/// the file we locked was removed or replaced meanwhile (its holder released it), so the
/// lock held is always on the file the path names.
pub(crate) fn try_lock(path: &Path) -> Result<TryLock, Error> {
    let dir = parent_dir(path);
    ensure_dir(&dir)?;
    for _ in 0..16 {
        if let Ok(meta) = std::fs::metadata(path) {
            check_regular(path, "the lock file", &meta)?;
        }
        let file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::io("open the lock file", path, e))?;
        if !lock_nonblocking(&file).map_err(|e| Error::io("lock", path, e))? {
            return Ok(TryLock::Busy);
        }
        if same_file(&file, path) {
            sync_dir(&dir)?;
            return Ok(TryLock::Held(file));
        }
    }
    Err(Error::LockUnreadable {
        path: path.to_path_buf(),
        reason: "the lock kept changing hands; try again".into(),
    })
}

/// Whether a live process holds the kernel lock on the file at `path` (false when the file
/// does not exist). Takes and drops the lock for an instant when it is free.
pub(crate) fn is_held(path: &Path) -> Result<bool, Error> {
    let file = match std::fs::OpenOptions::new().read(true).open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io("open the lock file", path, e)),
    };
    let free = lock_nonblocking(&file).map_err(|e| Error::io("lock", path, e))?;
    Ok(!free)
}

/// Whether the open `file` is the one `path` names now (same device and inode).
pub(crate) fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(true)` when taken, `Ok(false)` when someone holds it.
#[cfg(unix)]
fn lock_nonblocking(file: &File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(std::io::Error::from(e)),
    }
}

/// Off unix there is no kernel lock here: every attempt succeeds (documented).
#[cfg(not(unix))]
fn lock_nonblocking(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}
