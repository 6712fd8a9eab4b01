//! SSH key operations: list, create (import or generate), get, delete. Keys are
//! account-wide: each is in every region.

use barrack_wire::wire::{keys, CreateSshKeyRequest, SshKey};
use barrack_wire::Id;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::request::Req;
use crate::sim::Sim;
use crate::validate;

/// Public key types the API accepts.
const KEY_TYPES: &[&str] = &[
    "ssh-rsa",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

impl Sim {
    fn ssh_key(&self, req: &Req) -> ApiResult<(u64, &SshKey)> {
        let id = req.id("ssh key")?;
        self.world
            .ssh_keys
            .get(&id)
            .map(|k| (id, k))
            .ok_or_else(|| ApiError::not_found("ssh key", id))
    }

    pub(super) fn list_ssh_keys(&mut self, req: &Req) -> ApiResult<Envelope> {
        // Keys are in every region: a `region` filter (validated) keeps them all.
        req.region(&self.catalog)?;
        let list: Vec<&SshKey> = self.world.ssh_keys.values().collect();
        Ok(Envelope::ok("SSH keys retrieved").page(keys::SSH_KEYS, list, req.paging()?))
    }

    pub(super) fn get_ssh_key(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (_, key) = self.ssh_key(req)?;
        Ok(Envelope::ok("SSH key retrieved").with(keys::SSH_KEY, key))
    }

    pub(super) fn create_ssh_key(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: CreateSshKeyRequest = req.json()?;
        validate::name("ssh key", &body.name, false)?;
        if self.world.ssh_keys.values().any(|k| k.name == body.name) {
            return Err(ApiError::bad_request(format!(
                "an ssh key named `{}` already exists",
                body.name
            )));
        }
        // Every key is copied to all regions, so 25 per region is 25 per account.
        if self.world.ssh_keys.len() >= self.limits.ssh_keys {
            return Err(ApiError::bad_request(format!(
                "limit reached: {} ssh keys per region (every key is in every region)",
                self.limits.ssh_keys
            )));
        }
        let (public_key, blob, private_key) = match &body.public_key {
            Some(text) => {
                let blob = parse_public_key(text)?;
                (text.trim().to_owned(), blob, None)
            }
            None => {
                let (public_key, blob, private_key) = self.generate_key(&body.name);
                (public_key, blob, Some(private_key))
            }
        };
        let id = self.world.new_id();
        let key = SshKey {
            id: Id::from(id),
            name: body.name,
            public_key,
            fingerprint: format!("SHA256:{}", STANDARD_NO_PAD.encode(Sha256::digest(&blob))),
            private_key: None,
            created_at: self.timestamp(now),
        };
        self.world.ssh_keys.insert(id, key.clone());
        self.dirty = true;
        let shown = SshKey { private_key, ..key };
        Ok(Envelope::ok("SSH key created").with(keys::SSH_KEY, shown))
    }

    pub(super) fn delete_ssh_key(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (id, _) = self.ssh_key(req)?;
        let wire_id = Id::from(id);
        if let Some(user) = self
            .world
            .instances
            .values()
            .find(|i| i.wire.ssh_key_ids.contains(&wire_id))
        {
            return Err(ApiError::conflict(format!(
                "ssh key {id} is used by instance {} ({})",
                user.wire.id, user.wire.name
            )));
        }
        self.world.ssh_keys.remove(&id);
        self.dirty = true;
        Ok(Envelope::ok(format!("SSH key {id} deleted")))
    }

    /// A well-formed `ssh-rsa` public key with random modulus, and a private-key-shaped
    /// blob. The emulator is not a crypto library: the pair does not work with real SSH.
    fn generate_key(&mut self, comment: &str) -> (String, Vec<u8>, String) {
        let mut modulus = vec![0u8; 257];
        self.rng.fill_bytes(&mut modulus[1..]);
        modulus[0] = 0;
        modulus[1] |= 0x80;
        let mut blob = Vec::new();
        put_string(&mut blob, b"ssh-rsa");
        put_string(&mut blob, &[0x01, 0x00, 0x01]);
        put_string(&mut blob, &modulus);
        let public_key = format!("ssh-rsa {} {comment}", STANDARD.encode(&blob));
        let mut secret = vec![0u8; 1200];
        self.rng.fill_bytes(&mut secret);
        let body = STANDARD.encode(&secret);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(70)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        let private_key = format!(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n",
            lines.join("\n")
        );
        (public_key, blob, private_key)
    }
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Checks an OpenSSH public key line (`type base64 [comment]`) and returns its key blob.
fn parse_public_key(text: &str) -> ApiResult<Vec<u8>> {
    let bad = |why: &str| ApiError::bad_request(format!("invalid public_key: {why}"));
    let mut parts = text.split_whitespace();
    let kind = parts.next().ok_or_else(|| bad("empty"))?;
    if !KEY_TYPES.contains(&kind) {
        return Err(bad(&format!("unsupported key type `{kind}`")));
    }
    let data = parts.next().ok_or_else(|| bad("no key data"))?;
    let blob = STANDARD
        .decode(data)
        .map_err(|_| bad("key data is not base64"))?;
    let declared = blob
        .get(..4)
        .and_then(|len| <[u8; 4]>::try_from(len).ok())
        .map(|len| u32::from_be_bytes(len) as usize)
        .and_then(|len| blob.get(4..4 + len));
    if declared != Some(kind.as_bytes()) {
        return Err(bad("key data does not match the key type"));
    }
    Ok(blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_keys() {
        let mut blob = Vec::new();
        put_string(&mut blob, b"ssh-ed25519");
        put_string(&mut blob, &[7u8; 32]);
        let good = format!("ssh-ed25519 {} me@host", STANDARD.encode(&blob));
        assert_eq!(parse_public_key(&good), Ok(blob.clone()));
        let mismatched = format!("ssh-rsa {}", STANDARD.encode(&blob));
        assert!(parse_public_key(&mismatched).is_err());
        assert!(parse_public_key("ssh-ed25519 !!!").is_err());
        assert!(parse_public_key("").is_err());
        assert!(parse_public_key("ssh-dss AAAA").is_err());
    }
}
