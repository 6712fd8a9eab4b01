//! S6: values from sensitive variables are sealed in the state with salted argon2id: the
//! sha256 of the value is nowhere, a re-apply changes nothing (a seal that verifies is
//! kept), and a legacy `sha256:` seal is still read as matching, then rewritten.

mod common;

use common::World;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const CIDR: &str = "10.9.9.0/24";

fn config() -> String {
    format!(
        r#"
provider "barrack" {{
    region "NORWAY-1"
}}
variable "cidr" type="string" default="{CIDR}" sensitive=#true
firewall "fw" {{
    description "ssh"
    rule direction="ingress" protocol="tcp" port=22 remote=(ref)"var.cidr"
}}
"#
    )
}

fn state_text(w: &World) -> String {
    let backend = garrison_state::LocalBackend::in_config_dir(w.dir.path());
    std::fs::read_to_string(backend.path()).expect("state")
}

/// Every sealed value in the state, as strings.
fn seals(state: &Value) -> Vec<String> {
    let mut found = Vec::new();
    fn walk(v: &Value, found: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let (1, Some(Value::String(s))) = (map.len(), map.get("sealed")) {
                    found.push(s.clone());
                }
                map.values().for_each(|v| walk(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    walk(state, &mut found);
    found
}

/// S6: the state's seal is salted argon2id; the unsalted sha256 of the value (what the old
/// seal was, guessable at millions per second) appears nowhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensitive_values_are_sealed_with_salted_argon2id_and_stay_stable() {
    let w = World::start().await;
    let (plan, report, _) = w.apply(&config()).await;
    assert!(plan.summary.has_changes());
    assert!(report.is_success(), "{report:#?}");
    let text = state_text(&w);
    assert!(!text.contains(CIDR), "{text}");
    let state: Value = serde_json::from_str(&text).expect("json");
    let found = seals(&state);
    assert!(!found.is_empty(), "{text}");
    for s in &found {
        assert!(s.starts_with("$argon2id$v=19$m="), "{s}");
    }
    // No unsalted digest of any canonical form of the value.
    for canonical in [json!(CIDR).to_string(), CIDR.to_string()] {
        let sha = hex::encode(Sha256::digest(canonical.as_bytes()));
        assert!(!text.contains(&sha), "unsalted digest in the state");
    }
    // Plans verify against the seal: nothing to do, and a second apply keeps the seal.
    assert!(!w.plan(&config()).await.summary.has_changes());
    let serial = state["serial"].clone();
    let (plan, _, _) = w.apply(&config()).await;
    assert!(!plan.summary.has_changes(), "{:#?}", plan.actions());
    let again: Value = serde_json::from_str(&state_text(&w)).expect("json");
    assert_eq!(seals(&again), found, "a seal that verifies is kept");
    assert_eq!(again["serial"], serial);
}

/// S6: a state written with the old `sha256:` seals still plans "No changes" (the seal is
/// checked by sha256) and the next apply that records the resource rewrites it as argon2id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_sha256_seals_are_read_and_rewritten() {
    let w = World::start().await;
    let (_, report, _) = w.apply(&config()).await;
    assert!(report.is_success(), "{report:#?}");
    // Rewrite the state as an older Garrison would have written it.
    let backend = garrison_state::LocalBackend::in_config_dir(w.dir.path());
    let mut doc = garrison_state::Backend::read(&backend)
        .expect("read")
        .expect("state");
    let mut legacy = 0;
    for rs in doc.resources.values_mut() {
        for value in rs.attributes.values_mut() {
            if garrison_plan::seal::is_sealed(value) {
                let rules = desired_rules(&w);
                let canonical = garrison_plan::seal::normalize(Some(&rules)).to_string();
                *value = json!({"sealed": format!("sha256:{}", hex::encode(Sha256::digest(canonical.as_bytes())))});
                legacy += 1;
            }
        }
    }
    assert!(legacy > 0);
    doc.serial += 1;
    garrison_state::Backend::write(&backend, &doc).expect("write");
    assert!(
        !w.plan(&config()).await.summary.has_changes(),
        "a legacy seal still matches"
    );
    let _ = w.apply(&config()).await;
    let state: Value = serde_json::from_str(&state_text(&w)).expect("json");
    for s in seals(&state) {
        assert!(s.starts_with("$argon2id$"), "rewritten: {s}");
    }
}

/// The firewall's rules as the config wants them (what the planner compares seals with).
fn desired_rules(w: &World) -> Value {
    let model = w.model(&config());
    let spec = model
        .resources
        .iter()
        .find_map(|r| match &r.spec {
            garrison_config::model::Spec::Firewall(spec) => Some(spec.clone()),
            _ => None,
        })
        .expect("a firewall");
    garrison_plan::desired::rules_value(&spec.rules)
}
