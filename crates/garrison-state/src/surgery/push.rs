//! `garrison state push FILE [--force]`: replace the stored state with a file. Terraform's
//! rule: the file must have the state's lineage and a serial no older than the state's
//! (`--force` overrides both); a file that is not a valid state is refused even then. The
//! stored serial ends above both, so every other copy is stale.

use std::path::Path;

use uuid::Uuid;

use crate::backend::Backend;
use crate::bounded::read_regular;
use crate::codec::{backup_path, decode};
use crate::doc::StateDoc;
use crate::error::Error;
use crate::journal::Intent;
use crate::surgery::error::SurgeryError;
use crate::surgery::{open, Before, Written};

/// A check of `state push` that failed, and `--force` overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushConflict {
    /// The file comes from another state's history.
    Lineage {
        /// The file's lineage.
        file: Uuid,
        /// The stored state's lineage.
        state: Uuid,
    },
    /// The file is older than the stored state.
    Serial {
        /// The file's serial.
        file: u64,
        /// The stored state's serial.
        state: u64,
    },
}

impl PushConflict {
    fn refusal(&self, file: &str) -> SurgeryError {
        match *self {
            PushConflict::Lineage { file: f, state } => SurgeryError::LineageMismatch {
                file: file.to_string(),
                file_lineage: f,
                state_lineage: state,
            },
            PushConflict::Serial { file: f, state } => SurgeryError::SerialBehind {
                file: file.to_string(),
                file_serial: f,
                state_serial: state,
            },
        }
    }
}

/// What [`push`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Pushed {
    /// The file pushed, as named.
    pub file: String,
    /// Its lineage (now the state's).
    pub lineage: Uuid,
    /// Its serial.
    pub file_serial: u64,
    /// How many entries it holds.
    pub resources: usize,
    /// The check `--force` overrode.
    pub forced: Option<PushConflict>,
    /// Interrupted operations the state tracked that the file does not: an object they
    /// created is no longer looked for.
    pub dropped_pending: Vec<Intent>,
    /// The write.
    pub written: Written,
}

/// Pure: the check that fails when pushing `file` over `current` (`None`: the backend is
/// empty, which accepts any valid file). The lineage is checked first: serials of two
/// histories do not compare.
pub fn check_push(current: Option<&StateDoc>, file: &StateDoc) -> Option<PushConflict> {
    let current = current?;
    if current.lineage != file.lineage {
        return Some(PushConflict::Lineage {
            file: file.lineage,
            state: current.lineage,
        });
    }
    (file.serial < current.serial).then_some(PushConflict::Serial {
        file: file.serial,
        state: current.serial,
    })
}

/// The bytes of the file to push (a regular file, at most [`crate::MAX_FILE_BYTES`]).
pub fn read_push_file(path: &Path) -> Result<Vec<u8>, SurgeryError> {
    match read_regular(path, "the file to push")? {
        Some(bytes) => Ok(bytes),
        None => Err(Error::io(
            "open the file to push",
            path,
            std::io::ErrorKind::NotFound.into(),
        )
        .into()),
    }
}

/// Decode the pushed bytes as a state file; anything [`decode`] refuses is refused here.
fn decode_file(file: &str, bytes: &[u8]) -> Result<StateDoc, SurgeryError> {
    let path = Path::new(file);
    let invalid = |source| SurgeryError::InvalidFile {
        file: file.to_string(),
        source: Box::new(source),
    };
    let doc = decode(path, bytes).map_err(invalid)?;
    if doc.serial == u64::MAX {
        return Err(invalid(Error::Corrupt {
            path: path.to_path_buf(),
            backup: backup_path(path),
            reason: format!("`serial` {} cannot be bumped", doc.serial),
        }));
    }
    Ok(doc)
}

/// `garrison state push`: decode `bytes` (named `file` in messages), lock, check the lineage
/// and serial ([`check_push`], unless `force`), write the file's document with a serial
/// above both the state's and the file's (the previous state is kept as the backup) and
/// release the lock.
pub fn push(
    backend: Box<dyn Backend>,
    file: &str,
    bytes: &[u8],
    force: bool,
) -> Result<Pushed, SurgeryError> {
    let mut doc = decode_file(file, bytes)?;
    let mut store = open(backend, "garrison state push")?;
    let current = store.stored().then(|| store.state());
    let conflict = check_push(current, &doc);
    if let (Some(conflict), false) = (&conflict, force) {
        return Err(conflict.refusal(file));
    }
    let dropped_pending = dropped(store.state(), &doc);
    let before = Before::of(&store);
    let file_serial = doc.serial;
    doc.serial = file_serial.max(store.state().serial).saturating_add(1);
    let (lineage, resources) = (doc.lineage, doc.resources.len());
    store.replace(doc)?;
    let written = before.commit(store)?;
    Ok(Pushed {
        file: file.to_string(),
        lineage,
        file_serial,
        resources,
        forced: conflict,
        dropped_pending,
        written,
    })
}

/// The state's pending intents the pushed document does not carry.
fn dropped(state: &StateDoc, pushed: &StateDoc) -> Vec<Intent> {
    state
        .pending
        .iter()
        .filter(|p| !pushed.pending.iter().any(|q| q.op_ref() == p.op_ref()))
        .cloned()
        .collect()
}
