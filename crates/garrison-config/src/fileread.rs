//! Reading the files a config names (`(file)"..."`) and the config files themselves, safely:
//! the path must resolve (symlinks followed) inside the configuration directory, never under
//! `/proc`, `/sys` or `/dev`; only regular files are read (opened non-blocking, so a FIFO
//! cannot hang the run, then checked with `fstat`); and at most a cap of bytes is read.

use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Trees Garrison never reads from, wherever the config directory is.
const SPECIAL: &[&str] = &["/proc", "/sys", "/dev"];

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refusal {
    #[error("it is outside the configuration directory")]
    Outside,
    #[error("it is under `{0}`, which Garrison never reads")]
    Special(&'static str),
    #[error("it is a {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("it is larger than {}", crate::limits::show_bytes(*cap))]
    TooLarge { cap: usize },
    #[error("it is not UTF-8 text")]
    NotUtf8,
    #[error("{0}")]
    Io(std::io::Error),
}

impl Refusal {
    /// Whether the file simply is not there (as opposed to refused).
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, Refusal::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// Whether the rules refused it (as opposed to an IO error or a size cap).
    pub(crate) fn is_not_allowed(&self) -> bool {
        matches!(
            self,
            Refusal::Outside | Refusal::Special(_) | Refusal::NotRegular(_)
        )
    }
}

/// A configuration directory, resolved once.
#[derive(Debug, Clone)]
pub(crate) struct Root {
    given: PathBuf,
    canon: PathBuf,
}

impl Root {
    pub(crate) fn new(dir: &Path) -> std::io::Result<Root> {
        Ok(Root {
            given: dir.to_path_buf(),
            canon: dir.canonicalize()?,
        })
    }

    /// Reads `path` (relative to the directory, or absolute) if the rules allow, at most
    /// `cap` bytes.
    pub(crate) fn read(&self, path: &Path, cap: usize) -> Result<String, Refusal> {
        let canon = self.resolve(path)?;
        if let Some(special) = SPECIAL.iter().find(|s| canon.starts_with(s)) {
            return Err(Refusal::Special(special));
        }
        read_regular(&canon, cap)
    }

    /// The canonical path of `path`, checked to lie inside the directory. Escapes that can
    /// be seen without the file system (`..` above the top, absolute paths elsewhere) are
    /// refused before anything is looked up, so nothing is learnt about outside files.
    fn resolve(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let joined = if path.is_absolute() {
            if !(path.starts_with(&self.canon) || path.starts_with(&self.given)) {
                return Err(match SPECIAL.iter().find(|s| path.starts_with(s)) {
                    Some(s) => Refusal::Special(s),
                    None => Refusal::Outside,
                });
            }
            path.to_path_buf()
        } else {
            if escapes(path) {
                return Err(Refusal::Outside);
            }
            self.canon.join(path)
        };
        let canon = joined.canonicalize().map_err(Refusal::Io)?;
        if !canon.starts_with(&self.canon) {
            return Err(Refusal::Outside);
        }
        Ok(canon)
    }
}

/// Whether a relative path climbs above its start with `..`.
fn escapes(path: &Path) -> bool {
    let mut depth = 0usize;
    for c in path.components() {
        match c {
            Component::ParentDir if depth == 0 => return true,
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
    }
    false
}

fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // a FIFO opens at once instead of waiting for a writer; a symlink swapped in after
        // the path was resolved is not followed
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    options.open(path)
}

fn read_regular(path: &Path, cap: usize) -> Result<String, Refusal> {
    let file = open(path).map_err(Refusal::Io)?;
    let meta = file.metadata().map_err(Refusal::Io)?;
    if !meta.is_file() {
        return Err(Refusal::NotRegular(file_type_name(&meta.file_type())));
    }
    let mut buf = Vec::new();
    file.take(cap as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(Refusal::Io)?;
    if buf.len() > cap {
        return Err(Refusal::TooLarge { cap });
    }
    String::from_utf8(buf).map_err(|_| Refusal::NotUtf8)
}

fn file_type_name(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
    }
    if t.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_dot_escapes_are_seen_lexically() {
        for p in ["..", "../x", "a/../../x", "./../x"] {
            assert!(escapes(Path::new(p)), "{p}");
        }
        for p in ["x", "a/../x", "a/b/../../x", "./x"] {
            assert!(!escapes(Path::new(p)), "{p}");
        }
    }
}
