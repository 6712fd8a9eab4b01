//! Encryption at rest: the state document, its backup and every journal record sealed
//! with AES-256-GCM under a key the operator holds (`docs/state.md`, "Encryption at rest").
//!
//! A [`Keyring`] holds the key that writes (the first) and older keys that still read, so
//! a key is rotated by putting the new one first, then `garrison state rekey`. Backends
//! seal bytes on their way out ([`Keyring::seal`]) and open them on their way in
//! ([`Keyring::open`]); the checksummed document inside is unchanged. Plaintext is still
//! read (that is how a state becomes encrypted: its next write seals it).

mod envelope;
mod error;
mod key;
mod keyring;

pub use error::CryptError;
pub use key::{EncryptionKey, KEY_BYTES};
pub use keyring::{Keyring, Purpose};
