//! Replay semantics and the Store: intents, completions, serials, checkpoints, bytes.

mod common;

use garrison_state::{
    replay, Backend, Completed, Intent, JournalRecord, LocalBackend, LockInfo, Outcome, Store,
};
use uuid::Uuid;

fn intent(run: Uuid, op: u64, address: &str) -> JournalRecord {
    JournalRecord::Intent(Intent {
        op_id: op,
        run_id: run,
        address: common::key(address),
        kind: garrison_core::Kind::Vm,
        action: garrison_core::JournalAction::Create,
        name: format!("n-{op}"),
        region: "US-1".into(),
        at: "2025-01-01T00:00:00Z".into(),
    })
}

fn done(run: Uuid, op: u64, address: &str, outcome: Outcome) -> JournalRecord {
    JournalRecord::Completed(Completed {
        op_id: op,
        run_id: run,
        address: common::key(address),
        outcome,
    })
}

fn upserted(address: &str) -> Outcome {
    Outcome::Upserted(common::resource(address))
}

#[test]
fn completions_apply_in_order_and_bump_the_serial_once() {
    let run = Uuid::new_v4();
    let base = common::doc(5, &["vm.old", "vm.keep"]);
    let journal = vec![
        intent(run, 1, "vm.a"),
        done(run, 1, "vm.a", upserted("vm.a")),
        intent(run, 2, "vm.old"),
        done(run, 2, "vm.old", Outcome::Deleted),
        intent(run, 3, "vm.b"),
        done(
            run,
            3,
            "vm.b",
            Outcome::Failed {
                message: "no stock".into(),
            },
        ),
        intent(run, 4, "vm.c"), // no completion: in flight when we died
        done(run, 5, "vm.a", Outcome::Deleted), // later op on the same address wins
        done(run, 6, "vm.a", upserted("vm.a")),
    ];
    let r = replay(&base, &journal);
    assert_eq!(r.state.serial, 6);
    assert_eq!(r.state.lineage, base.lineage);
    let addresses: Vec<_> = r.state.resources.keys().cloned().collect();
    assert_eq!(addresses, ["vm.a", "vm.keep"]);
    assert_eq!(r.applied, 4);
    assert_eq!(r.unresolved.len(), 1);
    assert_eq!(r.unresolved[0].address.to_string(), "vm.c");
    assert_eq!(r.state.pending, r.unresolved);
}

#[test]
fn replay_is_idempotent_and_an_empty_journal_changes_nothing() {
    let run = Uuid::new_v4();
    let base = common::doc(1, &["vm.x"]);
    assert_eq!(replay(&base, &[]).state, base);
    let journal = vec![
        intent(run, 1, "vm.a"),
        done(run, 1, "vm.a", upserted("vm.a")),
        intent(run, 2, "vm.b"),
        done(run, 3, "vm.x", Outcome::Deleted),
    ];
    let once = replay(&base, &journal).state;
    let mut twice = replay(&once, &journal).state;
    assert_eq!(twice.serial, once.serial + 1);
    twice.serial = once.serial;
    assert_eq!(twice, once);
    assert_eq!(once.pending.len(), 1);
}

#[test]
fn a_pending_intent_from_an_earlier_run_is_resolved_by_a_later_completion() {
    let earlier = Uuid::new_v4();
    let mut base = common::doc(2, &[]);
    base = replay(&base, &[intent(earlier, 7, "vm.lost")]).state;
    assert_eq!(base.pending.len(), 1);
    let r = replay(&base, &[done(earlier, 7, "vm.lost", upserted("vm.lost"))]);
    assert!(r.unresolved.is_empty());
    assert!(r.state.resources.contains_key("vm.lost"));
}

fn open(backend: &LocalBackend) -> Store {
    Store::open(
        Box::new(LocalBackend::new(backend.path())),
        LockInfo::new("garrison apply"),
    )
    .expect("open")
}

#[test]
fn store_journals_then_checkpoints() {
    let (_dir, backend) = common::backend();
    let mut store = open(&backend);
    assert_eq!(store.state().serial, 0);
    assert!(
        backend.read().expect("read").is_none(),
        "open alone writes nothing"
    );

    let op = store.record_intent(common::create("vm.a")).expect("intent");
    assert_eq!(store.unresolved().len(), 1);
    store
        .record_completion(op, &common::key("vm.a"), upserted("vm.a"))
        .expect("completion");
    assert!(store.unresolved().is_empty());
    assert_eq!(store.state().serial, 1);
    assert_eq!(backend.journal_read().expect("journal").records.len(), 2);
    assert!(
        backend.read().expect("read").is_none(),
        "journal only until checkpoint"
    );

    store.checkpoint().expect("checkpoint");
    let on_disk = backend.read().expect("read").expect("state");
    assert_eq!(&on_disk, store.state());
    assert!(backend.journal_read().expect("journal").records.is_empty());

    store.checkpoint().expect("no-op checkpoint");
    assert_eq!(backend.read().expect("read").map(|d| d.serial), Some(1));
    store.close().expect("close");
    assert!(!backend.lock_path().exists());
}

#[test]
fn reopening_replays_an_interrupted_run_and_keeps_unresolved_intents() {
    let (_dir, backend) = common::backend();
    let mut store = open(&backend);
    store.checkpoint().expect("checkpoint");
    let a = store.record_intent(common::create("vm.a")).expect("intent");
    store
        .record_completion(a, &common::key("vm.a"), upserted("vm.a"))
        .expect("completion");
    let b = store.record_intent(common::create("vm.b")).expect("intent");
    // Crash: no checkpoint, no completion for vm.b; the lock is released by drop (a real
    // crash leaves it, which the crash test covers).
    drop(store);

    let store = open(&backend);
    assert!(store.state().resources.contains_key("vm.a"));
    assert_eq!(store.unresolved().len(), 1);
    assert_eq!(store.unresolved()[0].op_ref(), b);
    assert_eq!(store.unresolved()[0].name, "name-vm-b");
    assert_eq!(store.recovery().replayed_records, 3);
    assert_eq!(store.recovery().applied, 1);
    // Open persisted the replay: the journal is empty, the pending intent lives in state.
    assert!(backend.journal_read().expect("journal").records.is_empty());
    let on_disk = backend.read().expect("read").expect("state");
    assert_eq!(on_disk.pending.len(), 1);
    drop(store);

    // The next run resolves it (adopting what it found by name).
    let mut store = open(&backend);
    let pending = store.unresolved()[0].clone();
    store
        .record_completion(pending.op_ref(), &pending.address, upserted("vm.b"))
        .expect("resolve");
    store.close().expect("close");
    let on_disk = backend.read().expect("read").expect("state");
    assert!(on_disk.pending.is_empty());
    assert!(on_disk.resources.contains_key("vm.b"));
}

#[test]
fn open_after_a_torn_journal_reports_it() {
    let (_dir, backend) = common::backend();
    let mut store = open(&backend);
    let a = store.record_intent(common::create("vm.a")).expect("intent");
    store
        .record_completion(a, &common::key("vm.a"), upserted("vm.a"))
        .expect("completion");
    drop(store);
    let mut bytes = std::fs::read(backend.journal_path()).expect("read");
    bytes.extend_from_slice(b"{\"record\":\"compl");
    std::fs::write(backend.journal_path(), bytes).expect("write");

    let store = open(&backend);
    let torn = store.recovery().torn.clone().expect("torn reported");
    assert_eq!(torn.line, 3);
    assert!(store.state().resources.contains_key("vm.a"));
}

#[test]
fn peek_reads_without_locking_or_writing() {
    let (_dir, backend) = common::backend();
    let mut store = open(&backend);
    let a = store.record_intent(common::create("vm.a")).expect("intent");
    store
        .record_completion(a, &common::key("vm.a"), upserted("vm.a"))
        .expect("completion");
    // The store still holds the lock: peek works anyway.
    let peeked = Store::peek(&backend).expect("peek");
    assert!(peeked.state.resources.contains_key("vm.a"));
    assert!(backend.read().expect("read").is_none());
    assert!(backend.lock_path().exists());
}

#[test]
fn outputs_are_persisted_at_checkpoint() {
    let (_dir, backend) = common::backend();
    let mut store = open(&backend);
    let outputs = std::collections::BTreeMap::from([(
        "ip".to_string(),
        garrison_state::OutputState {
            value: serde_json::json!("1.2.3.4"),
            sensitive: false,
        },
    )]);
    store.set_outputs(outputs.clone());
    store.close().expect("close");
    let on_disk = backend.read().expect("read").expect("state");
    assert_eq!(on_disk.outputs, outputs);
    assert_eq!(on_disk.serial, 1);
}

/// Journal bytes for `n` creates, then the checkpoint.
fn bytes_for(n: usize) -> (u64, u64) {
    let (_dir, backend) = common::backend();
    let mut store = open(&backend);
    for i in 0..n {
        let address = format!("vm.r{i:05}");
        let op = store
            .record_intent(common::create(&address))
            .expect("intent");
        store
            .record_completion(op, &common::key(&address), upserted(&address))
            .expect("completion");
    }
    let journal = store.bytes_written();
    store.checkpoint().expect("checkpoint");
    (journal, store.bytes_written() - journal)
}

#[test]
fn journal_bytes_grow_linearly_with_operations() {
    let (j100, s100) = bytes_for(100);
    let (j400, s400) = bytes_for(400);
    // Per-operation journal cost is constant: 4x the operations, ~4x the bytes.
    let ratio = j400 as f64 / j100 as f64;
    assert!((3.9..4.1).contains(&ratio), "journal ratio {ratio}");
    let ratio = s400 as f64 / s100 as f64;
    assert!((3.8..4.2).contains(&ratio), "checkpoint ratio {ratio}");
}

/// An `unchanged` completion resolves its intent and leaves the entry exactly as it was; it
/// is written as `{"result":"unchanged"}`.
#[test]
fn an_unchanged_completion_resolves_the_intent_and_keeps_the_entry() {
    let run = Uuid::new_v4();
    let base = common::doc(3, &["vm.keep"]);
    let journal = vec![
        intent(run, 1, "vm.keep"),
        done(run, 1, "vm.keep", Outcome::Unchanged),
    ];
    let r = replay(&base, &journal);
    assert!(r.unresolved.is_empty());
    assert_eq!(r.applied, 0);
    assert_eq!(r.state.resources, base.resources);
    let line = serde_json::to_value(&journal[1]).expect("serializes");
    assert_eq!(line["outcome"], serde_json::json!({"result": "unchanged"}));
}
