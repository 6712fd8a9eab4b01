//! The keys of a run: the first seals, every one opens (older keys stay readable while a
//! rotation is under way).

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use super::envelope::Envelope;
use super::error::CryptError;
use super::key::EncryptionKey;

/// What the bytes are, bound into the ciphertext as associated data: a journal record
/// cannot be passed off as a state document, nor the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A state document (or its backup).
    State,
    /// One journal record.
    Journal,
}

impl Purpose {
    fn aad(self) -> &'static [u8] {
        match self {
            Purpose::State => b"garrison-state:v1:state",
            Purpose::Journal => b"garrison-state:v1:journal",
        }
    }
}

/// No keys (state stays plaintext), or a sealing key and older ones that still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyring {
    keys: Vec<EncryptionKey>,
    /// False: the keys only open; writes are plaintext (`garrison state rekey --decrypt`).
    sealing: bool,
}

impl Default for Keyring {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl Keyring {
    /// The keyring of `keys`: the first seals what is written, every one opens.
    pub fn new(keys: Vec<EncryptionKey>) -> Self {
        Self {
            keys,
            sealing: true,
        }
    }

    /// These keys for opening only: what is written is plaintext (turning encryption off).
    pub fn opening_only(mut self) -> Self {
        self.sealing = false;
        self
    }

    /// Parses a list of keys separated by commas or newlines (blank entries and `#`
    /// comment lines skipped): the form of `GARRISON_STATE_KEY` and of a key file.
    pub fn parse(text: &str) -> Result<Self, CryptError> {
        let keys = text
            .split([',', '\n'])
            .map(str::trim)
            .filter(|entry| !entry.is_empty() && !entry.starts_with('#'))
            .map(EncryptionKey::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(keys))
    }

    /// Whether any key is set.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key that seals writes, if any.
    fn sealing_key(&self) -> Option<&EncryptionKey> {
        self.keys.first().filter(|_| self.sealing)
    }

    /// The id of the key that seals writes, if any.
    pub fn sealing_key_id(&self) -> Option<String> {
        self.sealing_key().map(EncryptionKey::id)
    }

    /// Whether `bytes` are sealed (whatever key).
    pub fn is_sealed(bytes: &[u8]) -> bool {
        Envelope::is_sealed(bytes)
    }

    /// The id of the key that sealed `bytes`, if they are sealed and well formed.
    pub fn sealed_with(bytes: &[u8]) -> Option<String> {
        if !Envelope::is_sealed(bytes) {
            return None;
        }
        Envelope::parse(bytes).ok().map(|e| e.key_id)
    }

    /// `plain` sealed under the first key (a fresh random nonce each time), or unchanged
    /// when there is no key. `pretty` writes the envelope for human eyes (state files).
    pub fn seal(&self, purpose: Purpose, plain: Vec<u8>, pretty: bool) -> Vec<u8> {
        let Some(key) = self.sealing_key() else {
            return plain;
        };
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key.bytes()));
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: &plain,
            aad: purpose.aad(),
        };
        // AES-GCM encryption fails only for messages over 64 GiB, far above any state.
        let ciphertext = cipher.encrypt(&nonce, payload).unwrap_or_default();
        Envelope::new(key.id(), nonce.as_slice(), &ciphertext).to_bytes(pretty)
    }

    /// The plaintext of `bytes`: opened with the key that sealed them, or returned as they
    /// are when they are not sealed (plaintext state is read, then sealed on its next write).
    pub fn open(&self, purpose: Purpose, bytes: Vec<u8>) -> Result<Vec<u8>, CryptError> {
        if !Envelope::is_sealed(&bytes) {
            return Ok(bytes);
        }
        let envelope = Envelope::parse(&bytes)?;
        let key = self.key_for(&envelope.key_id)?;
        let (nonce, ciphertext) = envelope.parts()?;
        if nonce.len() != 12 {
            return Err(CryptError::Malformed {
                reason: format!("the nonce has {} bytes, not 12", nonce.len()),
            });
        }
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key.bytes()));
        let payload = Payload {
            msg: &ciphertext,
            aad: purpose.aad(),
        };
        cipher
            .decrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| CryptError::Tampered {
                key_id: envelope.key_id.clone(),
            })
    }

    fn key_for(&self, key_id: &str) -> Result<&EncryptionKey, CryptError> {
        if self.keys.is_empty() {
            return Err(CryptError::NoKey {
                key_id: key_id.into(),
            });
        }
        self.keys
            .iter()
            .find(|k| k.id() == key_id)
            .ok_or_else(|| CryptError::UnknownKey {
                key_id: key_id.into(),
                have: self
                    .keys
                    .iter()
                    .map(EncryptionKey::id)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> (Keyring, EncryptionKey) {
        let key = EncryptionKey::generate();
        (Keyring::new(vec![key.clone()]), key)
    }

    #[test]
    fn round_trips_and_hides_the_plaintext() {
        let (ring, key) = ring();
        let plain = br#"{"format_version":3,"secret":"hunter2"}"#.to_vec();
        let sealed = ring.seal(Purpose::State, plain.clone(), true);
        assert!(Keyring::is_sealed(&sealed));
        assert_eq!(Keyring::sealed_with(&sealed), Some(key.id()));
        assert!(!String::from_utf8_lossy(&sealed).contains("hunter2"));
        assert_eq!(ring.open(Purpose::State, sealed).expect("open"), plain);
    }

    #[test]
    fn two_seals_differ() {
        let (ring, _) = ring();
        let a = ring.seal(Purpose::Journal, b"same".to_vec(), false);
        let b = ring.seal(Purpose::Journal, b"same".to_vec(), false);
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains(&b'\n'), "a journal envelope is one line");
    }

    #[test]
    fn plaintext_passes_and_no_key_leaves_it_plain() {
        let (ring, _) = ring();
        let plain = b"{\"format_version\":3}".to_vec();
        assert_eq!(
            ring.open(Purpose::State, plain.clone()).expect("plain"),
            plain
        );
        let none = Keyring::default();
        assert_eq!(none.seal(Purpose::State, plain.clone(), true), plain);
        let opening = Keyring::new(vec![EncryptionKey::generate()]).opening_only();
        assert_eq!(opening.seal(Purpose::State, plain.clone(), true), plain);
        assert_eq!(opening.sealing_key_id(), None);
    }

    #[test]
    fn refuses_wrong_missing_tampered_and_swapped() {
        let (ring, key) = ring();
        let sealed = ring.seal(Purpose::State, b"{}".to_vec(), true);
        let err = Keyring::default()
            .open(Purpose::State, sealed.clone())
            .expect_err("no key");
        assert_eq!(err, CryptError::NoKey { key_id: key.id() });
        let other = Keyring::new(vec![EncryptionKey::generate()]);
        let err = other
            .open(Purpose::State, sealed.clone())
            .expect_err("wrong");
        assert!(matches!(err, CryptError::UnknownKey { .. }), "{err}");
        let err = ring
            .open(Purpose::Journal, sealed.clone())
            .expect_err("swap");
        assert!(matches!(err, CryptError::Tampered { .. }), "{err}");
        let mut text = String::from_utf8(sealed).expect("utf8");
        let at = text.find("\"ciphertext\": \"").expect("field") + 15;
        let flipped = if &text[at..at + 1] == "A" { "B" } else { "A" };
        text.replace_range(at..at + 1, flipped);
        let err = ring
            .open(Purpose::State, text.into_bytes())
            .expect_err("tamper");
        assert!(matches!(err, CryptError::Tampered { .. }), "{err}");
    }

    #[test]
    fn an_older_key_still_opens_after_rotation() {
        let old = EncryptionKey::generate();
        let sealed = Keyring::new(vec![old.clone()]).seal(Purpose::State, b"x".to_vec(), true);
        let rotated = Keyring::new(vec![EncryptionKey::generate(), old]);
        assert_eq!(rotated.open(Purpose::State, sealed).expect("old key"), b"x");
    }

    #[test]
    fn parses_lists_with_comments() {
        let (a, b) = (EncryptionKey::generate(), EncryptionKey::generate());
        let text = format!("# current\n{}\n\n{} ,", a.to_base64(), b.to_base64());
        let ring = Keyring::parse(&text).expect("parse");
        assert_eq!(ring, Keyring::new(vec![a.clone(), b]));
        assert_eq!(ring.sealing_key_id(), Some(a.id()));
    }
}
