//! Sealed values: what the state records instead of a value that came from a sensitive
//! variable. A seal is `{"sealed": "sha256:<hex>"}` of the value's canonical form, so a
//! later plan can still tell "unchanged" from "changed" without the state holding the secret.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::desired;

/// The key of a sealed value.
pub const SEALED: &str = "sealed";

/// True when `value` is a seal.
pub fn is_sealed(value: &Value) -> bool {
    matches!(value, Value::Object(map) if map.len() == 1 && map.contains_key(SEALED))
}

/// The seal of `value` (a seal stays as it is).
pub fn seal(value: &Value) -> Value {
    if is_sealed(value) {
        return value.clone();
    }
    let canonical = normalize(Some(value)).to_string();
    json!({ SEALED: format!("sha256:{}", hex::encode(Sha256::digest(canonical.as_bytes()))) })
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

/// Whether two attribute values are the same, comparing seals when either side is sealed.
pub fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    let sealed = a.is_some_and(is_sealed) || b.is_some_and(is_sealed);
    if sealed {
        let seal_of = |v: Option<&Value>| seal(v.unwrap_or(&Value::Null));
        seal_of(a) == seal_of(b)
    } else {
        normalize(a) == normalize(b)
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
}
#[cfg(test)]
mod timing_tmp {
    #[test]
    fn timing_tmp() {
        let t = std::time::Instant::now();
        for i in 0..20 {
            let _ = super::seal_bytes(format!("v{i}").as_bytes());
        }
        let per = t.elapsed() / 20;
        std::fs::write("/tmp/x/seal_ms", format!("{per:?}")).unwrap();
    }
}
