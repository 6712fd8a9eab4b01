//! One state encryption key: 32 random bytes, written as base64 (or 64 hex digits), known
//! in files and messages only by its id.

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::OsRng;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::error::CryptError;

/// The length of an AES-256 key.
pub const KEY_BYTES: usize = 32;

/// A 256-bit key. Its `Debug` shows only its id; the bytes never reach a message.
#[derive(Clone, PartialEq, Eq)]
pub struct EncryptionKey {
    bytes: [u8; KEY_BYTES],
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncryptionKey({})", self.id())
    }
}

impl EncryptionKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_BYTES];
        OsRng.fill_bytes(&mut bytes);
        Self { bytes }
    }

    /// Parses a key written as standard base64 (44 characters) or as 64 hex digits,
    /// surrounding whitespace ignored. Errors never repeat the text.
    pub fn parse(text: &str) -> Result<Self, CryptError> {
        let text = text.trim();
        let decoded = if text.len() == 2 * KEY_BYTES && text.bytes().all(|b| b.is_ascii_hexdigit())
        {
            hex::decode(text).ok()
        } else {
            base64::engine::general_purpose::STANDARD.decode(text).ok()
        };
        let Some(decoded) = decoded else {
            return Err(CryptError::BadKey {
                reason: "it is neither base64 nor 64 hex digits".into(),
            });
        };
        let bytes: [u8; KEY_BYTES] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| CryptError::BadKey {
                    reason: format!("it holds {} bytes, not {KEY_BYTES}", decoded.len()),
                })?;
        Ok(Self { bytes })
    }

    /// The key as base64, for `garrison state keygen` to print once.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.bytes)
    }

    /// A public name for the key: the first 8 bytes of `sha256("garrison-state-key:" +
    /// key)` in hex. Recorded beside each ciphertext so a reader picks the right key.
    pub fn id(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"garrison-state-key:");
        hasher.update(self.bytes);
        hex::encode(&hasher.finalize()[..8])
    }

    pub(super) fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_base64_and_hex_alike() {
        let key = EncryptionKey::generate();
        let b64 = key.to_base64();
        let hexed = hex::encode(key.bytes());
        assert_eq!(
            EncryptionKey::parse(&format!(" {b64}\n")).expect("base64"),
            key
        );
        assert_eq!(EncryptionKey::parse(&hexed).expect("hex"), key);
        assert_eq!(key.id().len(), 16);
    }

    #[test]
    fn refuses_wrong_lengths_without_echoing() {
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 16]);
        let err = EncryptionKey::parse(&short).expect_err("16 bytes");
        assert!(err.to_string().contains("16 bytes"), "{err}");
        assert!(!err.to_string().contains(&short), "{err}");
        let err = EncryptionKey::parse("not a key!").expect_err("garbage");
        assert!(!err.to_string().contains("not a key"), "{err}");
    }

    #[test]
    fn debug_shows_only_the_id() {
        let key = EncryptionKey::generate();
        let shown = format!("{key:?}");
        assert!(shown.contains(&key.id()));
        assert!(!shown.contains(&key.to_base64()));
    }
}
