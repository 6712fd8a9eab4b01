//! Sealed values: what the state records instead of a value that came from a sensitive
//! variable. A seal is `{"sealed": "$argon2id$v=19$m=..,t=..,p=..$<salt>$<hash>"}` (PHC
//! string format) of the value's canonical form, with a random salt per seal: a later plan
//! can still tell "unchanged" from "changed" by [`verify`]ing a value against the seal,
//! while guessing the value from the state costs one slow hash per guess and per seal.
//! Seals written before (`sha256:<hex>`, unsalted) are still verified; the engine replaces
//! them with argon2id seals when it next records the resource.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::desired;

/// The key of a sealed value.
pub const SEALED: &str = "sealed";

/// Argon2id memory cost in KiB (19 MiB), passes and lanes of new seals: about 20 ms per
/// seal on one core of the reference machine (`docs/state.md` has the measurement).
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
/// Argon2id passes of new seals.
pub const ARGON2_PASSES: u32 = 2;
/// Argon2id lanes of new seals.
pub const ARGON2_LANES: u32 = 1;

/// The most memory (KiB) and passes a seal read from a file may ask for; a seal asking more
/// is not verified (it never matches), so a hostile state cannot exhaust memory or CPU.
const MAX_MEMORY_KIB: u32 = 256 * 1024;
const MAX_PASSES: u32 = 16;

const LEGACY_PREFIX: &str = "sha256:";

/// True when `value` is a seal.
pub fn is_sealed(value: &Value) -> bool {
    matches!(value, Value::Object(map) if map.len() == 1 && map.contains_key(SEALED))
}

/// True when `value` is an old unsalted `sha256:` seal (to be replaced).
pub fn is_legacy_seal(value: &Value) -> bool {
    seal_text(value).is_some_and(|s| s.starts_with(LEGACY_PREFIX))
}

fn seal_text(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get(SEALED).and_then(Value::as_str),
        _ => None,
    }
}

/// The seal of `value` (a seal stays as it is). Each call draws a new salt, so two seals of
/// one value differ: compare with [`verify`] or [`same`], never with `==`.
pub fn seal(value: &Value) -> Value {
    if is_sealed(value) {
        return value.clone();
    }
    let canonical = canonical(value);
    json!({ SEALED: seal_bytes(canonical.as_bytes()) })
}

/// The PHC string of an argon2id hash of `secret` with a fresh random salt.
pub fn seal_bytes(secret: &[u8]) -> String {
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes());
    let sealed = match salt {
        Ok(salt) => hasher()
            .hash_password(secret, &salt)
            .map(|h| h.to_string())
            .ok(),
        Err(_) => None,
    };
    // Hashing with valid constant parameters and a 16-byte salt cannot fail; should it,
    // fall back to a seal nothing verifies against (a plan then proposes an update).
    let sealed = sealed.unwrap_or_else(|| "$argon2id$unavailable".to_string());
    remember(&sealed, secret, true);
    sealed
}

fn hasher() -> Argon2<'static> {
    let params =
        Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether `value` is the value `sealed` was made from (false when `sealed` is no seal).
pub fn verify(value: &Value, sealed: &Value) -> bool {
    if is_sealed(value) {
        return value == sealed;
    }
    match seal_text(sealed) {
        Some(text) => verify_bytes(canonical(value).as_bytes(), text),
        None => false,
    }
}

/// Whether `secret` is what the seal string `sealed` was made from: argon2id (PHC) or a
/// legacy `sha256:<hex>`. Results are remembered for the process (keyed by the seal and a
/// digest of the secret, never the secret), so one plan verifies each pair once.
pub fn verify_bytes(secret: &[u8], sealed: &str) -> bool {
    if let Some(hex_digest) = sealed.strip_prefix(LEGACY_PREFIX) {
        return hex::encode(Sha256::digest(secret)) == hex_digest;
    }
    if let Some(known) = recall(sealed, secret) {
        return known;
    }
    let ok = match PasswordHash::new(sealed) {
        Ok(hash) if acceptable(&hash) => hasher().verify_password(secret, &hash).is_ok(),
        _ => false,
    };
    remember(sealed, secret, ok);
    ok
}

/// Refuse to verify against an algorithm other than argon2id or costs beyond the caps.
fn acceptable(hash: &PasswordHash<'_>) -> bool {
    if hash.algorithm.as_str() != "argon2id" {
        return false;
    }
    match Params::try_from(hash) {
        Ok(p) => p.m_cost() <= MAX_MEMORY_KIB && p.t_cost() <= MAX_PASSES,
        Err(_) => false,
    }
}

type Memo = Mutex<HashMap<(String, [u8; 32]), bool>>;

fn memo() -> &'static Memo {
    static MEMO: OnceLock<Memo> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(HashMap::new()))
}

fn key(sealed: &str, secret: &[u8]) -> (String, [u8; 32]) {
    (sealed.to_string(), Sha256::digest(secret).into())
}

fn recall(sealed: &str, secret: &[u8]) -> Option<bool> {
    let memo = memo().lock().unwrap_or_else(|p| p.into_inner());
    memo.get(&key(sealed, secret)).copied()
}

fn remember(sealed: &str, secret: &[u8], ok: bool) {
    let mut memo = memo().lock().unwrap_or_else(|p| p.into_inner());
    if memo.len() > 100_000 {
        memo.clear();
    }
    memo.insert(key(sealed, secret), ok);
}

/// The canonical text a value is sealed as.
fn canonical(value: &Value) -> String {
    normalize(Some(value)).to_string()
}

/// The canonical form values are compared in: null, absent, empty string and empty list are
/// all "nothing"; lists are sorted; rules lose their remote `id`.
pub fn normalize(v: Option<&Value>) -> Value {
    match v {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) if s.is_empty() => Value::Null,
        Some(Value::Array(items)) if items.is_empty() => Value::Null,
        Some(Value::Array(items)) => {
            let mut items: Vec<Value> = items.iter().map(strip_rule_id).collect();
            desired::sort_values(&mut items);
            Value::Array(items)
        }
        Some(other) => other.clone(),
    }
}

/// A rule object without its remote `id` (anything else unchanged).
pub fn strip_rule_id(v: &Value) -> Value {
    match v {
        Value::Object(map) if map.contains_key("direction") => {
            let mut map = map.clone();
            map.remove("id");
            Value::Object(map)
        }
        other => other.clone(),
    }
}

/// Whether two attribute values are the same: a value and a seal by [`verify`]; two seals
/// only when they are the same seal (salted seals of one value differ, so this may say
/// "different" for equal values, which at worst plans a needless update).
pub fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    let nothing = Value::Null;
    match (a.filter(|v| is_sealed(v)), b.filter(|v| is_sealed(v))) {
        (Some(x), Some(y)) => x == y,
        (Some(s), None) => verify(b.unwrap_or(&nothing), s),
        (None, Some(s)) => verify(a.unwrap_or(&nothing), s),
        (None, None) => normalize(a) == normalize(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_compare_like_values() {
        let rules = json!([{"id": "9", "direction": "ingress", "remote": "10.0.0.0/8"}]);
        let same_rules = json!([{"direction": "ingress", "remote": "10.0.0.0/8"}]);
        let sealed = seal(&rules);
        assert!(is_sealed(&sealed));
        assert!(!sealed.to_string().contains("10.0.0.0"));
        assert_eq!(seal(&sealed), sealed);
        assert!(same(Some(&sealed), Some(&same_rules)));
        assert!(!same(Some(&sealed), Some(&json!([]))));
        assert!(same(Some(&seal(&json!([]))), None));
    }

    /// S6: seals are salted argon2id in PHC format: two seals of one value differ, both
    /// verify, and the parameters are written in the seal.
    #[test]
    fn seals_are_salted_argon2id_with_their_parameters() {
        let a = seal(&json!("10.9.9.0/24"));
        let b = seal(&json!("10.9.9.0/24"));
        assert_ne!(a, b, "a per-value random salt");
        let text = a[SEALED].as_str().unwrap_or_default();
        assert!(
            text.starts_with(&format!(
                "$argon2id$v=19$m={ARGON2_MEMORY_KIB},t={ARGON2_PASSES},p={ARGON2_LANES}$"
            )),
            "{text}"
        );
        assert!(verify(&json!("10.9.9.0/24"), &a) && verify(&json!("10.9.9.0/24"), &b));
        assert!(!verify(&json!("10.9.9.1/24"), &a));
        // An unsalted sha256 of the value is nowhere in the seal.
        let sha = hex::encode(Sha256::digest(br#""10.9.9.0/24""#));
        assert!(!text.contains(&sha));
    }

    #[test]
    fn legacy_sha256_seals_still_verify() {
        let value = json!("TOPSECRET");
        let legacy = json!({ SEALED: format!("sha256:{}", hex::encode(Sha256::digest(canonical(&value).as_bytes()))) });
        assert!(is_legacy_seal(&legacy));
        assert!(!is_legacy_seal(&seal(&value)));
        assert!(same(Some(&legacy), Some(&value)));
        assert!(!same(Some(&legacy), Some(&json!("other"))));
    }

    #[test]
    fn seals_asking_for_huge_costs_or_other_algorithms_never_match() {
        let value = json!("x");
        let greedy = json!({ SEALED: "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA" });
        assert!(!verify(&value, &greedy));
        let other = json!({ SEALED: "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA" });
        assert!(!verify(&value, &other));
    }
}
