//! An `ssh-key` block: the public key (account-wide, no region). A private key the cloud
//! generated is never returned again, so no `private-key-file`: the block says so.

use barrack_api::wire::SshKey;
use garrison_core::attr::ssh_key;

use super::Body;
use crate::generate::kdl::string;
use crate::generate::notes::Note;

pub(super) fn body(k: &SshKey) -> Result<Body, String> {
    let public_key = k.public_key.trim();
    if !["ssh-", "ecdsa-", "sk-"]
        .iter()
        .any(|p| public_key.starts_with(p))
    {
        return Err(
            "the API returns no OpenSSH public key for it, and an `ssh-key` block without one would make a new key"
                .into(),
        );
    }
    Ok(Body {
        region: None,
        lines: vec![format!("{} {}", ssh_key::PUBLIC_KEY, string(public_key))],
        notes: vec![Note::PrivateKey],
    })
}
