//! Apply against the emulator: every kind, updates in place, replace, destroy, drift,
//! failures that skip only dependents.

mod common;

use common::*;
use garrison_config::model::Kind;
use garrison_plan::desired::desired;
use garrison_plan::schema::{self, Link, Update};
use garrison_plan::{Action, StepOp};
use serde_json::{json, Value};

fn everything() -> String {
    format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
ssh-key "generated" {{
    name "gen_key"
    private-key-file "keys/gen"
}}
script "boot" {{
    content "#!/bin/sh\necho hi\n"
    description "says hi"
}}
firewall "fw" {{
    description "ssh"
    rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"
}}
volume "data" {{
    size-gb 100
}}
vm "box" {{
    gpu "A40" count=1
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop" (ref)"ssh-key.generated"
    startup-script (ref)"script.boot"
    firewalls (ref)"firewall.fw"
    volumes (ref)"volume.data"
    cloud-init "#cloud-config\nruncmd: [true]\n"
    public-ip #true
    security-rule direction="ingress" protocol="tcp" ports="80..443" remote="0.0.0.0/0"
}}
snapshot "snap" {{
    vm (ref)"vm.box"
}}
image "img" {{
    snapshot (ref)"snapshot.snap"
}}
vm "from-image" {{
    gpu "A40"
    image (ref)"image.img"
    ssh-keys (ref)"ssh-key.laptop"
}}
output "ip" (ref)"vm.box.public-ip"
"##
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_applies_then_plans_clean_then_destroys_to_nothing() {
    let w = World::start().await;
    let text = everything();
    let (plan, report, _) = w.apply(&text).await;
    assert_eq!(plan.summary.add, 9, "{:?}", plan.summary);
    assert!(report.is_success(), "{report:#?}");

    let sim = w.sim_state().await;
    assert_eq!(names(&sim, "instances"), ["box", "from-image"]);
    assert_eq!(names(&sim, "volumes"), ["data"]);
    assert_eq!(names(&sim, "firewalls"), ["fw"]);
    assert_eq!(names(&sim, "ssh_keys"), ["gen_key", "laptop"]);
    assert_eq!(names(&sim, "scripts"), ["boot"]);
    assert_eq!(names(&sim, "snapshots"), ["snap"]);
    assert_eq!(names(&sim, "images"), ["img"]);
    let fw = &sim["firewalls"][0];
    assert_eq!(fw["attachments"].as_array().map(Vec::len), Some(1), "{fw}");

    // The generated private key was written once, 0600, and is nowhere in the state.
    let key_file = w.dir.path().join("keys/gen");
    let private = std::fs::read_to_string(&key_file).expect("private key written");
    assert!(private.contains("PRIVATE KEY"), "{private}");
    assert_eq!(mode(&key_file), 0o600);
    let state_text = std::fs::read_to_string(w.dir.path().join(".garrison/state.json")).unwrap();
    assert!(!state_text.contains("PRIVATE KEY"));

    // Outputs.
    let ip = &report.outputs["ip"].value;
    assert!(ip.as_str().is_some_and(|s| !s.is_empty()), "{ip}");

    // A second plan is empty, and reports no drift.
    let again = w.plan(&text).await;
    assert!(!again.summary.has_changes(), "{:#?}", again.changes);
    assert!(again.drift.is_empty(), "{:#?}", again.drift);

    // Destroy leaves the emulator empty, deleting in reverse dependency order.
    let (plan, report, _) = w.destroy(&text).await;
    assert_eq!(plan.summary.destroy, 9);
    assert!(report.is_success(), "{report:#?}");
    let sim = w.sim_state().await;
    for kind in [
        "instances",
        "volumes",
        "firewalls",
        "ssh_keys",
        "scripts",
        "snapshots",
        "images",
    ] {
        assert!(
            names(&sim, kind).is_empty(),
            "{kind} left: {:?}",
            names(&sim, kind)
        );
    }
    assert!(w.state().resources.is_empty());
    let position = |address: &str| {
        report
            .succeeded
            .iter()
            .position(|a| a == address)
            .unwrap_or_else(|| panic!("{address} not deleted"))
    };
    // Steps finish in dependency order: dependents are deleted first.
    assert!(position("vm.from-image") < position("image.img"));
    assert!(position("image.img") < position("snapshot.snap"));
    assert!(position("vm.box") < position("firewall.fw"));
    assert!(position("vm.box") < position("ssh-key.laptop"));
}

/// desired(resource) == observe(object after create), links mapped to addresses, for every
/// non-computed attribute (cloud-init aside: the API never returns it; it is in
/// `input_hashes`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observe_round_trips_desired() {
    let w = World::start().await;
    let text = everything();
    let (_, report, _) = w.apply(&text).await;
    assert!(report.is_success(), "{report:#?}");
    let model = w.model(&text);
    let state = w.state();
    let address_of = |kind: Kind, id: &str| {
        state
            .resources
            .values()
            .find(|r| r.kind == kind && r.remote_id.as_str() == id)
            .map(|r| r.address.to_string())
            .unwrap_or_else(|| format!("unknown {kind} {id}"))
    };
    let mut compared = 0;
    for resource in &model.resources {
        let address = resource.address.to_string();
        let want = desired(resource);
        let rs = &state.resources[&address];
        let kind = resource.address.kind;
        for spec in schema::attrs(kind) {
            if spec.update == Update::Computed || spec.name == schema::vm::CLOUD_INIT {
                continue;
            }
            let Some(want_value) = want.get(spec.name) else {
                continue;
            };
            let have = rs.attributes.get(spec.name).cloned().unwrap_or(Value::Null);
            let have = match spec.link {
                Link::None => have,
                Link::One(target) => match have {
                    Value::String(id) => json!(address_of(target, &id)),
                    other => other,
                },
                Link::Many(target) => {
                    let mut items: Vec<String> = have
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(|id| address_of(target, id))
                        .collect();
                    items.sort();
                    json!(items)
                }
            };
            let strip = |v: &Value| -> Value {
                match v {
                    Value::Array(items) => {
                        let mut items: Vec<Value> = items
                            .iter()
                            .map(|i| {
                                let mut i = i.clone();
                                if let Value::Object(m) = &mut i {
                                    m.remove("id");
                                }
                                i
                            })
                            .collect();
                        garrison_plan::desired::sort_values(&mut items);
                        Value::Array(items)
                    }
                    other => other.clone(),
                }
            };
            assert_eq!(strip(&have), strip(want_value), "{address} `{}`", spec.name);
            compared += 1;
        }
        if let garrison_config::model::Spec::Vm(vm) = &resource.spec {
            assert_eq!(
                rs.input_hashes.get("cloud-init"),
                vm.cloud_init
                    .as_deref()
                    .map(garrison_plan::desired::hash_text)
                    .as_ref()
            );
        }
    }
    assert!(compared > 40, "only {compared} attributes compared");
}

fn small(size: u64, power: &str, extra_rule: bool, attach_second: bool) -> String {
    let rule = if extra_rule {
        r#"rule direction="ingress" protocol="tcp" port=443 remote="0.0.0.0/0""#
    } else {
        ""
    };
    let volumes = if attach_second {
        r#"(ref)"volume.data" (ref)"volume.more""#
    } else {
        r#"(ref)"volume.data""#
    };
    format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
firewall "fw" {{
    rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"
    {rule}
}}
volume "data" {{
    size-gb {size}
}}
volume "more" {{
    size-gb 20
}}
vm "box" {{
    gpu "A40"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop"
    firewalls (ref)"firewall.fw"
    volumes {volumes}
    power "{power}"
}}
"##
    )
}

async fn apply_then_clean(w: &World, text: &str, expect: &[(&str, Action)]) {
    let (plan, report, _) = w.apply(text).await;
    let actions: Vec<(String, Action)> = plan.actions();
    let expect: Vec<(String, Action)> = expect.iter().map(|(a, x)| (a.to_string(), *x)).collect();
    assert_eq!(actions, expect, "{:#?}", plan.changes);
    assert!(report.is_success(), "{report:#?}");
    let again = w.plan(text).await;
    assert!(
        !again.summary.has_changes(),
        "not clean after {expect:?}: {:#?}",
        again.changes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_in_place_apply_and_leave_a_clean_plan() {
    let w = World::start().await;
    let (_, report, _) = w.apply(&small(50, "running", false, false)).await;
    assert!(report.is_success(), "{report:#?}");

    // Grow a volume.
    apply_then_clean(
        &w,
        &small(80, "running", false, false),
        &[("volume.data", Action::Update)],
    )
    .await;
    let sim = w.sim_state().await;
    let data = sim["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "data")
        .unwrap()
        .clone();
    assert_eq!(data["size"], 80);

    // Add a firewall rule.
    apply_then_clean(
        &w,
        &small(80, "running", true, false),
        &[("firewall.fw", Action::Update)],
    )
    .await;
    let sim = w.sim_state().await;
    assert_eq!(
        sim["firewalls"][0]["rules"].as_array().map(Vec::len),
        Some(2)
    );

    // Attach a second volume.
    apply_then_clean(
        &w,
        &small(80, "running", true, true),
        &[("vm.box", Action::Update)],
    )
    .await;
    let sim = w.sim_state().await;
    assert_eq!(
        sim["instances"][0]["volume_attachments"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Hibernate the VM.
    apply_then_clean(
        &w,
        &small(80, "hibernated", true, true),
        &[("vm.box", Action::Update)],
    )
    .await;
    let sim = w.sim_state().await;
    assert_eq!(sim["instances"][0]["status"], "HIBERNATED");

    // Hibernated -> stopped takes two hops (restore, stop).
    apply_then_clean(
        &w,
        &small(80, "stopped", true, true),
        &[("vm.box", Action::Update)],
    )
    .await;
    let sim = w.sim_state().await;
    assert_eq!(sim["instances"][0]["status"], "SHUTOFF");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_gpu_model_replaces_the_vm_delete_first() {
    let w = World::start().await;
    let text = small(50, "running", false, false);
    let (_, report, _) = w.apply(&text).await;
    assert!(report.is_success(), "{report:#?}");
    let old_id = w.state().resources["vm.box"].remote_id.clone();

    let changed = text.replace(r#"gpu "A40""#, r#"gpu "RTX-A6000""#);
    let (plan, report, _) = w.apply(&changed).await;
    let change = plan.change("vm.box").expect("vm changes");
    assert_eq!(change.action, Action::Replace);
    assert!(
        change.reasons.iter().any(|r| r.contains("gpu-model")),
        "{:?}",
        change.reasons
    );
    assert!(report.is_success(), "{report:#?}");
    // Delete, then create, then the firewall attachment set.
    let ops: Vec<(String, &'static str)> = report
        .started_order
        .iter()
        .map(|&i| {
            (
                plan.steps[i].address.to_string(),
                garrison_engine::describe(&plan.steps[i].op),
            )
        })
        .collect();
    let at = |a: &str, what: &str| {
        ops.iter()
            .position(|(x, y)| x == a && *y == what)
            .unwrap_or_else(|| panic!("{a} {what} in {ops:?}"))
    };
    assert!(at("vm.box", "delete") < at("vm.box", "create"));
    assert!(at("vm.box", "create") < at("firewall.fw", "attach firewall"));

    let sim = w.sim_state().await;
    assert_eq!(names(&sim, "instances"), ["box"]);
    assert_eq!(sim["instances"][0]["gpu_model"], "RTX-A6000");
    assert_ne!(sim["instances"][0]["id"].to_string(), old_id.as_str());
    assert_eq!(
        sim["firewalls"][0]["attachments"].as_array().map(Vec::len),
        Some(1)
    );
    let again = w.plan(&changed).await;
    assert!(!again.summary.has_changes(), "{:#?}", again.changes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_made_behind_our_back_shows_in_the_plan() {
    let w = World::start().await;
    let text = r#"
provider "barrack" {
    region "NORWAY-1"
}
script "boot" {
    content "echo one"
}
"#
    .to_string();
    let (_, report, _) = w.apply(&text).await;
    assert!(report.is_success());
    let id = w.state().resources["script.boot"].remote_id.clone();
    admin(
        &w.sim,
        "PATCH",
        &format!("/_sim/resources/scripts/{id}"),
        Some(&json!({"content": "echo two"})),
    )
    .await;

    let plan = w.plan(&text).await;
    assert_eq!(plan.drift.len(), 1, "{:#?}", plan.drift);
    assert_eq!(plan.drift[0].attr.as_deref(), Some("content"));
    assert_eq!(plan.drift[0].actual, Some(json!("echo two")));
    assert_eq!(
        plan.actions(),
        vec![("script.boot".to_string(), Action::Update)]
    );

    // Apply puts it back.
    let (_, report, _) = w.apply(&text).await;
    assert!(report.is_success());
    assert_eq!(w.sim_state().await["scripts"][0]["content"], "echo one");

    // Deleted behind our back: the plan creates it again.
    admin(
        &w.sim,
        "DELETE",
        &format!("/_sim/resources/scripts/{id}"),
        None,
    )
    .await;
    let plan = w.plan(&text).await;
    assert_eq!(
        plan.actions(),
        vec![("script.boot".to_string(), Action::Create)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_create_skips_only_its_dependents() {
    let w = World::start().await;
    admin(
        &w.sim,
        "PUT",
        "/_sim/faults",
        Some(&json!({"operation_error": 1.0})),
    )
    .await;
    let text = format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
script "independent" {{
    content "echo hi"
}}
vm "doomed" {{
    gpu "A40"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop"
}}
snapshot "snap" {{
    vm (ref)"vm.doomed"
}}
"##
    );
    let (_, report, events) = w.apply(&text).await;
    assert_eq!(report.failed.len(), 1, "{report:#?}");
    assert_eq!(report.failed[0].0, "vm.doomed");
    assert!(
        report.failed[0].1.contains("ERROR"),
        "{}",
        report.failed[0].1
    );
    assert_eq!(
        report.skipped,
        vec![(
            "snapshot.snap".to_string(),
            garrison_engine::SkipReason::DependencyFailed("vm.doomed".into())
        )]
    );
    let mut ok = report.succeeded.clone();
    ok.sort();
    // (`operation_error` dooms creates of every kind with a status; scripts have none.)
    assert_eq!(ok, ["script.independent", "ssh-key.laptop"]);
    assert!(events.iter().any(|e| matches!(e, garrison_engine::Event::Skipped { address, .. } if address == "snapshot.snap")));
    // The VM exists (in ERROR): it is recorded, not orphaned; the next plan replaces it.
    let state = w.state();
    assert_eq!(state.resources["vm.doomed"].attributes["status"], "ERROR");
    admin(&w.sim, "PUT", "/_sim/faults", Some(&json!({}))).await;
    let plan = w.plan(&text).await;
    assert_eq!(
        plan.change("vm.doomed").map(|c| c.action),
        Some(Action::Replace)
    );
    assert!(plan
        .steps
        .iter()
        .any(|s| s.address.to_string() == "snapshot.snap" && s.op == StepOp::Create));
}

/// Lost answers and 5xx on every kind of call: creates are adopted by name, never
/// duplicated; whatever did not finish is recorded or left for recovery, and a second
/// apply converges to exactly the config.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flaky_api_never_duplicates_and_converges() {
    let w = World::start().await;
    let text = small(50, "running", true, true);
    admin(
        &w.sim,
        "PUT",
        "/_sim/faults",
        Some(&json!({"error_5xx": 0.15, "drop_after_processing": 0.15})),
    )
    .await;
    let (_, _first, _) = w.apply(&text).await;
    let (_, _second, _) = w.apply(&text).await;
    admin(&w.sim, "PUT", "/_sim/faults", Some(&json!({}))).await;
    let (_, report, _) = w.apply(&text).await;
    assert!(report.is_success(), "{report:#?}");
    let sim = w.sim_state().await;
    assert_eq!(names(&sim, "instances"), ["box"]);
    assert_eq!(names(&sim, "volumes"), ["data", "more"]);
    assert_eq!(names(&sim, "firewalls"), ["fw"]);
    assert_eq!(names(&sim, "ssh_keys"), ["laptop"]);
    assert!(w.state().pending.is_empty());
    let again = w.plan(&text).await;
    assert!(!again.summary.has_changes(), "{:#?}", again.changes);
}
