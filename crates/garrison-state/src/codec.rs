//! The on-disk encoding of a [`StateDoc`]: pretty JSON with a sha256 checksum of its
//! canonical content, checked on read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::doc::{OutputState, ResourceState, StateDoc, FORMAT_VERSION};
use crate::error::Error;
use crate::journal::Intent;

const CHECKSUM_PREFIX: &str = "sha256:";

/// The file as written: the checksum sits after the header fields so a human sees it first.
#[derive(Serialize)]
struct OnDisk<'a> {
    format_version: u32,
    lineage: &'a Uuid,
    serial: u64,
    checksum: &'a str,
    resources: &'a BTreeMap<String, ResourceState>,
    outputs: &'a BTreeMap<String, OutputState>,
    #[serde(skip_serializing_if = "<[Intent]>::is_empty")]
    pending: &'a [Intent],
}

/// `sha256:<hex>` of the canonical JSON of `doc` (keys sorted, no whitespace).
pub fn checksum(doc: &StateDoc) -> Result<String, Error> {
    let value = serde_json::to_value(doc).map_err(|source| Error::Encode {
        what: "the state document",
        source,
    })?;
    checksum_of_value(&value).map_err(|source| Error::Encode {
        what: "the state document",
        source,
    })
}

pub(crate) fn checksum_of_value(value: &Value) -> Result<String, serde_json::Error> {
    let mut bytes = Vec::new();
    write_canonical(value, &mut bytes)?;
    Ok(format!(
        "{CHECKSUM_PREFIX}{}",
        hex::encode(Sha256::digest(&bytes))
    ))
}

/// Canonical JSON: objects with sorted keys, no whitespace, whatever serde_json's map order.
fn write_canonical(value: &Value, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key)?;
                out.push(b':');
                if let Some(v) = map.get(key) {
                    write_canonical(v, out)?;
                }
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out)?;
            }
            out.push(b']');
        }
        scalar => serde_json::to_writer(&mut *out, scalar)?,
    }
    Ok(())
}

/// Encode `doc` as the bytes of a state file (pretty JSON with `checksum`, trailing newline).
pub fn encode(doc: &StateDoc) -> Result<Vec<u8>, Error> {
    let sum = checksum(doc)?;
    let on_disk = OnDisk {
        format_version: doc.format_version,
        lineage: &doc.lineage,
        serial: doc.serial,
        checksum: &sum,
        resources: &doc.resources,
        outputs: &doc.outputs,
        pending: &doc.pending,
    };
    let mut bytes = serde_json::to_vec_pretty(&on_disk).map_err(|source| Error::Encode {
        what: "the state file",
        source,
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".backup");
    PathBuf::from(s)
}

/// Decode and verify the bytes of the state file at `path` (the path only names errors).
///
/// Refuses, never repairs: invalid JSON, a missing or wrong checksum, a `format_version`
/// newer than [`FORMAT_VERSION`], or a resource filed under an address not its own.
/// Unknown fields are tolerated (and covered by the checksum).
pub fn decode(path: &Path, bytes: &[u8]) -> Result<StateDoc, Error> {
    let corrupt = |reason: String| Error::Corrupt {
        path: path.to_path_buf(),
        backup: backup_path(path),
        reason,
    };
    let mut value: Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not valid JSON: {e}")))?;
    let Some(object) = value.as_object_mut() else {
        return Err(corrupt("the top level is not a JSON object".into()));
    };
    let version = match object.get("format_version") {
        Some(v) => v
            .as_u64()
            .ok_or_else(|| corrupt("`format_version` is not a non-negative integer".into()))?,
        None => return Err(corrupt("`format_version` is missing".into())),
    };
    if version > u64::from(FORMAT_VERSION) {
        return Err(Error::FutureVersion {
            path: path.to_path_buf(),
            backup: backup_path(path),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version == 0 {
        return Err(corrupt("`format_version` 0 is not a valid version".into()));
    }
    let stored = match object.remove("checksum") {
        Some(Value::String(s)) => s,
        Some(_) => return Err(corrupt("`checksum` is not a string".into())),
        None => return Err(corrupt("`checksum` is missing".into())),
    };
    let actual =
        checksum_of_value(&value).map_err(|e| corrupt(format!("cannot hash content: {e}")))?;
    if stored != actual {
        return Err(Error::ChecksumMismatch {
            path: path.to_path_buf(),
            backup: backup_path(path),
            stored,
            actual,
        });
    }
    let mut doc: StateDoc =
        serde_json::from_value(value).map_err(|e| corrupt(format!("unexpected shape: {e}")))?;
    // An older version is read as the current one, and written as it next time.
    doc.format_version = FORMAT_VERSION;
    if let Some((key, r)) = doc
        .resources
        .iter()
        .find(|(k, r)| **k != r.address.to_string())
    {
        return Err(corrupt(format!(
            "resource filed under `{key}` has address `{}`",
            r.address
        )));
    }
    Ok(doc)
}
