//! The on-disk encoding: round trip, checksum, versions, unknown fields.

mod common;

use garrison_state::{decode, encode, Error, FORMAT_VERSION};
use std::path::Path;

fn decode_str(text: &str) -> Result<garrison_state::StateDoc, Error> {
    decode(Path::new("/x/state.json"), text.as_bytes())
}

fn encoded_value(doc: &garrison_state::StateDoc) -> serde_json::Value {
    serde_json::from_slice(&encode(doc).expect("encode")).expect("json")
}

#[test]
fn round_trip_preserves_everything() {
    let mut doc = common::doc(7, &["vm.a", "volume.b"]);
    doc.outputs.insert(
        "ip".into(),
        garrison_state::OutputState {
            value: serde_json::json!("10.0.0.1"),
            sensitive: false,
        },
    );
    let bytes = encode(&doc).expect("encode");
    let back = decode(Path::new("state.json"), &bytes).expect("decode");
    assert_eq!(back, doc);
}

#[test]
fn header_fields_come_first() {
    let text =
        String::from_utf8(encode(&common::doc(1, &["vm.a"])).expect("encode")).expect("utf8");
    let pos = |k: &str| text.find(&format!("\"{k}\"")).expect(k);
    assert!(pos("format_version") < pos("lineage"));
    assert!(pos("lineage") < pos("serial"));
    assert!(pos("serial") < pos("checksum"));
    assert!(pos("checksum") < pos("resources"));
    assert!(text.contains("\"checksum\": \"sha256:"));
    assert!(!text.contains("pending"), "empty pending is omitted");
}

#[test]
fn tampered_content_is_refused_naming_file_and_backup() {
    let mut value = encoded_value(&common::doc(3, &["vm.a"]));
    value["resources"]["vm.a"]["remote_id"] = serde_json::json!("someone-else");
    let err = decode_str(&value.to_string()).expect_err("tamper must be refused");
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("/x/state.json"), "{err}");
    let help = miette::Diagnostic::help(&err).expect("help").to_string();
    assert!(help.contains("/x/state.json.backup"), "{help}");
}

#[test]
fn tampered_serial_is_refused() {
    let mut value = encoded_value(&common::doc(3, &[]));
    value["serial"] = serde_json::json!(4);
    assert!(matches!(
        decode_str(&value.to_string()),
        Err(Error::ChecksumMismatch { .. })
    ));
}

#[test]
fn future_version_is_refused_before_the_checksum() {
    let mut value = encoded_value(&common::doc(3, &[]));
    value["format_version"] = serde_json::json!(FORMAT_VERSION + 1);
    value["checksum"] = serde_json::json!("sha256:whatever");
    let err = decode_str(&value.to_string()).expect_err("future version");
    assert!(
        matches!(
            err,
            Error::FutureVersion {
                found: 3,
                supported: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let code = miette::Diagnostic::code(&err).expect("code").to_string();
    assert_eq!(code, "garrison::state::future_version");
}

#[test]
fn unknown_fields_are_tolerated_and_covered_by_the_checksum() {
    let doc = common::doc(3, &["vm.a"]);
    let mut value = encoded_value(&doc);
    value
        .as_object_mut()
        .expect("object")
        .insert("written_by".into(), serde_json::json!("garrison 9"));
    value["resources"]["vm.a"]["future_field"] = serde_json::json!([1, 2]);
    // Re-checksum as a newer writer would: the checksum covers everything but itself.
    value.as_object_mut().expect("object").remove("checksum");
    let sum = rechecksum(&value);
    value["checksum"] = serde_json::json!(sum);
    let back = decode_str(&value.to_string()).expect("unknown fields tolerated");
    assert_eq!(back, doc);

    // ...and changing an unknown field is still detected.
    value["written_by"] = serde_json::json!("mallory");
    assert!(matches!(
        decode_str(&value.to_string()),
        Err(Error::ChecksumMismatch { .. })
    ));
}

/// Canonical sha256 of a value, computed independently of the crate (sorted keys, compact).
fn rechecksum(value: &serde_json::Value) -> String {
    use sha2::Digest;
    fn canon(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::Object(m) => {
                let mut keys: Vec<_> = m.keys().collect();
                keys.sort();
                let parts: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{}:{}", serde_json::json!(k), canon(&m[*k])))
                    .collect();
                format!("{{{}}}", parts.join(","))
            }
            serde_json::Value::Array(a) => {
                format!("[{}]", a.iter().map(canon).collect::<Vec<_>>().join(","))
            }
            other => other.to_string(),
        }
    }
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(canon(value))))
}

#[test]
fn malformed_files_are_corrupt_not_panics() {
    let cases = [
        ("", "not valid JSON"),
        ("{\"format_version\": 1, \"lin", "not valid JSON"),
        ("[1,2]", "not a JSON object"),
        ("{}", "`format_version` is missing"),
        ("{\"format_version\": \"1\"}", "not a non-negative integer"),
        (
            "{\"format_version\": 0, \"checksum\": \"x\"}",
            "0 is not a valid version",
        ),
        ("{\"format_version\": 1}", "`checksum` is missing"),
    ];
    for (text, expected) in cases {
        match decode_str(text) {
            Err(Error::Corrupt { reason, .. }) => {
                assert!(reason.contains(expected), "{text:?}: {reason}")
            }
            other => panic!("{text:?}: expected Corrupt, got {other:?}"),
        }
    }
}

#[test]
fn resource_under_the_wrong_address_is_corrupt() {
    let mut doc = common::doc(1, &["vm.a"]);
    if let Some(r) = doc.resources.get_mut("vm.a") {
        r.address = common::key("vm.b");
    }
    let bytes = encode(&doc).expect("encode");
    let err = decode(Path::new("s.json"), &bytes).expect_err("mismatch");
    assert!(err.to_string().contains("filed under `vm.a`"), "{err}");
}

/// S6: version 2 (argon2id seals) still reads a version 1 file, and writes it as version 2.
#[test]
fn a_version_1_file_is_read_and_upgraded_on_write() {
    let mut value = encoded_value(&common::doc(3, &["vm.a"]));
    value["format_version"] = serde_json::json!(1);
    let object = value.as_object_mut().expect("object");
    object.remove("checksum");
    let sum = garrison_state::checksum(
        &serde_json::from_value::<garrison_state::StateDoc>(serde_json::Value::Object(
            object.clone(),
        ))
        .expect("doc"),
    )
    .expect("checksum");
    object.insert("checksum".into(), serde_json::json!(sum));
    let doc = decode_str(&value.to_string()).expect("version 1 is read");
    assert_eq!(doc.format_version, FORMAT_VERSION);
    assert_eq!(FORMAT_VERSION, 2);
    let text = String::from_utf8(encode(&doc).expect("encode")).expect("utf8");
    assert!(text.contains("\"format_version\": 2"), "{text}");
}
