//! The state file: loaded on start, replaced atomically (temp + fsync + rename) on change.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::world::{World, FORMAT_VERSION};

/// Writes snapshots of the world in order, skipping any older than the last written.
#[derive(Debug)]
pub(crate) struct Persister {
    path: PathBuf,
    written: tokio::sync::Mutex<u64>,
}

impl Persister {
    pub(crate) fn new(path: PathBuf) -> Self {
        Persister {
            path,
            written: tokio::sync::Mutex::new(0),
        }
    }

    /// Writes snapshot number `version` unless a newer one is already on disk.
    pub(crate) async fn save(&self, version: u64, bytes: Vec<u8>) -> io::Result<()> {
        let mut written = self.written.lock().await;
        if version <= *written {
            return Ok(());
        }
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || write_atomic(&path, &bytes))
            .await
            .map_err(io::Error::other)??;
        *written = version;
        Ok(())
    }
}

/// Reads the world from `path`; `None` when the file does not exist.
pub(crate) fn load(path: &Path) -> io::Result<Option<World>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("reading state file {}: {e}", path.display()),
            ))
        }
    };
    let world: World = serde_json::from_slice(&bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("parsing state file {}: {e}", path.display()),
        )
    })?;
    if world.format_version != FORMAT_VERSION {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "state file {} has format_version {}, this emulator reads {FORMAT_VERSION}",
                path.display(),
                world.format_version
            ),
        ));
    }
    Ok(Some(world))
}

/// Replaces `path` with `bytes` so that a crash leaves the old or the new file, never half.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let context = |what: &str, e: io::Error| {
        io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    {
        // Mode 0600: the account holds script contents, which may be sensitive.
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&tmp)
            .map_err(|e| context("creating temp file for", e))?;
        file.write_all(bytes)
            .map_err(|e| context("writing temp file for", e))?;
        file.sync_all()
            .map_err(|e| context("syncing temp file for", e))?;
    }
    fs::rename(&tmp, path).map_err(|e| context("renaming temp file onto", e))?;
    // Make the rename durable; not every platform lets a directory be opened and synced.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.json");
        assert!(load(&path).unwrap().is_none());
        let world = World::seed(
            0,
            &barrack_wire::Catalog::builtin(),
            &crate::limits::Limits::default(),
        );
        write_atomic(&path, &serde_json::to_vec(&world).unwrap()).unwrap();
        let back = load(&path).unwrap().unwrap();
        assert_eq!(back.stock, world.stock);
        fs::write(&path, b"{not json").unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.to_string().contains("sim.json"), "{err}");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }
}
