//! Whether an object found by its unique name is the one a create made (D3): it was
//! created at or after the create was requested (less a clock-skew margin), and the
//! attributes fixed at creation are the ones requested. Anything else is someone else's.

use std::fmt;

use chrono::{DateTime, Utc};
use serde_json::Value;

/// Clock skew allowed between the caller's clock and the API's `created_at` (which is also
/// rounded down to the second). An object created more than this before the request is
/// never ours; one created later is, if its attributes match (a create that lands late).
pub const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(2);

/// Attributes fixed at creation, as the wire spells them, compared when both the request
/// and the object have them.
const FIXED: [&str; 11] = [
    "region",
    "size",
    "volume_type",
    "bootable",
    "gpu_model",
    "gpu_count",
    "description",
    "content",
    "public_key",
    "instance_id",
    "snapshot_id",
];

/// Free-text attributes: a mismatch is named, its values never shown.
const TEXT: [&str; 3] = ["description", "content", "public_key"];

/// Attributes the server fills in with a default when the request leaves them empty.
const DEFAULTED: [&str; 2] = ["volume_type", "public_key"];

/// Why an object found by name is not ours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotOurs {
    /// Created before the request (beyond the margin).
    Older { created_at: String, since: String },
    /// Its `created_at` cannot be read, so it cannot be shown to be ours.
    NoTime { created_at: String },
    /// Attributes fixed at creation differ: `(name, requested, found)`.
    Differs(Vec<(String, String, String)>),
}

impl fmt::Display for NotOurs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotOurs::Older { created_at, since } => write!(
                f,
                "it was created at {created_at}, before our create was requested at {since}"
            ),
            NotOurs::NoTime { created_at } => {
                write!(f, "its created_at `{created_at}` cannot be read")
            }
            NotOurs::Differs(fields) => {
                // Free text may come from a sensitive variable: name it, never show it.
                let list: Vec<String> = fields
                    .iter()
                    .map(|(k, want, got)| {
                        if TEXT.contains(&k.as_str()) {
                            format!("another {k}")
                        } else {
                            format!("{k} {got} (we asked for {want})")
                        }
                    })
                    .collect();
                write!(f, "it has {}", list.join(", "))
            }
        }
    }
}

/// Parses an RFC 3339 time (as the API and the journal write it).
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `Ok` when `object` (its wire JSON) can be the result of the create `request` (its wire
/// body, or the same keys built from a config) that was asked for at `since`.
pub fn check(object: &Value, request: &Value, since: DateTime<Utc>) -> Result<(), NotOurs> {
    let created_at = object["created_at"].as_str().unwrap_or_default();
    let Some(created) = parse_time(created_at) else {
        return Err(NotOurs::NoTime {
            created_at: created_at.to_string(),
        });
    };
    if created < since - CLOCK_SKEW {
        return Err(NotOurs::Older {
            created_at: created_at.to_string(),
            since: since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
    }
    let differs: Vec<(String, String, String)> = FIXED
        .iter()
        .filter_map(|key| {
            let want = scalar(request.get(*key)?)?;
            if want.is_empty() && DEFAULTED.contains(key) {
                return None;
            }
            let got = scalar(object.get(*key)?)?;
            (want != got).then(|| (key.to_string(), want, got))
        })
        .collect();
    if differs.is_empty() {
        Ok(())
    } else {
        Err(NotOurs::Differs(differs))
    }
}

/// A scalar's text for comparison (ids may be numbers or strings); `None` for null/objects.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(s: &str) -> DateTime<Utc> {
        parse_time(s).unwrap_or_default()
    }

    fn check_one(object: Value, request: Value, since: &str) -> Result<(), NotOurs> {
        check(&object, &request, at(since))
    }

    /// D3: an object older than the request is never ours; a later one with the requested
    /// attributes is (a create that landed late); a later one that differs is not.
    #[test]
    fn time_and_attributes_decide() {
        let req = json!({"name": "data", "region": "NORWAY-1", "size": 100, "volume_type": "", "description": ""});
        let ours = json!({"name": "data", "region": "NORWAY-1", "size": 100, "volume_type": "ssd", "description": "", "created_at": "2026-01-01T10:05:00Z"});
        assert_eq!(
            check_one(ours.clone(), req.clone(), "2026-01-01T10:00:00Z"),
            Ok(())
        );
        // Within the skew margin before the request: still ours (clocks differ).
        assert_eq!(
            check_one(ours.clone(), req.clone(), "2026-01-01T10:06:30Z"),
            Ok(())
        );
        assert!(matches!(
            check_one(ours, req.clone(), "2026-01-01T10:08:00Z"),
            Err(NotOurs::Older { .. })
        ));
        let foreign = json!({"name": "data", "region": "NORWAY-1", "size": 500, "description": "team B production data", "created_at": "2026-01-01T10:05:00Z"});
        let err = check_one(foreign, req.clone(), "2026-01-01T10:00:00Z").unwrap_err();
        assert!(
            matches!(&err, NotOurs::Differs(d) if d.len() == 2),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("size 500 (we asked for 100)"),
            "{err}"
        );
        let untimed = json!({"name": "data", "created_at": "yesterday"});
        assert!(matches!(
            check_one(untimed, req, "2026-01-01T10:00:00Z"),
            Err(NotOurs::NoTime { .. })
        ));
    }
}
