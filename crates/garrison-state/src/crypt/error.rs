//! What can go wrong sealing or opening state: a bad key, a missing key, a wrong key, or
//! a ciphertext that does not authenticate.

/// A failure of encryption at rest. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptError {
    /// A key given by the operator does not parse.
    #[error("the state encryption key is not valid: {reason}")]
    BadKey {
        /// Why (never the key itself).
        reason: String,
    },
    /// The bytes are encrypted and no key was given.
    #[error("it is encrypted (key {key_id}) and no state key is set")]
    NoKey {
        /// The id of the key that sealed it.
        key_id: String,
    },
    /// None of the keys given sealed these bytes.
    #[error("it is encrypted with key {key_id}, which is not among the keys given ({have})")]
    UnknownKey {
        /// The id of the key that sealed it.
        key_id: String,
        /// The ids of the keys given, comma-separated.
        have: String,
    },
    /// The right key, but the ciphertext does not authenticate: damaged or tampered.
    #[error("its ciphertext does not authenticate under key {key_id} (damaged or tampered)")]
    Tampered {
        /// The id of the key tried.
        key_id: String,
    },
    /// An envelope that is not well formed.
    #[error("its encryption envelope is malformed: {reason}")]
    Malformed {
        /// What is wrong.
        reason: String,
    },
}
