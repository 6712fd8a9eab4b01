//! The lock file's text: pretty JSON, fields in a fixed order, lists sorted, one trailing
//! newline; a file from a newer Garrison is refused rather than misread.

use thiserror::Error;

use crate::pins::{Lock, LOCK_FORMAT_VERSION};

/// Why a lock file's text is not a lock.
#[derive(Debug, Error)]
pub enum LockFileError {
    /// Not JSON, or not the lock's shape.
    #[error("not a lock file: {0}")]
    Parse(#[from] serde_json::Error),
    /// Written by a newer Garrison.
    #[error("lock format_version {found} is newer than this Garrison reads ({supported})")]
    Newer { found: u32, supported: u32 },
}

impl Lock {
    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Parses a lock file's text.
    pub fn from_text(text: &str) -> Result<Lock, LockFileError> {
        let lock: Lock = serde_json::from_str(text)?;
        if lock.format_version > LOCK_FORMAT_VERSION {
            return Err(LockFileError::Newer {
                found: lock.format_version,
                supported: LOCK_FORMAT_VERSION,
            });
        }
        Ok(lock)
    }
}
