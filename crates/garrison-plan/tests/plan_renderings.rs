//! Plans as people and machines read them (findings U6, U8 e, U11, U12): cost follows what
//! apply will leave, plan errors point into the config, config warnings reach the Markdown
//! and JSON plans, and firewall rules compare like with like.

use std::collections::BTreeMap;

use garrison_config::model::{Kind, Model};
use garrison_config::{load_dir, VarInputs};
use garrison_plan::desired::desired;
use garrison_plan::schema::{self, Link};
use garrison_plan::{plan, render, Observed, Plan, PlanError, PlanOptions, Prices, RemoteView};
use garrison_state::{ResourceState, StateDoc};
use serde_json::{json, Value};

const HEAD: &str = r#"
provider "barrack" { region "NORWAY-1" }
ssh-key "k" { public-key "ssh-ed25519 AAAA k"; }
"#;

fn prices() -> Prices {
    Prices {
        gpu_per_hour: [("H100-SXM5-80GB".to_string(), 2.69)].into_iter().collect(),
        hibernated_per_hour: 0.01,
        volume_per_tb_hour: 0.10,
        snapshot_per_gb_hour: 0.0001,
        image_per_gb_hour: 0.0001,
    }
}

/// Loads `text` as `main.kdl` of a fresh directory.
fn model(text: &str) -> Model {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::write(dir.path().join("main.kdl"), format!("{HEAD}{text}"))
        .unwrap_or_else(|e| panic!("write: {e}"));
    match load_dir(dir.path(), &VarInputs::default()) {
        Ok(l) => l.model,
        Err(f) => panic!("config: {:?}", f.errors),
    }
}

/// A state as the last apply of `model` would have left it (ids 1, 2, ... in address
/// order), with `overrides` merged into each address's attributes.
fn state(model: &Model, overrides: &[(&str, Value)]) -> StateDoc {
    let ids: BTreeMap<String, String> = model
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.to_string(), (i + 1).to_string()))
        .collect();
    let mut doc = StateDoc::fresh();
    doc.serial = 1;
    for r in &model.resources {
        let address = r.address.to_string();
        let mut attrs = desired(r);
        for spec in schema::attrs(r.address.kind) {
            let Some(v) = attrs.get_mut(spec.name) else {
                continue;
            };
            let id = |a: &Value| json!(a.as_str().and_then(|a| ids.get(a)).cloned());
            match spec.link {
                Link::None => {}
                Link::One(_) => *v = id(v),
                Link::Many(_) => {
                    *v = Value::Array(v.as_array().into_iter().flatten().map(id).collect())
                }
            }
        }
        if r.address.kind == Kind::Vm {
            attrs.insert("status".into(), json!("ACTIVE"));
        }
        for (_, o) in overrides.iter().filter(|(a, _)| *a == address) {
            for (k, v) in o.as_object().cloned().unwrap_or_default() {
                attrs.insert(k, v);
            }
        }
        doc.resources.insert(
            address.clone(),
            ResourceState {
                address: r.address.clone().into(),
                kind: r.address.kind,
                remote_id: ids[&address].clone().into(),
                name: r.name.clone(),
                region: r.region.clone(),
                attributes: attrs,
                input_hashes: BTreeMap::new(),
                dependencies: Vec::new(),
                protect: r.protect,
                created_at: String::new(),
                private_key_lost: false,
                not_ready: false,
            },
        );
    }
    doc
}

/// The cloud as the state records it, refreshed, with prices.
fn remote(state: &StateDoc) -> RemoteView {
    RemoteView {
        refreshed: true,
        prices: Some(prices()),
        resources: state
            .resources
            .iter()
            .map(|(a, rs)| {
                (
                    a.clone(),
                    Observed::Present {
                        attrs: rs.attributes.clone(),
                    },
                )
            })
            .collect(),
        ..RemoteView::default()
    }
}

fn check(model: &Model, state: &StateDoc) -> Plan {
    plan(model, state, &remote(state), PlanOptions::default())
        .unwrap_or_else(|f| panic!("plan refused: {f}"))
}

const VM: &str = r#"
vm "m" {
    gpu "H100-SXM5-80GB" count=8
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
    lifecycle { ignore-changes "power"; }
}
"#;

/// U6: with `ignore-changes "power"`, a hibernated VM stays hibernated: "No changes" and
/// no cost change.
#[test]
fn u6_cost_respects_ignore_changes() {
    let m = model(VM);
    let s = state(
        &m,
        &[(
            "vm.m",
            json!({"power": "hibernated", "status": "HIBERNATED"}),
        )],
    );
    let p = check(&m, &s);
    assert!(!p.summary.has_changes(), "{:?}", p.changes);
    let cost = p.cost.unwrap_or_else(|| panic!("no cost"));
    assert_eq!(cost.delta_per_hour, 0.0, "{cost:?}");
    assert_eq!(cost.after_per_hour, 0.01, "{cost:?}");
}

/// U6: snapshots and images are billed for their storage: they are costed.
#[test]
fn u6_snapshots_and_images_are_costed() {
    let text = format!(
        "{}\nsnapshot \"s\" {{ vm (ref)\"vm.m\"; }}\nimage \"i\" {{ snapshot (ref)\"snapshot.s\"; }}\n",
        VM
    );
    let m = model(&text);
    let s = state(
        &m,
        &[
            ("snapshot.s", json!({"size-gb": 1000, "status": "SUCCESS"})),
            ("image.i", json!({"size-gb": 1000, "status": "SUCCESS"})),
        ],
    );
    let p = check(&m, &s);
    let cost = p.cost.unwrap_or_else(|| panic!("no cost"));
    // 8 x 2.69 for the VM, 0.10 each for a 1000 GB snapshot and image.
    assert!(
        (cost.before_per_hour - (8.0 * 2.69 + 0.2)).abs() < 1e-6,
        "{cost:?}"
    );
    assert_eq!(cost.delta_per_hour, 0.0, "{cost:?}");
}

/// U8 (e): plan-time errors point at the resource in the config.
#[test]
fn u8_plan_errors_carry_the_config_span() {
    let m = model("\nvolume \"data\" {\n    size-gb 100\n    protect #true\n}\n");
    let s = state(&m, &[("volume.data", json!({"size-gb": 500}))]);
    let failure = match plan(&m, &s, &remote(&s), PlanOptions::default()) {
        Ok(_) => panic!("a shrink must be refused"),
        Err(f) => f,
    };
    let shrink = failure
        .errors
        .iter()
        .find(|e| matches!(e, PlanError::VolumeShrink { .. }))
        .unwrap_or_else(|| panic!("{failure:?}"));
    assert_eq!(shrink.location(), Some(("main.kdl".to_string(), 5, 1)));
}

/// U11: config warnings (open ingress) are in the Markdown and JSON plans.
#[test]
fn u11_plans_carry_config_warnings() {
    let m = model(
        "firewall \"web\" { rule direction=\"ingress\" protocol=\"tcp\" port=8080 remote=\"0.0.0.0/0\"; }\n",
    );
    let p = check(&m, &StateDoc::fresh());
    let md = render::to_markdown(&p);
    assert!(md.contains("open_ingress"), "{md}");
    assert!(
        md.contains("this rule opens port 8080 to the whole internet"),
        "{md}"
    );
    let json: Value = serde_json::from_str(&render::to_json(&p)).unwrap_or_default();
    let w = &json["warnings"][0];
    assert_eq!(w["code"], "garrison::config::open_ingress", "{json}");
    assert_eq!(w["file"], "main.kdl", "{json}");
    assert_eq!(w["line"], 4, "{json}");
}

/// U12: `before` and `after` rules have the same fields and order: an unchanged rule is
/// equal on both sides.
#[test]
fn u12_firewall_rules_compare_like_with_like() {
    let m = model(
        "firewall \"fw\" {\n    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=\"10.0.0.0/8\"\n    \
         rule direction=\"ingress\" protocol=\"tcp\" port=443 remote=\"10.0.0.0/8\"\n    \
         rule direction=\"ingress\" protocol=\"udp\" port=53 remote=\"10.0.0.0/8\"\n}\n",
    );
    let rule = |id: &str, proto: &str, port: u16| {
        json!({"id": id, "direction": "ingress", "protocol": proto, "ethertype": "IPv4",
               "port-min": port, "port-max": port, "remote": "10.0.0.0/8"})
    };
    // ids ordered as strings ("10" < "9"), and a rule the config no longer has
    let s = state(
        &m,
        &[(
            "firewall.fw",
            json!({"rules": [rule("10", "tcp", 443), rule("9", "tcp", 22), rule("11", "tcp", 80)]}),
        )],
    );
    let p = check(&m, &s);
    let json: Value = serde_json::from_str(&render::to_json(&p)).unwrap_or_default();
    let rules = json["changes"][0]["attrs"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["name"] == "rules")
        .cloned()
        .unwrap_or_else(|| panic!("{json}"));
    let before: Vec<Value> = rules["before"].as_array().cloned().unwrap_or_default();
    let after: Vec<Value> = rules["after"]["value"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(before.iter().all(|r| r.get("id").is_none()), "{rules}");
    let common: Vec<&Value> = before.iter().filter(|r| after.contains(r)).collect();
    assert_eq!(
        common.len(),
        2,
        "unchanged rules must be equal on both sides: {rules}"
    );
    let mut sorted = before.clone();
    sorted.sort_by_key(|v| v.to_string());
    assert_eq!(before, sorted, "before is in canonical order: {rules}");
}
