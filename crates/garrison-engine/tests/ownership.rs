//! Recovery adopts only what Garrison can show it created (D3), keeps a create with nothing
//! to show pending instead of declaring it never happened (D2), adopts a pending create that
//! lands late when the next create of its name is refused (D2), reports a "create again"
//! that collides (D5), and waits for an adopted object that is still building (C6).

mod common;

use barrack_api::wire::{CreateVolumeRequest, DeploymentRequest};
use common::*;
use garrison_engine::{prepare, CancelToken, EngineError, Event, ExecuteOptions, PrepareOptions};
use garrison_plan::Action;
use garrison_state::{LockInfo, OpSpec, Store};

const DATA: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}
volume "data" {
    size-gb 100
}
"#;

/// A run that wrote the create intent of `address` (`name`) and died before the answer.
fn crashed_create(w: &World, address: &str, kind: &str, name: &str) {
    let mut store = Store::open(w.backend(), LockInfo::new("crashed run")).expect("open");
    store
        .record_intent(OpSpec {
            address: address.parse().expect("a state key"),
            kind: kind.parse().expect("a kind"),
            action: "create".parse().expect("a journal action"),
            name: name.into(),
            region: "NORWAY-1".into(),
        })
        .expect("intent");
}

fn volume(size: u64, description: &str) -> CreateVolumeRequest {
    CreateVolumeRequest {
        name: "data".into(),
        region: "NORWAY-1".into(),
        size,
        description: description.into(),
        ..Default::default()
    }
}

fn plan_errors(result: Result<impl std::fmt::Debug, EngineError>) -> Vec<String> {
    match result {
        Err(EngineError::Plan(failure)) => failure.errors.iter().map(|e| e.to_string()).collect(),
        other => panic!("expected a plan error, got {other:?}"),
    }
}

/// D3: after our intent, team B creates volume `data` (500 GB). It is not adopted: the
/// plan refuses naming both, and `destroy` leaves it alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_object_with_the_intents_name_is_never_adopted_or_destroyed() {
    let w = World::start().await;
    crashed_create(&w, "volume.data", "volume", "data");
    let team_b = w
        .client
        .create_volume(&volume(500, "team B production data"))
        .await
        .expect("team B's volume")
        .value;
    let model = w.model(DATA);
    let planned = garrison_engine::plan_only(
        &model,
        w.backend().as_ref(),
        Some(&w.client),
        Default::default(),
    )
    .await;
    let errors = plan_errors(planned);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    for part in [
        "`volume.data`",
        &format!("id {}", team_b.id.as_str()),
        &format!("created {}", team_b.created_at),
        "our interrupted create of `data`",
    ] {
        assert!(e.contains(part), "`{part}` missing from: {e}");
    }
    let applied = prepare(
        w.model(DATA),
        w.client.clone(),
        w.backend(),
        PrepareOptions::default(),
    )
    .await;
    assert_eq!(plan_errors(applied.map(|p| p.plan().clone())).len(), 1);

    let (_, report, events) = w.destroy(DATA).await;
    assert!(report.is_success(), "{report:#?}");
    let sim = w.sim_state().await;
    assert_eq!(sim["volumes"].as_array().map(Vec::len), Some(1), "{sim}");
    assert_eq!(sim["volumes"][0]["size"], 500);
    assert!(w.state().resources.is_empty());
    assert!(
        events.iter().all(|e| !matches!(e, Event::Adopted { .. })),
        "{events:?}"
    );
}

/// D3: the recovery warning names our intent and the foreign object, without secrets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_reports_the_conflict_naming_both() {
    let w = World::start().await;
    crashed_create(&w, "volume.data", "volume", "data");
    let team_b = w
        .client
        .create_volume(&volume(500, "team B production data"))
        .await
        .expect("team B's volume")
        .value;
    let prepared = prepare(
        w.model(DATA),
        w.client.clone(),
        w.backend(),
        PrepareOptions {
            destroy: true,
            ..PrepareOptions::default()
        },
    )
    .await
    .expect("destroy prepares");
    let warning = prepared
        .recovered()
        .iter()
        .find_map(|e| match e {
            Event::Warning { address, message } if address == "volume.data" => {
                Some(message.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no warning: {:?}", prepared.recovered()));
    for part in [
        "interrupted create of volume `data`",
        &format!("volume id {}", team_b.id.as_str()),
        &team_b.created_at,
        "size 500 (we asked for 100)",
        "never adopted or destroyed",
    ] {
        assert!(warning.contains(part), "`{part}` missing from: {warning}");
    }
    assert!(!warning.contains("team B"), "{warning}");
    assert!(prepared.plan().steps.is_empty());
}

/// D2: nothing there yet keeps the intent pending; the create lands after `destroy`; the
/// next `destroy` adopts it and deletes it. Nothing is orphaned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_lands_after_destroy_is_adopted_by_the_next_destroy() {
    let w = World::start().await;
    crashed_create(&w, "volume.data", "volume", "data");
    let (_, report, _) = w.destroy(DATA).await;
    assert!(report.is_success());
    assert_eq!(w.state().pending.len(), 1, "the intent must stay pending");
    // The held create lands now.
    w.client
        .create_volume(&volume(100, ""))
        .await
        .expect("lands");
    let (plan, report, _) = w.destroy(DATA).await;
    assert!(report.is_success(), "{report:#?}");
    assert_eq!(
        plan.actions(),
        vec![("volume.data".to_string(), Action::Delete)]
    );
    let sim = w.sim_state().await;
    assert_eq!(names(&sim, "volumes"), Vec::<String>::new(), "{sim}");
    let state = w.state();
    assert!(state.pending.is_empty() && state.resources.is_empty());
}

/// D2: the pending create lands between the plan and our create of the same name: the
/// "name taken" answer is resolved by adopting it, not by failing forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn name_taken_by_our_pending_create_is_adopted() {
    let w = World::start().await;
    crashed_create(&w, "volume.data", "volume", "data");
    let prepared = prepare(
        w.model(DATA),
        w.client.clone(),
        w.backend(),
        PrepareOptions::default(),
    )
    .await
    .expect("prepare");
    assert_eq!(
        prepared.plan().actions(),
        vec![("volume.data".to_string(), Action::Create)]
    );
    let late = w
        .client
        .create_volume(&volume(100, ""))
        .await
        .expect("lands")
        .value;
    let (sink, events) = collector();
    let report = prepared
        .execute(ExecuteOptions::default(), sink, CancelToken::new())
        .await
        .expect("execute");
    assert!(report.is_success(), "{report:#?}");
    let state = w.state();
    assert_eq!(state.resources["volume.data"].remote_id, late.id.as_str());
    assert!(state.pending.is_empty(), "{:?}", state.pending);
    let events = events.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Adopted { address, .. } if address == "volume.data")),
        "{events:?}"
    );
    let plan = w.plan(DATA).await;
    assert!(!plan.summary.has_changes(), "{:?}", plan.actions());
}

/// D3 at apply time: the name is taken by a foreign object between plan and create: the
/// create fails naming both and nothing is adopted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn name_taken_by_a_foreign_object_during_apply_is_a_conflict() {
    let w = World::start().await;
    crashed_create(&w, "volume.data", "volume", "data");
    let prepared = prepare(
        w.model(DATA),
        w.client.clone(),
        w.backend(),
        PrepareOptions::default(),
    )
    .await
    .expect("prepare");
    let team_b = w
        .client
        .create_volume(&volume(500, "team B"))
        .await
        .expect("team B")
        .value;
    let report = prepared
        .execute(ExecuteOptions::default(), quiet(), CancelToken::new())
        .await
        .expect("execute");
    let (_, message) = report
        .failed
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("{report:#?}"));
    assert!(message.contains("name conflict"), "{message}");
    assert!(
        message.contains(&format!("volume id {}", team_b.id.as_str())),
        "{message}"
    );
    assert!(!w.state().resources.contains_key("volume.data"));
}

/// D5: a restored older state (its volume id is gone) does not plan a create that can only
/// fail with "already exists": the plan names the conflict and both ids.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_older_state_reports_the_name_conflict() {
    let w = World::start().await;
    let (_, report, _) = w.apply(DATA).await;
    assert!(report.is_success());
    let state_file = w.dir.path().join(".garrison/state.json");
    let old = std::fs::read(&state_file).expect("state");
    let old_id = w.state().resources["volume.data"].remote_id.clone();
    let (_, report, _) = w.destroy(DATA).await;
    assert!(report.is_success());
    let (_, report, _) = w.apply(DATA).await;
    assert!(report.is_success());
    let new_id = w.state().resources["volume.data"].remote_id.clone();
    std::fs::write(&state_file, old).expect("restore the older state");
    let errors = plan_errors(
        garrison_engine::plan_only(
            &w.model(DATA),
            w.backend().as_ref(),
            Some(&w.client),
            Default::default(),
        )
        .await,
    );
    let e = errors.first().cloned().unwrap_or_default();
    assert!(e.contains(&format!("id {new_id}")), "{e}");
    assert!(e.contains(&format!("was id {old_id}")), "{e}");
}

/// C6: a VM adopted while still building is waited for: recorded ACTIVE with its address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adopted_vm_still_building_is_waited_for() {
    let w = World::start_scaled(0.03).await;
    let config = format!(
        r#"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "k" {{
    name "k"
    public-key "{PUBKEY}"
}}
vm "box" {{
    gpu "A40"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.k"
    public-ip #true
}}
output "ssh" "ssh ubuntu@${{vm.box.public-ip}}"
"#
    );
    let (_, report, _) = w.apply(&format!(
        "provider \"barrack\" {{\n region \"NORWAY-1\"\n}}\nssh-key \"k\" {{\n name \"k\"\n public-key \"{PUBKEY}\"\n}}\n"
    )).await;
    assert!(report.is_success(), "{report:#?}");
    let key = w.state().resources["ssh-key.k"].remote_id.clone();
    crashed_create(&w, "vm.box", "vm", "box");
    let deployed = w
        .client
        .deploy_instance(&DeploymentRequest {
            name: "box".into(),
            region: "NORWAY-1".into(),
            gpu_model: "A40".into(),
            gpu_count: 1,
            image_name: Some(OS_IMAGE.into()),
            ssh_key_ids: vec![barrack_api::Id::new(key.as_str())],
            public_ip: true,
            count: Some(1),
            ..Default::default()
        })
        .await
        .expect("the crashed run's create");
    assert_ne!(deployed.value.instances[0].status, "ACTIVE");
    let (_, report, _) = w.apply(&config).await;
    assert!(report.is_success(), "{report:#?}");
    let state = w.state();
    let vm = &state.resources["vm.box"];
    assert_eq!(vm.attributes["status"], "ACTIVE", "{vm:#?}");
    let ssh = state.outputs["ssh"]
        .value
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        ssh.len() > "ssh ubuntu@".len(),
        "output built from a null: `{ssh}`"
    );
}
