//! The state as text and JSON: identity, attributes, outputs; seals and sensitive outputs
//! never shown.

use garrison_state::{OutputState, ResourceState, StateDoc};
use serde_json::{json, Value};

use super::{state_to_json, state_to_text};
use crate::seal::seal;

const SECRET: &str = "198.18.77.0/24";

fn resource(address: &str, id: &str, region: &str, attributes: Value) -> ResourceState {
    let address: garrison_config::model::StateKey = address.parse().expect("a state key");
    ResourceState {
        kind: address.address().kind,
        address,
        remote_id: garrison_config::model::RemoteId::new(id),
        name: "box".into(),
        region: region.into(),
        attributes: attributes.as_object().cloned().unwrap_or_default(),
        input_hashes: [("cloud-init".to_string(), "ab".repeat(32))].into(),
        dependencies: vec!["ssh-key.k".into()],
        protect: false,
        private_key_lost: false,
        not_ready: false,
        created_at: "2025-01-02T03:04:05Z".into(),
    }
}

/// A state with a sealed attribute, a seal inside a list, and a sensitive output.
fn state() -> (StateDoc, String) {
    let sealed = seal(&json!(SECRET));
    let seal_text = sealed["sealed"].as_str().expect("a seal").to_string();
    let mut doc = StateDoc::fresh();
    doc.serial = 3;
    let vm = resource(
        "vm.box",
        "42",
        "NORWAY-1",
        json!({
            "gpu-model": "L40",
            "security-rules": [{"direction": "ingress", "protocol": "tcp", "ethertype": "IPv4",
                                "port-min": 22, "port-max": 22, "remote": sealed.clone()}],
            "cloud-init": sealed,
        }),
    );
    let mut key = resource("ssh-key.k", "7", "", json!({"fingerprint": "SHA256:x"}));
    key.name = "k".into();
    key.dependencies.clear();
    for rs in [vm, key] {
        doc.resources.insert(rs.address.to_string(), rs);
    }
    doc.outputs.insert(
        "ip".into(),
        OutputState {
            value: json!("203.0.113.7"),
            sensitive: false,
        },
    );
    doc.outputs.insert(
        "token".into(),
        OutputState {
            value: json!(SECRET),
            sensitive: true,
        },
    );
    (doc, seal_text)
}

/// Renders both ways and checks that neither shows the secret, a seal or an input hash.
fn check(doc: &StateDoc, seal_text: &str) -> (String, Value) {
    let text = state_to_text(doc);
    let json_text = state_to_json(doc);
    for shown in [&text, &json_text] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains(seal_text), "{shown}");
        assert!(!shown.contains("argon2id"), "{shown}");
        assert!(!shown.contains(&"ab".repeat(32)), "{shown}");
    }
    let value = serde_json::from_str(&json_text).expect("JSON");
    (text, value)
}

#[test]
fn text_lists_identity_attributes_and_outputs_redacted() {
    let (doc, seal_text) = state();
    let (text, _) = check(&doc, &seal_text);
    insta::assert_snapshot!("state_text", text);
    assert!(text.contains("# vm.box: vm `box` (remote id 42) in NORWAY-1\n"));
    assert!(
        text.contains("    cloud-init     = (sensitive)\n"),
        "{text}"
    );
    assert!(text.contains("from (sensitive)"), "{text}");
    assert!(text.contains("  token = (sensitive)\n"), "{text}");
}

#[test]
fn json_has_the_documented_fields() {
    let (doc, seal_text) = state();
    let (_, value) = check(&doc, &seal_text);
    insta::assert_snapshot!("state_json", state_to_json(&doc));
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["serial"], 3);
    let addresses: Vec<&str> = value["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["address"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(addresses, ["ssh-key.k", "vm.box"]);
    let vm = &value["resources"][1];
    assert_eq!(vm["remote_id"], "42");
    assert_eq!(vm["kind"], "vm");
    assert_eq!(vm["attributes"]["cloud-init"], "(sensitive)");
    assert_eq!(
        vm["attributes"]["security-rules"][0]["remote"],
        "(sensitive)"
    );
    assert_eq!(
        value["outputs"]["token"],
        json!({"value": "(sensitive)", "sensitive": true})
    );
    assert_eq!(value["outputs"]["ip"]["value"], "203.0.113.7");
}

#[test]
fn an_empty_state_says_so() {
    let doc = StateDoc::fresh();
    assert_eq!(state_to_text(&doc), "No resources in the state.\n");
    let value: Value = serde_json::from_str(&state_to_json(&doc)).expect("JSON");
    assert_eq!(value["resources"], json!([]));
    assert_eq!(value["outputs"], json!({}));
}

/// Every key of the JSON names, at any depth, except the maps' own keys (attribute and
/// output names).
fn format_keys(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                into.push(k.clone());
                if k != "attributes" && k != "outputs" {
                    format_keys(v, into);
                } else if k == "outputs" {
                    for output in v.as_object().into_iter().flat_map(|m| m.values()) {
                        format_keys(output, into);
                    }
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| format_keys(v, into)),
        _ => {}
    }
}

#[test]
fn docs_state_md_names_every_field() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/state.md"))
        .expect("docs/state.md");
    let section = doc
        .split("## The state as JSON")
        .nth(1)
        .and_then(|s| s.split("```json").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("a JSON block under `## The state as JSON`");
    let (state, _) = state();
    let value: Value = serde_json::from_str(&state_to_json(&state)).expect("JSON");
    let mut keys = Vec::new();
    format_keys(&value, &mut keys);
    for key in &keys {
        assert!(
            section.contains(&format!("\"{key}\":")),
            "docs/state.md does not document `{key}`"
        );
    }
}
