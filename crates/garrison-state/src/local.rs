//! The local-file backend: `state.json`, `state.json.backup`, `state.json.lock` and
//! `state.json.journal` side by side.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::atomic::{
    ensure_dir, parent_dir, private_options, sync_dir, temp_sibling, write_atomic, write_new_file,
};
use crate::backend::Backend;
use crate::codec::{backup_path, decode, encode};
use crate::doc::StateDoc;
use crate::error::Error;
use crate::journal::{encode_line, parse, JournalRead, JournalRecord};
use crate::lock::{LockGuard, LockInfo};

/// The default state path, relative to the config directory.
pub const DEFAULT_STATE_PATH: &str = ".garrison/state.json";

/// State in local files. See `docs/state.md` for the layout and guarantees.
#[derive(Debug)]
pub struct LocalBackend {
    path: PathBuf,
    backup: PathBuf,
    lock: PathBuf,
    journal: PathBuf,
    /// Open append handle to the journal, checked for a torn tail when opened.
    journal_file: Mutex<Option<File>>,
    /// Fault injection: the next state write fails after this many bytes.
    fail_next_write_after: Mutex<Option<usize>>,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

impl LocalBackend {
    /// A backend whose state file is `path` (created on first write, with its directory).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        Self {
            backup: backup_path(&path),
            lock: with_suffix(&path, ".lock"),
            journal: with_suffix(&path, ".journal"),
            path,
            journal_file: Mutex::new(None),
            fail_next_write_after: Mutex::new(None),
        }
    }

    /// The default backend for a config directory: `<dir>/.garrison/state.json`.
    pub fn in_config_dir(dir: impl AsRef<Path>) -> Self {
        Self::new(dir.as_ref().join(DEFAULT_STATE_PATH))
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The previous state (`state.json.backup`).
    pub fn backup_path(&self) -> &Path {
        &self.backup
    }

    /// The lock file (`state.json.lock`).
    pub fn lock_path(&self) -> &Path {
        &self.lock
    }

    /// The journal (`state.json.journal`).
    pub fn journal_path(&self) -> &Path {
        &self.journal
    }

    /// Fault injection for tests: the next [`Backend::write`] writes only `bytes` bytes of
    /// the temporary file, then fails as a full disk would.
    #[doc(hidden)]
    pub fn fail_next_write_after(&self, bytes: usize) {
        *lock_ignoring_poison(&self.fail_next_write_after) = Some(bytes);
    }

    /// Keep the current state file as the backup: hard link (no copy), else copy.
    fn save_backup(&self) -> Result<(), Error> {
        let tmp = temp_sibling(&self.backup, "tmp");
        match std::fs::hard_link(&self.path, &tmp) {
            Ok(()) => {
                let renamed = std::fs::rename(&tmp, &self.backup)
                    .map_err(|e| Error::io("rename the new backup over", &self.backup, e));
                if renamed.is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
                renamed
            }
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(_) => {
                let bytes = std::fs::read(&self.path)
                    .map_err(|e| Error::io("read the state file to back it up", &self.path, e))?;
                write_atomic(&self.backup, &bytes, None)
            }
        }
    }

    fn read_lock(&self) -> Result<Option<LockInfo>, Error> {
        read_lock_file(&self.lock)
    }

    /// Create the lock file with its full content atomically: write a temp file, then
    /// hard-link it to the lock path (fails if the lock exists, like `O_EXCL`, but never
    /// leaves an empty lock file behind). Falls back to `O_EXCL` create where links fail.
    fn try_create_lock(&self, bytes: &[u8]) -> Result<bool, Error> {
        let dir = parent_dir(&self.lock);
        ensure_dir(&dir)?;
        let tmp = temp_sibling(&self.lock, "tmp");
        write_new_file(&tmp, bytes, None)?;
        let linked = std::fs::hard_link(&tmp, &self.lock);
        let _ = std::fs::remove_file(&tmp);
        let created = match linked {
            Ok(()) => true,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => false,
            Err(_) => match write_new_file(&self.lock, bytes, None) {
                Ok(()) => true,
                Err(Error::Io { source, .. }) if source.kind() == ErrorKind::AlreadyExists => false,
                Err(e) => return Err(e),
            },
        };
        sync_dir(&dir)?;
        Ok(created)
    }

    /// Move a stale lock aside, if it is still the one we judged stale.
    fn remove_stale(&self, stale: &LockInfo) -> Result<(), Error> {
        let aside = temp_sibling(&self.lock, "stale");
        match std::fs::rename(&self.lock, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io("move the stale lock aside", &self.lock, e)),
        }
        let moved = read_lock_file(&aside).ok().flatten();
        if moved.as_ref().map(|m| m.id) == Some(stale.id) {
            let _ = std::fs::remove_file(&aside);
        } else {
            // We raced and moved someone's fresh lock: put it back (fails if yet another
            // process locked meanwhile, in which case the moved lock's owner loses it).
            let _ = std::fs::hard_link(&aside, &self.lock);
            let _ = std::fs::remove_file(&aside);
        }
        Ok(())
    }

    fn release(lock: &Path, id: uuid::Uuid) -> Result<(), Error> {
        match read_lock_file(lock) {
            Ok(Some(holder)) if holder.id == id => {
                std::fs::remove_file(lock).map_err(|e| Error::io("remove the lock file", lock, e))
            }
            // Gone, or someone force-unlocked and re-locked: not ours to remove.
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

fn read_lock_file(path: &Path) -> Result<Option<LockInfo>, Error> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read the lock file", path, e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| Error::LockUnreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
}

fn lock_ignoring_poison<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Open the journal for appending; drop a torn last line, which was never acknowledged, so
/// the next record starts on a clean line (refuses a journal damaged before its end).
fn open_journal(path: &Path) -> Result<File, Error> {
    let dir = parent_dir(path);
    ensure_dir(&dir)?;
    let existed = path.exists();
    let mut file = private_options()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| Error::io("open the journal", path, e))?;
    if !existed {
        sync_dir(&dir)?;
    }
    let mut all = Vec::new();
    file.read_to_end(&mut all)
        .map_err(|e| Error::io("read the journal", path, e))?;
    if let Some(torn) = parse(path, &all)?.torn {
        file.set_len(torn.offset)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("drop the torn last line of the journal", path, e))?;
    }
    Ok(file)
}

impl Backend for LocalBackend {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn read(&self) -> Result<Option<StateDoc>, Error> {
        match std::fs::read(&self.path) {
            Ok(bytes) => decode(&self.path, &bytes).map(Some),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if self.backup.exists() {
                    Err(Error::MissingState {
                        path: self.path.clone(),
                        backup: self.backup.clone(),
                    })
                } else {
                    Ok(None)
                }
            }
            Err(e) => Err(Error::io("read the state file", &self.path, e)),
        }
    }

    fn write(&self, doc: &StateDoc) -> Result<u64, Error> {
        let bytes = encode(doc)?;
        let fail_after = lock_ignoring_poison(&self.fail_next_write_after).take();
        ensure_dir(&parent_dir(&self.path))?;
        self.save_backup()?;
        write_atomic(&self.path, &bytes, fail_after)?;
        Ok(bytes.len() as u64)
    }

    fn lock(&self, info: LockInfo) -> Result<LockGuard, Error> {
        let bytes = serde_json::to_vec_pretty(&info).map_err(|source| Error::Encode {
            what: "the lock file",
            source,
        })?;
        let mut took_over = None;
        // A few rounds: a retry follows a stale take-over or a holder that just left.
        for _ in 0..3 {
            if self.try_create_lock(&bytes)? {
                let path = self.lock.clone();
                let id = info.id;
                return Ok(LockGuard::new(info, took_over, move || {
                    LocalBackend::release(&path, id)
                }));
            }
            match self.read_lock()? {
                None => continue,
                Some(holder) if holder.is_stale() => {
                    self.remove_stale(&holder)?;
                    took_over = Some(holder);
                }
                Some(holder) => {
                    return Err(Error::Locked {
                        path: self.lock.clone(),
                        holder,
                    })
                }
            }
        }
        match self.read_lock()? {
            Some(holder) => Err(Error::Locked {
                path: self.lock.clone(),
                holder,
            }),
            None => Err(Error::LockUnreadable {
                path: self.lock.clone(),
                reason: "the lock kept changing hands; try again".into(),
            }),
        }
    }

    fn force_unlock(&self) -> Result<Option<LockInfo>, Error> {
        let holder = self.read_lock().unwrap_or(None);
        match std::fs::remove_file(&self.lock) {
            Ok(()) => sync_dir(&parent_dir(&self.lock))?,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove the lock file", &self.lock, e)),
        }
        Ok(holder)
    }

    fn journal_append(&self, record: &JournalRecord) -> Result<u64, Error> {
        let line = encode_line(record)?;
        let mut slot = lock_ignoring_poison(&self.journal_file);
        if slot.is_none() {
            *slot = Some(open_journal(&self.journal)?);
        }
        let result = match slot.as_mut() {
            Some(file) => file
                .write_all(&line)
                .and_then(|()| file.sync_data())
                .map_err(|e| Error::io("append to the journal", &self.journal, e)),
            None => Ok(()),
        };
        if result.is_err() {
            // Reopen next time, which drops a partial line.
            *slot = None;
        }
        result.map(|()| line.len() as u64)
    }

    fn journal_read(&self) -> Result<JournalRead, Error> {
        match std::fs::read(&self.journal) {
            Ok(bytes) => parse(&self.journal, &bytes),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(JournalRead::default()),
            Err(e) => Err(Error::io("read the journal", &self.journal, e)),
        }
    }

    fn journal_clear(&self) -> Result<(), Error> {
        let mut slot = lock_ignoring_poison(&self.journal_file);
        *slot = None;
        match std::fs::remove_file(&self.journal) {
            Ok(()) => sync_dir(&parent_dir(&self.journal)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("clear the journal", &self.journal, e)),
        }
    }
}
