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
            .find(|s| s.address == format!("vm.worker[{i}]"))
            .expect("create step");
        let delete = plan
            .steps
            .iter()
            .find(|s| s.address == format!("vm.node[{i}]"))
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
