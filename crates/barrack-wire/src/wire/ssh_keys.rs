//! SSH key pairs (account-wide) and their create request.

use serde::{Deserialize, Serialize};

use crate::id::Id;

/// An SSH key pair. `private_key` is present once, in the answer to a create without
/// `public_key`; it is a secret and must never be stored in state or printed. Keys are
/// account-wide: Barrack copies every key to all regions (CONFIRMED), so a key has no
/// region and serves VMs in any region.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SshKey {
    pub id: Id,
    pub name: String,
    pub public_key: String,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    pub created_at: String,
}

impl std::fmt::Debug for SshKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SshKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("fingerprint", &self.fingerprint)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "(redacted)"),
            )
            .finish_non_exhaustive()
    }
}

/// `POST /ssh-keys` body: a name and an optional public key; no region (keys are
/// account-wide).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct CreateSshKeyRequest {
    pub name: String,
    /// Without it the server generates an RSA key and returns `private_key` once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_is_redacted_in_debug() {
        let key = SshKey {
            private_key: Some("-----BEGIN SECRET".into()),
            ..SshKey::default()
        };
        assert!(!format!("{key:?}").contains("SECRET"));
    }
}
