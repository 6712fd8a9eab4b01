//! Durable file primitives: atomic replace (temp, fsync, rename, fsync dir) and friends.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The directory holding `path` (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A sibling of `path` named `.<file name>.<tag>-<uuid>`.
pub(crate) fn temp_sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    parent_dir(path).join(format!(".{name}.{tag}-{}", uuid::Uuid::new_v4().simple()))
}

/// Create `dir` and its parents (mode 0700 on unix).
pub(crate) fn ensure_dir(dir: &Path) -> Result<(), Error> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io("create the state directory", dir, e))
}

/// Options for a new private file (mode 0600 on unix).
pub(crate) fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// fsync a directory so a rename or create in it is durable (no-op off unix).
pub(crate) fn sync_dir(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("fsync the state directory", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Replace `path` with `bytes` atomically: a temp file in the same directory (mode 0600),
/// write, fsync, rename over `path`, fsync the directory. On any failure the temp file is
/// removed and `path` is untouched. `fail_after` injects a write failure after that many
/// bytes (fault injection for tests).
pub(crate) fn write_atomic(
    path: &Path,
    bytes: &[u8],
    fail_after: Option<usize>,
) -> Result<(), Error> {
    let dir = parent_dir(path);
    ensure_dir(&dir)?;
    let tmp = temp_sibling(path, "tmp");
    let result = write_new_file(&tmp, bytes, fail_after).and_then(|()| {
        std::fs::rename(&tmp, path)
            .map_err(|e| Error::io("rename the temporary state file over", path, e))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    sync_dir(&dir)
}

/// Create `path` exclusively, write and fsync it.
pub(crate) fn write_new_file(
    path: &Path,
    bytes: &[u8],
    fail_after: Option<usize>,
) -> Result<(), Error> {
    let mut file = private_options()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io("create the temporary file", path, e))?;
    let write = |file: &mut File| -> std::io::Result<()> {
        match fail_after {
            Some(n) if n < bytes.len() => {
                file.write_all(&bytes[..n])?;
                Err(std::io::Error::other("injected write failure"))
            }
            _ => file.write_all(bytes),
        }
    };
    write(&mut file).map_err(|e| Error::io("write the temporary file", path, e))?;
    file.sync_all()
        .map_err(|e| Error::io("fsync the temporary file", path, e))
}
