//! Data-driven planner cases: `tests/plans/<case>/` holds `main.kdl`, optionally `state.json`
//! and `remote.json`; the rendered plan (or its errors) and its steps are an insta snapshot.
//!
//! `state.json`: `{ "<address>": { "id": "10", "from_config": true, "override": {..} } }` or
//! `{ "<address>": { "id": "5", "kind": "volume", "name": "..", "region": "..",
//! "attributes": {..}, "dependencies": [..] } }`; either may say `"private_key_lost": true`. `from_config` fills the attributes from the
//! config's desired attributes (links as the ids of this state), as an apply would have.
//! A top-level `"$config": "../noop"` takes `from_config` attributes from another case's
//! config (the config as of the last apply); `"$outputs": {"name": value}` the outputs it
//! recorded.
//! `remote.json`: `{ "resources": { "<address>": "gone" | { "override": {..} } },
//! "stock": [..], "unmanaged": {..}, "prices": "seed" }`; absent = `--refresh=false`.
//!
//! Every plan's JSON must also match `docs/plan-json.schema.json`, whether or not the case
//! snapshots it (a `JSON` file in the case). A `GRAPH` file adds the step graph as DOT and
//! Mermaid (`garrison graph --plan`); `MARKDOWN` the Markdown plan.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use garrison_config::model::{Kind, Model};
use garrison_config::{load_dir, VarInputs};
use garrison_plan::desired::desired;
use garrison_plan::schema::{self, Link};
use garrison_plan::{
    plan, render, Observed, Plan, PlanFailure, PlanOptions, Prices, RemoteView, StepOp, Stock,
};
use garrison_state::{ResourceState, StateDoc};
use serde_json::{json, Map, Value};

#[path = "support/plan_json_schema.rs"]
mod plan_json_schema;

fn seed_prices() -> Prices {
    Prices {
        gpu_per_hour: [
            ("H100-SXM5-80GB", 2.69),
            ("A100-PCIe-80GB", 1.55),
            ("L40", 1.19),
            ("RTX-A6000", 0.69),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        hibernated_per_hour: 0.01,
        volume_per_tb_hour: 0.10,
        snapshot_per_gb_hour: 0.0001,
        image_per_gb_hour: 0.0001,
    }
}

fn build_state(model: &Model, spec: &Value) -> StateDoc {
    // `"$config": "../noop"`: fill `from_config` entries from that case's config instead
    // (the config as it was at the last apply).
    let base;
    let model = match spec.get("$config").and_then(Value::as_str) {
        Some(rel) => {
            base = load_dir(&model.dir.join(rel), &VarInputs::default())
                .expect("$config loads")
                .model;
            &base
        }
        None => model,
    };
    let mut doc = StateDoc::fresh();
    doc.lineage = uuid::Uuid::nil();
    doc.serial = 3;
    let Some(entries) = spec.as_object() else {
        return doc;
    };
    let entries: Map<String, Value> = entries
        .iter()
        .filter(|(k, _)| !k.starts_with('$'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let ids: BTreeMap<String, String> = entries
        .iter()
        .map(|(a, e)| (a.clone(), e["id"].as_str().unwrap_or_default().to_string()))
        .collect();
    for (address, entry) in &entries {
        let rs = if entry["from_config"].as_bool() == Some(true) {
            let addr = address.parse().expect("fixture address");
            let resource = model
                .resource(&addr)
                .expect("from_config: resource in config");
            let mut attrs = desired(resource);
            for spec in schema::attrs(addr.kind) {
                let Some(v) = attrs.get_mut(spec.name) else {
                    continue;
                };
                match spec.link {
                    Link::None => {}
                    Link::One(_) => {
                        if let Some(a) = v.as_str() {
                            *v = json!(ids.get(a).cloned().unwrap_or_default());
                        }
                    }
                    Link::Many(_) => {
                        let list: Vec<Value> = v
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .map(|a| json!(ids.get(a).cloned().unwrap_or_default()))
                            .collect();
                        *v = Value::Array(list);
                    }
                }
            }
            if addr.kind == Kind::Vm {
                attrs.insert("status".into(), json!("ACTIVE"));
            }
            let mut input_hashes = BTreeMap::new();
            if let Some(Value::String(h)) = attrs.remove("cloud-init") {
                input_hashes.insert("cloud-init".to_string(), h);
            }
            if let Some(Value::Object(o)) = entry.get("override") {
                for (k, v) in o {
                    attrs.insert(k.clone(), v.clone());
                }
            }
            // `"seal": ["rules"]`: recorded sealed, as the engine records sensitive values.
            for name in entry["seal"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if let Some(v) = attrs.get_mut(name) {
                    *v = garrison_plan::seal::seal(v);
                }
            }
            ResourceState {
                address: addr.clone().into(),
                kind: addr.kind,
                remote_id: ids[address].clone().into(),
                name: resource.name.clone(),
                region: resource.region.clone(),
                attributes: attrs,
                input_hashes,
                dependencies: garrison_plan::graph::dependencies(resource)
                    .into_iter()
                    .collect(),
                protect: resource.protect,
                created_at: String::new(),
                private_key_lost: entry["private_key_lost"].as_bool().unwrap_or(false),
                not_ready: entry["not_ready"].as_bool().unwrap_or(false),
            }
        } else {
            ResourceState {
                address: address.parse().expect("a fixture's state key"),
                kind: entry["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .parse()
                    .expect("a fixture's kind"),
                remote_id: ids[address].clone().into(),
                name: entry["name"].as_str().unwrap_or_default().to_string(),
                region: entry["region"].as_str().unwrap_or_default().to_string(),
                attributes: {
                    let mut attrs = entry["attributes"].as_object().cloned().unwrap_or_default();
                    for name in entry["seal"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        if let Some(v) = attrs.get_mut(name) {
                            *v = garrison_plan::seal::seal(v);
                        }
                    }
                    attrs
                },
                input_hashes: BTreeMap::new(),
                dependencies: serde_json::from_value(entry["dependencies"].clone())
                    .unwrap_or_default(),
                protect: entry["protect"].as_bool().unwrap_or(false),
                created_at: String::new(),
                private_key_lost: entry["private_key_lost"].as_bool().unwrap_or(false),
                not_ready: entry["not_ready"].as_bool().unwrap_or(false),
            }
        };
        doc.resources.insert(address.clone(), rs);
    }
    // `"$outputs": {"name": value}`: the outputs the last apply recorded.
    for (name, value) in spec["$outputs"].as_object().into_iter().flatten() {
        let output = garrison_state::OutputState {
            value: value.clone(),
            sensitive: false,
        };
        doc.outputs.insert(name.clone(), output);
    }
    doc
}

fn build_remote(state: &StateDoc, spec: Option<Value>) -> RemoteView {
    let Some(spec) = spec else {
        return RemoteView::default();
    };
    let mut view = RemoteView {
        refreshed: true,
        prices: Some(seed_prices()),
        ..RemoteView::default()
    };
    for (address, rs) in &state.resources {
        let observed = match spec["resources"].get(address) {
            Some(Value::String(s)) if s == "gone" => Observed::Gone,
            Some(entry) => {
                let mut attrs: Map<String, Value> = rs.attributes.clone();
                if let Some(Value::Object(o)) = entry.get("override") {
                    for (k, v) in o {
                        attrs.insert(k.clone(), v.clone());
                    }
                }
                Observed::Present { attrs }
            }
            None => Observed::Present {
                attrs: rs.attributes.clone(),
            },
        };
        view.resources.insert(address.clone(), observed);
    }
    if let Some(imports) = spec.get("imports") {
        view.imports = serde_json::from_value(imports.clone()).expect("imports");
    }
    if let Some(stock) = spec.get("stock") {
        view.stock = Some(serde_json::from_value::<Vec<Stock>>(stock.clone()).expect("stock"));
    }
    if let Some(Value::Object(unmanaged)) = spec.get("unmanaged") {
        for (kind, names) in unmanaged {
            let kind: Kind = kind.parse().expect("kind");
            let names: BTreeMap<String, String> =
                serde_json::from_value(names.clone()).expect("names");
            view.unmanaged.insert(kind, names);
        }
    }
    view
}

/// The plan of a case (`Err` is the config's failure as text).
fn plan_case(dir: &Path) -> Result<Result<Plan, PlanFailure>, String> {
    let loaded = match load_dir(dir, &VarInputs::default()) {
        Ok(l) => l,
        Err(failure) => return Err(format!("config failed: {failure:?}")),
    };
    let model = loaded.model;
    let read = |name: &str| {
        fs::read_to_string(dir.join(name))
            .ok()
            .map(|t| serde_json::from_str::<Value>(&t).expect("fixture json"))
    };
    let state = build_state(&model, &read("state.json").unwrap_or(json!({})));
    let remote = build_remote(&state, read("remote.json"));
    let destroy = dir.join("DESTROY").exists();
    // `options.json`: `--replace`, `--target`, `--exclude`, `--refresh-only` as the plan
    // carries them.
    let options: PlanOptions = read("options.json")
        .map(|v| serde_json::from_value(v).expect("options.json"))
        .unwrap_or_default();
    Ok(plan(
        &model,
        &state,
        &remote,
        PlanOptions { destroy, ..options },
    ))
}

fn check(dir: &Path) -> String {
    let planned = match plan_case(dir) {
        Ok(planned) => planned,
        Err(config_failed) => return config_failed,
    };
    match planned {
        Err(failure) => {
            let mut out = format!("{failure}\n");
            for e in &failure.errors {
                out.push_str(&format!("- {e}\n"));
            }
            out
        }
        Ok(plan) => {
            let json = render::to_json(&plan);
            plan_json_schema::assert_valid(&dir.display().to_string(), &json);
            let mut out = render::to_text(&plan, render::TextStyle { color: false });
            out.push_str("\nSteps:\n");
            for step in &plan.steps {
                let op = serde_json::to_string(&step.op).unwrap_or_default();
                out.push_str(&format!(
                    "  {} {} {} after {:?}\n",
                    step.id, step.address, op, step.after
                ));
            }
            if dir.join("MARKDOWN").exists() {
                out.push_str("\nMarkdown:\n");
                out.push_str(&render::to_markdown(&plan));
            }
            if dir.join("GRAPH").exists() {
                let diagram = render::Diagram::of_plan(&plan);
                out.push_str("\nDOT:\n");
                out.push_str(&render::to_dot(&diagram));
                out.push_str("\nMermaid:\n");
                out.push_str(&render::to_mermaid(&diagram));
            }
            if dir.join("JSON").exists() {
                out.push_str("\nJSON:\n");
                out.push_str(&json);
            }
            out
        }
    }
}

#[test]
fn plan_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plans");
    let mut cases: Vec<_> = fs::read_dir(&root)
        .expect("tests/plans")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    cases.sort_by_key(|e| e.file_name());
    assert!(!cases.is_empty());
    for case in cases {
        let name = case.file_name().to_string_lossy().into_owned();
        let output = check(&case.path());
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("plan", output);
        });
    }
}

/// The steps' `create_before_destroy` per case: (address, op, flag) of every step.
fn flags(case: &str) -> Vec<(String, &'static str, bool)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/plans")
        .join(case);
    let plan = plan_case(&dir).expect("config").expect("plan");
    plan.steps
        .iter()
        .map(|s| (s.address.to_string(), s.op.verb(), s.create_before_destroy))
        .collect()
}

#[test]
fn a_create_before_destroy_replacement_flags_its_create_and_delete() {
    let own = |address: &str, verb: &'static str, flag: bool| (address.to_string(), verb, flag);
    assert_eq!(
        flags("cbd-volume"),
        [
            own("vm.box", "create", true),
            own("firewall.fw", "attach firewall", false),
            own("vm.box", "move volumes", false),
            own("vm.box", "delete", true),
        ]
    );
    // A plain replacement (delete first) flags nothing.
    assert_eq!(
        flags("gpu-change"),
        [
            own("vm.box", "delete", false),
            own("vm.box", "create", false),
            own("firewall.fw", "attach firewall", false),
        ]
    );
}

#[test]
fn the_step_flag_matches_the_edges_in_every_case() {
    // Create-before-destroy is exactly "the delete waits on the create at its own address".
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plans");
    for case in fs::read_dir(&root)
        .expect("tests/plans")
        .filter_map(Result::ok)
    {
        let Ok(Ok(plan)) = plan_case(&case.path()) else {
            continue;
        };
        let derived: Vec<bool> = plan
            .steps
            .iter()
            .map(|s| {
                let same = |o: &garrison_plan::Step, op: fn(&StepOp) -> bool| {
                    o.address == s.address && op(&o.op)
                };
                let is_create = |op: &StepOp| matches!(op, StepOp::Create);
                let is_delete = |op: &StepOp| matches!(op, StepOp::Delete { .. });
                match s.op {
                    // A delete after the create at its address ...
                    StepOp::Delete { .. } => {
                        s.after.iter().any(|&a| same(&plan.steps[a], is_create))
                    }
                    // ... and the create such a delete waits on.
                    StepOp::Create => plan
                        .steps
                        .iter()
                        .any(|d| same(d, is_delete) && d.after.contains(&s.id)),
                    _ => false,
                }
            })
            .collect();
        let flags: Vec<bool> = plan.steps.iter().map(|s| s.create_before_destroy).collect();
        assert_eq!(flags, derived, "{}", case.path().display());
    }
}
