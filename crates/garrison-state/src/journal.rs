//! Journal records (one JSON object per line, each with its own checksum) and the
//! tolerant parser of a journal file.

use std::path::Path;

use garrison_core::{JournalAction, Kind, StateKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::codec::checksum_of_value;
use crate::crypt::{CryptError, Keyring, Purpose};
use crate::doc::ResourceState;
use crate::edit::Edit;
use crate::error::Error;

/// Identifies one operation: the run that started it and its number within that run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OpRef {
    /// The run (one `Store::open`) that issued the operation.
    pub run_id: Uuid,
    /// Sequence number within the run, from 1.
    pub op_id: u64,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum JournalRecord {
    /// Written (and fsynced) BEFORE an operation is sent.
    Intent(Intent),
    /// Written after the operation's outcome is known.
    Completed(Completed),
    /// A state-only edit (`state rm`, `state mv`), applied whole; no cloud call, no intent.
    Edit(Edit),
}

/// An operation about to be sent: enough to find its effect remotely by unique name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    /// Number within the run.
    pub op_id: u64,
    /// The run.
    pub run_id: Uuid,
    /// The state entry the operation works on.
    pub address: StateKey,
    /// Resource kind.
    pub kind: Kind,
    /// `create`, `update` or `delete`.
    pub action: JournalAction,
    /// The unique cloud name the operation uses.
    pub name: String,
    /// Region, empty for global kinds.
    #[serde(default)]
    pub region: String,
    /// When it was recorded (RFC 3339).
    pub at: String,
}

impl Intent {
    /// The operation this intent announces.
    pub fn op_ref(&self) -> OpRef {
        OpRef {
            run_id: self.run_id,
            op_id: self.op_id,
        }
    }
}

/// The outcome of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completed {
    /// Number within the run (matches its [`Intent`]).
    pub op_id: u64,
    /// The run.
    pub run_id: Uuid,
    /// The state entry that changes.
    pub address: StateKey,
    /// What happened.
    pub outcome: Outcome,
}

impl Completed {
    /// The operation this completes.
    pub fn op_ref(&self) -> OpRef {
        OpRef {
            run_id: self.run_id,
            op_id: self.op_id,
        }
    }
}

/// What an operation did to the state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "Upserted is the common outcome; boxing it would only add an allocation"
)]
pub enum Outcome {
    /// The resource now exists with this state (created, updated or adopted).
    Upserted(ResourceState),
    /// The resource no longer exists.
    Deleted,
    /// The operation ran and the object is exactly as the state records it (re-read and
    /// compared): the intent is resolved, the state entry stays as it was.
    Unchanged,
    /// The operation certainly had no effect remotely. Use this only when that is known;
    /// when the effect is uncertain, write nothing and let the intent stay unresolved.
    Failed {
        /// The API's message.
        message: String,
    },
}

/// A torn last line: the process died while appending it. It was never acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// 1-based line number.
    pub line: usize,
    /// Byte offset where it starts (everything before it is intact).
    pub offset: u64,
    /// Its length in bytes.
    pub bytes: usize,
    /// Why it was rejected.
    pub reason: String,
}

/// A journal as read: every complete record, and the torn tail if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalRead {
    /// Complete records in order.
    pub records: Vec<JournalRecord>,
    /// The torn last line, reported and ignored.
    pub torn: Option<TornTail>,
}

/// The field of a journal line holding the checksum of the rest of the line.
const CHECKSUM: &str = "checksum";

/// Encode one record as JSON carrying `checksum`: `sha256:` + hex of the canonical JSON of
/// the record without it (the state file's scheme).
pub(crate) fn encode_record(record: &JournalRecord) -> Result<Vec<u8>, Error> {
    let encode = |source| Error::Encode {
        what: "a journal record",
        source,
    };
    let mut value = serde_json::to_value(record).map_err(encode)?;
    let sum = checksum_of_value(&value).map_err(encode)?;
    if let Value::Object(map) = &mut value {
        map.insert(CHECKSUM.into(), Value::String(sum));
    }
    serde_json::to_vec(&value).map_err(encode)
}

/// Encode one record for storage: its JSON, sealed when `keys` hold a key (one line).
pub(crate) fn seal_record(keys: &Keyring, record: &JournalRecord) -> Result<Vec<u8>, Error> {
    Ok(keys.seal(Purpose::Journal, encode_record(record)?, false))
}

/// Encode one record as a line (sealed when `keys` hold a key), newline included.
pub(crate) fn encode_line(keys: &Keyring, record: &JournalRecord) -> Result<Vec<u8>, Error> {
    let mut line = seal_record(keys, record)?;
    line.push(b'\n');
    Ok(line)
}

/// Why a record was not accepted.
#[derive(Debug)]
pub(crate) enum RecordError {
    /// Not JSON, or not a record (a torn line, if last).
    Malformed(String),
    /// Valid JSON whose checksum does not match: edited or damaged, never a tear.
    Mismatch {
        /// The checksum on the line.
        stored: String,
        /// What the content hashes to.
        actual: String,
    },
    /// Sealed, and it does not open (no key, another key, or tampered).
    Crypt(CryptError),
}

/// Open (when sealed) and decode one stored record; see [`decode_record`].
pub(crate) fn open_record(
    keys: &Keyring,
    bytes: &[u8],
) -> Result<(JournalRecord, bool), RecordError> {
    if !Keyring::is_sealed(bytes) {
        return decode_record(bytes);
    }
    match keys.open(Purpose::Journal, bytes.to_vec()) {
        Ok(plain) => decode_record(&plain),
        Err(CryptError::Malformed { reason }) => Err(RecordError::Malformed(reason)),
        Err(e) => Err(RecordError::Crypt(e)),
    }
}

/// Decode one record; returns it and whether it carried a checksum (older Garrison wrote
/// none). A checksum that does not match is [`RecordError::Mismatch`].
pub(crate) fn decode_record(bytes: &[u8]) -> Result<(JournalRecord, bool), RecordError> {
    let mut value: Value =
        serde_json::from_slice(bytes).map_err(|e| RecordError::Malformed(e.to_string()))?;
    let stored = match &mut value {
        Value::Object(map) => map.remove(CHECKSUM),
        _ => None,
    };
    let checked = match stored {
        None => false,
        Some(Value::String(stored)) => {
            let actual =
                checksum_of_value(&value).map_err(|e| RecordError::Malformed(e.to_string()))?;
            if stored != actual {
                return Err(RecordError::Mismatch { stored, actual });
            }
            true
        }
        Some(_) => {
            return Err(RecordError::Mismatch {
                stored: "(not a string)".into(),
                actual: checksum_of_value(&value).unwrap_or_default(),
            })
        }
    };
    let record =
        serde_json::from_value(value).map_err(|e| RecordError::Malformed(e.to_string()))?;
    Ok((record, checked))
}

/// Refuses a journal mixing records with and without checksums: only a journal written
/// entirely by an older Garrison (before checksums) may lack them. `checked[i]` is whether
/// record `i` (on line `lines[i]`) carried one.
pub(crate) fn check_mixed(path: &Path, checked: &[bool], lines: &[usize]) -> Result<(), Error> {
    if !checked.iter().any(|c| *c) {
        return Ok(());
    }
    match checked.iter().position(|c| !*c) {
        Some(i) => Err(Error::JournalCorrupt {
            path: path.to_path_buf(),
            line: lines.get(i).copied().unwrap_or(i + 1),
            reason: "the record has no checksum while the others have one (edited?)".into(),
        }),
        None => Ok(()),
    }
}

/// Parse journal bytes. A record counts only if its line is newline-terminated, parses and
/// its checksum matches. The last line may be torn (unterminated or unparseable): it is
/// reported, not fatal. A damaged line before the last is [`Error::JournalCorrupt`]; a
/// checksum mismatch anywhere is [`Error::JournalChecksumMismatch`].
pub(crate) fn parse(path: &Path, bytes: &[u8], keys: &Keyring) -> Result<JournalRead, Error> {
    let mut read = JournalRead::default();
    let mut checked = Vec::new();
    let mut lines = Vec::new();
    let mut rest = bytes;
    let mut line_no = 0;
    let mut offset = 0u64;
    while !rest.is_empty() {
        line_no += 1;
        let (line, terminated, next) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], true, &rest[i + 1..]),
            None => (rest, false, &rest[rest.len()..]),
        };
        let is_last = next.is_empty();
        if !terminated {
            read.torn = Some(TornTail {
                line: line_no,
                offset,
                bytes: line.len(),
                reason: "the line has no terminating newline".into(),
            });
            break;
        }
        let consumed = (rest.len() - next.len()) as u64;
        if line.iter().all(u8::is_ascii_whitespace) {
            offset += consumed;
            rest = next;
            continue;
        }
        match open_record(keys, line) {
            Ok((record, has_sum)) => {
                read.records.push(record);
                checked.push(has_sum);
                lines.push(line_no);
            }
            Err(RecordError::Crypt(source)) => {
                return Err(Error::Crypt {
                    what: "the journal",
                    location: format!("{}, line {line_no}", path.display()),
                    source,
                })
            }
            Err(RecordError::Mismatch { stored, actual }) => {
                return Err(Error::JournalChecksumMismatch {
                    path: path.to_path_buf(),
                    line: line_no,
                    stored,
                    actual,
                })
            }
            Err(RecordError::Malformed(reason)) if is_last => {
                read.torn = Some(TornTail {
                    line: line_no,
                    offset,
                    bytes: line.len(),
                    reason,
                });
            }
            Err(RecordError::Malformed(reason)) => {
                return Err(Error::JournalCorrupt {
                    path: path.to_path_buf(),
                    line: line_no,
                    reason,
                })
            }
        }
        offset += consumed;
        rest = next;
    }
    check_mixed(path, &checked, &lines)?;
    Ok(read)
}
