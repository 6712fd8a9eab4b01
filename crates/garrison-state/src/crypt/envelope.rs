//! The sealed form on disk and in the database: a small JSON object naming the algorithm
//! and the key, with the nonce and the ciphertext in base64. Written with its marker field
//! first, so a reader tells sealed from plain bytes without parsing the whole document.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::error::CryptError;

/// The only algorithm written (and read).
pub(super) const ALGORITHM: &str = "AES-256-GCM";
/// The envelope format version.
const VERSION: u32 = 1;
/// The marker field, first in every envelope.
const MARKER: &[u8] = b"\"garrison_encrypted\"";

#[derive(Serialize, Deserialize)]
pub(super) struct Envelope {
    garrison_encrypted: u32,
    pub(super) algorithm: String,
    pub(super) key_id: String,
    nonce: String,
    ciphertext: String,
}

impl Envelope {
    pub(super) fn new(key_id: String, nonce: &[u8], ciphertext: &[u8]) -> Self {
        let b64 = base64::engine::general_purpose::STANDARD;
        Self {
            garrison_encrypted: VERSION,
            algorithm: ALGORITHM.into(),
            key_id,
            nonce: b64.encode(nonce),
            ciphertext: b64.encode(ciphertext),
        }
    }

    /// Whether `bytes` are an envelope: a JSON object whose first field is the marker.
    pub(super) fn is_sealed(bytes: &[u8]) -> bool {
        let rest = trim_start(bytes);
        let Some(rest) = rest.strip_prefix(b"{") else {
            return false;
        };
        trim_start(rest).starts_with(MARKER)
    }

    pub(super) fn parse(bytes: &[u8]) -> Result<Self, CryptError> {
        let envelope: Envelope =
            serde_json::from_slice(bytes).map_err(|e| CryptError::Malformed {
                reason: e.to_string(),
            })?;
        if envelope.garrison_encrypted != VERSION {
            return Err(CryptError::Malformed {
                reason: format!(
                    "envelope version {} is not one this Garrison reads ({VERSION})",
                    envelope.garrison_encrypted
                ),
            });
        }
        if envelope.algorithm != ALGORITHM {
            return Err(CryptError::Malformed {
                reason: format!("algorithm `{}` is not {ALGORITHM}", envelope.algorithm),
            });
        }
        Ok(envelope)
    }

    /// The nonce and the ciphertext (with its tag), decoded.
    pub(super) fn parts(&self) -> Result<(Vec<u8>, Vec<u8>), CryptError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let bad = |what: &str| CryptError::Malformed {
            reason: format!("`{what}` is not base64"),
        };
        let nonce = b64.decode(&self.nonce).map_err(|_| bad("nonce"))?;
        let ciphertext = b64
            .decode(&self.ciphertext)
            .map_err(|_| bad("ciphertext"))?;
        Ok((nonce, ciphertext))
    }

    /// Pretty (a state file a human may open) or compact (one journal line).
    pub(super) fn to_bytes(&self, pretty: bool) -> Vec<u8> {
        let written = if pretty {
            serde_json::to_vec_pretty(self)
        } else {
            serde_json::to_vec(self)
        };
        // Strings and integers only: serialising cannot fail.
        written.unwrap_or_default()
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}
