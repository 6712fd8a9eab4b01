//! Planner ordering against the emulator: renamed addresses keep their objects (D7), a
//! snapshot waits for its VM (C4), dependents are replaced only after their new dependency
//! exists (C5).

mod common;

use common::*;
use garrison_plan::Action;
use serde_json::Value;

fn cluster(label: &str, gpu: &str) -> String {
    format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
volume "data" {{
    size-gb 100
}}
vm "{label}" count=2 {{
    name "node-${{count.index}}"
    gpu "{gpu}"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop"
}}
vm "dev" {{
    name "dev-box"
    gpu "A40"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop"
    volumes (ref)"volume.data"
}}
"##
    )
}

/// `(name, id)` of every instance the emulator holds.
fn instances(sim: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = sim["instances"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            (
                i["name"].as_str().unwrap_or_default().to_string(),
                i["id"].to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn assert_ok(report: &garrison_engine::ApplyReport) {
    assert!(
        report.is_success(),
        "failed: {:?}, skipped: {:?}",
        report.failed,
        report.skipped
    );
}

/// D7: renaming addresses while keeping the cloud names keeps every object (no create,
/// no delete, same ids), and the next plan is clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renamed_addresses_keep_their_objects() {
    let w = World::start().await;
    let (_, report, _) = w.apply(&cluster("node", "A40")).await;
    assert_ok(&report);
    let before = instances(&w.sim_state().await);
    assert_eq!(before.len(), 3);

    let renamed = cluster("worker", "A40").replace("vm \"dev\"", "vm \"box\"");
    let (plan, report, _) = w.apply(&renamed).await;
    assert_ok(&report);
    assert_eq!(plan.summary.moved, 3, "{:#?}", plan.changes);
    assert_eq!(plan.summary.add + plan.summary.destroy, 0);
    let box_change = plan.change("vm.box").expect("vm.box in the plan");
    assert_eq!(box_change.moved_from.as_deref(), Some("vm.dev"));
    assert_eq!(instances(&w.sim_state().await), before);
    let state = w.state();
    assert!(state.resources.contains_key("vm.worker[1]"));
    assert!(!state.resources.contains_key("vm.node[0]"));
    assert!(!w.plan(&renamed).await.summary.has_changes());
}

/// D7: a rename that must replace (the GPU changes) deletes before it creates, so the
/// create never meets the old object's name; the cluster ends with every node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renamed_and_replaced_deletes_before_it_creates() {
    let w = World::start().await;
    let (_, report, _) = w.apply(&cluster("node", "A40")).await;
    assert_ok(&report);
    let (plan, report, _) = w.apply(&cluster("worker", "L40")).await;
    assert_ok(&report);
    assert_eq!(plan.summary.add, 2, "{:#?}", plan.changes);
    assert_eq!(plan.summary.destroy, 2);
    for i in 0..2 {
        let create = plan
            .steps
            .iter()
            .find(|s| s.address.to_string() == format!("vm.worker[{i}]"))
            .expect("create step");
        let delete = plan
            .steps
            .iter()
            .find(|s| s.address.to_string() == format!("vm.node[{i}]"))
            .expect("delete step");
        assert!(create.after.contains(&delete.id), "{:#?}", plan.steps);
    }
    let names: Vec<String> = instances(&w.sim_state().await)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["dev-box", "node-0", "node-1"]);
    assert!(!w
        .plan(&cluster("worker", "L40"))
        .await
        .summary
        .has_changes());
    assert_eq!(
        w.plan(&cluster("worker", "L40"))
            .await
            .change("vm.worker[0]")
            .map(|c| c.action),
        None::<Action>
    );
}

fn builder(power: &str, snapshot: bool) -> String {
    let mut text = format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
vm "builder" {{
    gpu "A40"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop"
    power "{power}"
}}
"##
    );
    if snapshot {
        text.push_str("snapshot \"s\" {\n    vm (ref)\"vm.builder\"\n}\n");
    }
    text
}

/// C4: waking a VM and snapshotting it in one plan: the snapshot waits for the power change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_waits_for_its_vm_to_wake() {
    let w = World::start().await;
    let (_, report, _) = w.apply(&builder("hibernated", false)).await;
    assert_ok(&report);
    let (plan, report, _) = w.apply(&builder("running", true)).await;
    assert_ok(&report);
    assert!(plan.notes.is_empty(), "{:?}", plan.notes);
    let id = |address: &str, op: &str| {
        plan.steps
            .iter()
            .find(|s| s.address.to_string() == address && s.op.verb() == op)
            .map(|s| s.id)
    };
    let (update, snapshot) = (id("vm.builder", "update"), id("snapshot.s", "create"));
    let snapshot_step = &plan.steps[snapshot.expect("snapshot create")];
    assert!(
        snapshot_step.after.contains(&update.expect("vm update")),
        "{:#?}",
        plan.steps
    );
    assert!(!w
        .plan(&builder("running", true))
        .await
        .summary
        .has_changes());
}

/// C4: a snapshot of a VM that stays hibernated wakes it, snapshots, and puts it back; the
/// plan says so with the cost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_of_a_sleeping_vm_wakes_it_and_says_so() {
    let w = World::start().await;
    let (_, report, _) = w.apply(&builder("hibernated", false)).await;
    assert_ok(&report);
    let (plan, report, _) = w.apply(&builder("hibernated", true)).await;
    assert_ok(&report);
    let text = garrison_plan::render::to_text(&plan, Default::default());
    assert!(
        text.contains("~ vm.builder will be woken for snapshot.s, then hibernated again (+$"),
        "{text}"
    );
    let sim = w.sim_state().await;
    assert_eq!(sim["instances"][0]["status"], "HIBERNATED", "{sim:#}");
    assert_eq!(sim["snapshots"].as_array().map(Vec::len), Some(1));
    assert!(!w
        .plan(&builder("hibernated", true))
        .await
        .summary
        .has_changes());
}

fn golden(version: &str) -> String {
    format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
vm "builder" {{
    gpu "A40"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop"
}}
snapshot "golden" {{
    vm (ref)"vm.builder"
    description "build {version}"
}}
image "golden" {{
    name "golden-{version}"
    snapshot (ref)"snapshot.golden"
}}
vm "worker" count=2 {{
    name "worker-${{count.index}}"
    gpu "A40"
    image (ref)"image.golden"
    ssh-keys (ref)"ssh-key.laptop"
}}
"##
    )
}

/// C5: rebuilding the golden image deletes each worker only after the new image exists; when
/// the rebuild fails (the builder breaks before its snapshot), the fleet is untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_golden_image_rebuild_keeps_the_fleet() {
    let w = World::start().await;
    let (_, report, _) = w.apply(&golden("v1")).await;
    assert_ok(&report);
    let workers = |sim: &Value| -> Vec<(String, String)> {
        instances(sim)
            .into_iter()
            .filter(|(n, _)| n.starts_with("worker"))
            .collect()
    };
    let fleet = workers(&w.sim_state().await);
    assert_eq!(fleet.len(), 2);

    let prepared = garrison_engine::prepare(
        w.model(&golden("v2")),
        w.client.clone(),
        w.backend(),
        garrison_engine::PrepareOptions::default(),
    )
    .await
    .expect("prepare");
    let plan = prepared.plan().clone();
    let step = |address: &str, op: &str| {
        plan.steps
            .iter()
            .find(|s| s.address.to_string() == address && s.op.verb() == op)
            .unwrap_or_else(|| panic!("{op} {address}: {:#?}", plan.steps))
            .id
    };
    for i in 0..2 {
        let delete = step(&format!("vm.worker[{i}]"), "delete");
        let image = step("image.golden", "create");
        let deps = &plan.steps[delete].after;
        assert!(deps.contains(&image), "{:#?}", plan.steps);
    }
    // The builder breaks between plan and apply: the snapshot fails.
    let builder_id = w.state().resources["vm.builder"].remote_id.clone();
    admin(
        &w.sim,
        "PATCH",
        &format!("/_sim/resources/instances/{builder_id}"),
        Some(&serde_json::json!({ "status": "ERROR" })),
    )
    .await;
    let report = prepared
        .execute(
            garrison_engine::ExecuteOptions::default(),
            quiet(),
            garrison_engine::CancelToken::new(),
        )
        .await
        .expect("execute");
    assert!(!report.is_success());
    assert_eq!(workers(&w.sim_state().await), fleet);
}

fn cbd_vm(gpu: &str, name: &str, power: &str) -> String {
    format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
volume "data" {{
    size-gb 100
}}
vm "box" {{
    name "{name}"
    gpu "{gpu}"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop"
    volumes (ref)"volume.data"
    power "{power}"
    lifecycle {{
        create-before-destroy #true
    }}
}}
"##
    )
}

/// C3: replacing a VM create-before-destroy hands its volume over (created, detached from
/// the old VM, attached to the new one, old VM deleted) in one apply without a 409, and the
/// plan shows the extra step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_before_destroy_hands_the_volume_over() {
    for power in ["running", "hibernated"] {
        let w = World::start().await;
        let (_, report, _) = w.apply(&cbd_vm("A40", "box-a", power)).await;
        assert_ok(&report);
        let next = cbd_vm("L40", "box-b", power);
        let (plan, report, events) = w.apply(&next).await;
        assert_ok(&report);
        let text = garrison_plan::render::to_text(&plan, Default::default());
        assert!(
            text.contains("~ vm.box (new) gets volume.data once it exists"),
            "{text}"
        );
        assert!(text.contains("1 move volumes"), "{text}");
        let started: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                garrison_engine::Event::Started { what, .. } => Some(what.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(started, ["create", "move volumes", "delete"], "{power}");
        let sim = w.sim_state().await;
        let names: Vec<String> = instances(&sim).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["box-b"], "{power}");
        assert_eq!(sim["volumes"][0]["status"], "in-use", "{sim:#}");
        let want = if power == "running" {
            "ACTIVE"
        } else {
            "HIBERNATED"
        };
        assert_eq!(sim["instances"][0]["status"], want, "{sim:#}");
        assert!(!w.plan(&next).await.summary.has_changes(), "{power}");
    }
}
