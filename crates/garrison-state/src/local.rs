//! The local-file backend: `state.json`, `state.json.backup`, `state.json.lock` (held with
//! a kernel file lock) and `state.json.journal` side by side.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::atomic::{
    ensure_dir, parent_dir, private_options, sync_dir, temp_sibling, write_atomic,
};
use crate::backend::Backend;
use crate::bounded::{check_regular, read_regular, MAX_FILE_BYTES};
use crate::codec::{backup_path, decode, encode};
use crate::crypt::{Keyring, Purpose};
use crate::doc::StateDoc;
use crate::error::Error;
use crate::flock::{is_held, same_file, try_lock, TryLock};
use crate::journal::{encode_line, parse, JournalRead, JournalRecord};
use crate::lock::{LockGuard, LockInfo, LockStatus};
use crate::sweep::sweep;

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
    /// Encryption at rest: seals what is written, opens what is read.
    keys: Keyring,
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
            keys: Keyring::default(),
        }
    }

    /// This backend sealing the state, its backup and its journal with `keys`
    /// (see [`Keyring`]); without keys (the default) they are plaintext.
    pub fn with_keys(mut self, keys: Keyring) -> Self {
        self.keys = keys;
        self
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

    /// The error for a lock a live process holds, naming it. The holder writes its name
    /// just after taking the kernel lock: an empty file is re-read for a moment.
    fn busy(&self) -> Error {
        for _ in 0..50 {
            match self.read_lock() {
                Ok(Some(holder)) => {
                    return Error::Locked {
                        path: self.lock.clone(),
                        holder: Box::new(holder),
                    }
                }
                Ok(None) => break,
                Err(Error::LockUnreadable { .. }) => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return e,
            }
        }
        Error::LockUnreadable {
            path: self.lock.clone(),
            reason: "its holder has not written its name".into(),
        }
    }
}

/// Read the holder a stale lock file names (through our locked handle), then write ours.
fn claim(file: &mut File, path: &Path, ours: &[u8]) -> Result<Option<LockInfo>, Error> {
    let mut old = Vec::new();
    (&mut *file)
        .take(MAX_FILE_BYTES)
        .read_to_end(&mut old)
        .map_err(|e| Error::io("read the lock file", path, e))?;
    let stale = serde_json::from_slice::<LockInfo>(&old).ok();
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(ours))
        .and_then(|()| file.sync_data())
        .map_err(|e| Error::io("write the lock file", path, e))?;
    Ok(stale)
}

/// Release: remove the lock file if it is still the one we locked, then close it (which
/// drops the kernel lock).
fn release(path: &Path, file: File) -> Result<(), Error> {
    let result = if same_file(&file, path) {
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("remove the lock file", path, e)),
        }
    } else {
        Ok(())
    };
    drop(file);
    result
}

fn read_lock_file(path: &Path) -> Result<Option<LockInfo>, Error> {
    let Some(bytes) = read_regular(path, "the lock file")? else {
        return Ok(None);
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
fn open_journal(path: &Path, keys: &Keyring) -> Result<File, Error> {
    let dir = parent_dir(path);
    ensure_dir(&dir)?;
    let existed = match std::fs::metadata(path) {
        Ok(meta) => {
            check_regular(path, "the journal", &meta)?;
            true
        }
        Err(_) => false,
    };
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
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut all)
        .map_err(|e| Error::io("read the journal", path, e))?;
    if all.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            what: "the journal",
            path: path.to_path_buf(),
            limit: MAX_FILE_BYTES,
        });
    }
    if let Some(torn) = parse(path, &all, keys)?.torn {
        file.set_len(torn.offset)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("drop the torn last line of the journal", path, e))?;
    }
    Ok(file)
}

impl Backend for LocalBackend {
    fn erase(&self) -> Result<(), Error> {
        *lock_ignoring_poison(&self.journal_file) = None;
        for path in [&self.journal, &self.backup, &self.path] {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("remove", path, e)),
            }
        }
        sync_dir(&parent_dir(&self.path))
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn backup_location(&self) -> String {
        self.backup.display().to_string()
    }

    fn read(&self) -> Result<Option<StateDoc>, Error> {
        match read_regular(&self.path, "the state file")? {
            Some(bytes) => {
                let plain =
                    self.keys
                        .open(Purpose::State, bytes)
                        .map_err(|source| Error::Crypt {
                            what: "the state",
                            location: self.path.display().to_string(),
                            source,
                        })?;
                decode(&self.path, &plain).map(Some)
            }
            None if self.backup.exists() => Err(Error::MissingState {
                path: self.path.clone(),
                backup: self.backup.clone(),
            }),
            None => Ok(None),
        }
    }

    fn write(&self, doc: &StateDoc) -> Result<u64, Error> {
        let bytes = self.keys.seal(Purpose::State, encode(doc)?, true);
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
        let mut file = match try_lock(&self.lock)? {
            TryLock::Held(file) => file,
            TryLock::Busy => return Err(self.busy()),
        };
        let took_over = claim(&mut file, &self.lock, &bytes)?;
        // We hold the lock: no other run writes now, so temp files left are strays.
        sweep(&[&self.path, &self.backup, &self.lock, &self.journal]);
        let path = self.lock.clone();
        Ok(LockGuard::new(info, took_over, move || {
            release(&path, file)
        }))
    }

    fn lock_status(&self) -> Result<Option<LockStatus>, Error> {
        let Some(holder) = self.read_lock()? else {
            return Ok(None);
        };
        let alive = is_held(&self.lock)?;
        Ok(Some(LockStatus { holder, alive }))
    }

    fn force_unlock(&self, id: uuid::Uuid) -> Result<LockInfo, Error> {
        let location = self.lock.display().to_string();
        let holder = self.read_lock()?.ok_or_else(|| Error::NotLocked {
            location: location.clone(),
        })?;
        if holder.id != id {
            return Err(Error::LockIdMismatch {
                location,
                given: id,
                holder: Box::new(holder),
            });
        }
        let file = match try_lock(&self.lock)? {
            TryLock::Held(file) => file,
            TryLock::Busy => {
                return Err(Error::HolderAlive {
                    location,
                    holder: Box::new(holder),
                })
            }
        };
        // Still the same stale holder (nobody took it over between our read and lock)?
        if self.read_lock()?.map(|h| h.id) != Some(id) {
            drop(file);
            return Err(Error::NotLocked { location });
        }
        release(&self.lock, file)?;
        sync_dir(&parent_dir(&self.lock))?;
        Ok(holder)
    }

    fn journal_append(&self, record: &JournalRecord) -> Result<u64, Error> {
        let line = encode_line(&self.keys, record)?;
        let mut slot = lock_ignoring_poison(&self.journal_file);
        if slot.is_none() {
            *slot = Some(open_journal(&self.journal, &self.keys)?);
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
        match read_regular(&self.journal, "the journal")? {
            Some(bytes) => parse(&self.journal, &bytes, &self.keys),
            None => Ok(JournalRead::default()),
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
