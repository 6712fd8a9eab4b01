//! Recovery of interrupted runs, refresh cost, saved plans, scheduling and cancellation.

mod common;

use barrack_api::wire::{CreateSshKeyRequest, ScriptRequest};
use common::*;
use garrison_config::model::Kind;
use garrison_engine::schedule::{simulate, Scheduling};
use garrison_engine::{
    plan_only, prepare, refresh, CancelToken, EngineError, Event, ExecuteOptions, PrepareOptions,
    SavedPlan, StaleReason,
};
use garrison_plan::{Action, Step, StepOp};
use garrison_state::{LockInfo, OpSpec, Store};

fn two_keys() -> String {
    format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "a" {{
    name "key-a"
    public-key "{PUBKEY}"
}}
ssh-key "b" {{
    name "key-b"
    public-key "{PUBKEY}"
}}
"##
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_creates_are_adopted_or_recorded_as_not_happened() {
    let w = World::start().await;
    // A run that crashed after writing two create intents; only the first reached the cloud.
    {
        let mut store = Store::open(w.backend(), LockInfo::new("crashed run")).expect("open");
        for (address, name) in [("ssh-key.a", "key-a"), ("ssh-key.b", "key-b")] {
            store
                .record_intent(OpSpec {
                    address: address.parse().expect("a state key"),
                    kind: "ssh-key".parse().expect("a kind"),
                    action: "create".parse().expect("a journal action"),
                    name: name.into(),
                    region: "NORWAY-1".into(),
                })
                .expect("intent");
        }
        // Dropped without completions: the journal keeps the intents.
    }
    let created = w
        .client
        .create_ssh_key(&CreateSshKeyRequest {
            name: "key-a".into(),
            public_key: Some(PUBKEY.into()),
        })
        .await
        .expect("the crashed run's create");

    // A plan without the lock already sees the adoption (in memory only).
    let plan = w.plan(&two_keys()).await;
    assert_eq!(
        plan.actions(),
        vec![("ssh-key.b".to_string(), Action::Create)]
    );
    assert_eq!(w.state().pending.len(), 2, "plan must not write");

    let (plan, report, _) = w.apply(&two_keys()).await;
    assert_eq!(
        plan.actions(),
        vec![("ssh-key.b".to_string(), Action::Create)]
    );
    assert!(report.is_success(), "{report:#?}");
    let state = w.state();
    assert!(state.pending.is_empty());
    assert_eq!(
        state.resources["ssh-key.a"].remote_id,
        created.value.id.as_str()
    );
    let sim = w.sim_state().await;
    assert_eq!(names(&sim, "ssh_keys"), ["key-a", "key-b"], "no duplicate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepare_reports_adoptions_as_events() {
    let w = World::start().await;
    {
        let mut store = Store::open(w.backend(), LockInfo::new("crashed run")).expect("open");
        store
            .record_intent(OpSpec {
                address: "ssh-key.a".parse().expect("a state key"),
                kind: "ssh-key".parse().expect("a kind"),
                action: "create".parse().expect("a journal action"),
                name: "key-a".into(),
                region: "NORWAY-1".into(),
            })
            .expect("intent");
        store
            .record_intent(OpSpec {
                address: "ssh-key.b".parse().expect("a state key"),
                kind: "ssh-key".parse().expect("a kind"),
                action: "create".parse().expect("a journal action"),
                name: "key-b".into(),
                region: "NORWAY-1".into(),
            })
            .expect("intent");
    }
    w.client
        .create_ssh_key(&CreateSshKeyRequest {
            name: "key-a".into(),
            public_key: Some(PUBKEY.into()),
        })
        .await
        .expect("create");
    let prepared = prepare(
        w.model(&two_keys()),
        w.client.clone(),
        w.backend(),
        PrepareOptions::default(),
    )
    .await
    .expect("prepare");
    let events = prepared.recovered().to_vec();
    assert!(
        events.iter().any(|e| matches!(e, Event::Adopted { address, kind: Kind::SshKey, name, .. } if address == "ssh-key.a" && name == "key-a")),
        "{events:?}"
    );
    // D2: nothing there yet is not "did not happen": the create may still land.
    assert!(
        events.iter().any(|e| matches!(e, Event::Resolved { address, outcome, .. } if address == "ssh-key.b" && outcome == "still pending")),
        "{events:?}"
    );
    // Recorded durably while preparing: visible without executing.
    drop(prepared);
    let state = w.state();
    assert_eq!(
        state
            .pending
            .iter()
            .map(|i| i.address.to_string())
            .collect::<Vec<_>>(),
        ["ssh-key.b"]
    );
    assert!(state.resources.contains_key("ssh-key.a"));
    assert!(!state.resources.contains_key("ssh-key.b"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_costs_one_list_per_kind_and_page_plus_stock_and_pricing() {
    let w = World::start().await;
    for i in 0..201 {
        w.client
            .create_script(&ScriptRequest {
                name: format!("s{i}"),
                content: "true".into(),
                description: String::new(),
            })
            .await
            .expect("script");
    }
    admin(&w.sim, "POST", "/_sim/counters/reset", None).await;
    let refreshed = refresh(&w.client).await.expect("refresh");
    assert_eq!(refreshed.inventory.scripts.len(), 201);
    let counters = w.counters().await;
    // 7 kinds x ceil(N/200) (scripts: 2 pages, the rest 1) + stock + pricing.
    assert_eq!(counters["total"], 7 + 1 + 2, "{counters}");
    assert_eq!(counters["routes"]["GET /scripts"], 2, "{counters}");
    assert!(counters["routes"]
        .as_object()
        .unwrap()
        .keys()
        .all(|k| k.starts_with("GET ")));
    let view = refreshed.view(&garrison_state::StateDoc::fresh());
    assert_eq!(view.unmanaged[&Kind::Script].len(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_without_refresh_makes_no_api_call() {
    let w = World::start().await;
    admin(&w.sim, "POST", "/_sim/counters/reset", None).await;
    let model = w.model(&two_keys());
    let plan = plan_only(&model, w.backend().as_ref(), None, Default::default())
        .await
        .expect("plan");
    assert_eq!(plan.summary.add, 2);
    assert!(!plan.basis.refreshed);
    assert_eq!(w.counters().await["total"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_plans_apply_once_and_then_are_stale() {
    let w = World::start().await;
    let text = two_keys();
    let model = w.model(&text);
    let plan = plan_only(
        &model,
        w.backend().as_ref(),
        Some(&w.client),
        Default::default(),
    )
    .await
    .expect("plan");
    let file = w.dir.path().join("plan.json");
    SavedPlan::new(w.dir.path(), plan)
        .write(&file)
        .expect("write");
    assert_eq!(mode(&file), 0o600);
    let saved = SavedPlan::read(&file).expect("read");

    let options = |saved: &SavedPlan| PrepareOptions {
        expected: Some(saved.clone()),
        ..PrepareOptions::default()
    };
    let prepared = prepare(
        w.model(&text),
        w.client.clone(),
        w.backend(),
        options(&saved),
    )
    .await
    .expect("a fresh saved plan applies");
    let report = prepared
        .execute(ExecuteOptions::default(), quiet(), CancelToken::new())
        .await
        .expect("execute");
    assert!(report.is_success());

    // Applying it again: the state moved on.
    let err = prepare(
        w.model(&text),
        w.client.clone(),
        w.backend(),
        options(&saved),
    )
    .await
    .expect_err("stale");
    assert!(
        matches!(
            &err,
            EngineError::StalePlan { reason: StaleReason::StateChanged { was, now } } if now > was
        ),
        "{err}"
    );

    // A changed config is named as the reason.
    let err = prepare(
        w.model(&text.replace("key-b", "key-c")),
        w.client.clone(),
        w.backend(),
        options(&saved),
    )
    .await
    .expect_err("stale");
    assert!(
        matches!(
            &err,
            EngineError::StalePlan {
                reason: StaleReason::ConfigChanged { .. }
            }
        ),
        "{err}"
    );

    // A file of another format version is refused.
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        &format!(
            "\"format_version\": {}",
            garrison_engine::SAVED_PLAN_FORMAT_VERSION
        ),
        "\"format_version\": 99",
        1,
    );
    std::fs::write(&file, text).unwrap();
    assert!(matches!(
        SavedPlan::read(&file),
        Err(EngineError::SavedPlanVersion { found: 99, .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_starts_nothing_and_records_nothing_half_done() {
    let w = World::start().await;
    let prepared = prepare(
        w.model(&two_keys()),
        w.client.clone(),
        w.backend(),
        PrepareOptions::default(),
    )
    .await
    .expect("prepare");
    let cancel = CancelToken::new();
    cancel.cancel();
    let report = prepared
        .execute(ExecuteOptions::default(), quiet(), cancel)
        .await
        .expect("execute");
    assert!(report.interrupted);
    assert!(report.succeeded.is_empty());
    assert_eq!(report.skipped.len(), 2);
    assert!(names(&w.sim_state().await, "ssh_keys").is_empty());
    assert!(w.state().pending.is_empty());
}

fn step(id: usize, kind: Kind, after: &[usize]) -> Step {
    Step {
        id,
        address: format!("{kind}.s{id}").parse().expect("a state key"),
        kind,
        op: StepOp::Create,
        after: after.to_vec(),
        create_before_destroy: false,
    }
}

#[test]
fn critical_path_starts_the_long_chain_first_and_finishes_sooner_than_fifo() {
    // Three quick scripts listed first; an ssh key that a slow VM create waits on, last.
    let steps = vec![
        step(0, Kind::Script, &[]),
        step(1, Kind::Script, &[]),
        step(2, Kind::Script, &[]),
        step(3, Kind::SshKey, &[]),
        step(4, Kind::Vm, &[3]),
    ];
    let (fifo_order, fifo_time) = simulate(&steps, 2, Scheduling::Fifo);
    let (cp_order, cp_time) = simulate(&steps, 2, Scheduling::CriticalPath);
    assert_eq!(fifo_order, [0, 1, 2, 3, 4]);
    assert_eq!(
        cp_order[0], 3,
        "the key on the VM's path goes first: {cp_order:?}"
    );
    assert_eq!(cp_order[..3], [3, 0, 4], "{cp_order:?}");
    assert!(
        cp_time < fifo_time,
        "critical path {cp_time}s vs FIFO {fifo_time}s"
    );
}
