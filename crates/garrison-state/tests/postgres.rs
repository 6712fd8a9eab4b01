//! The PostgreSQL backend against a real server (`GARRISON_TEST_PG_URL`, from
//! `.ci/postgres.sh`). Each test uses its own random workspace.
//!
//! No skipping: without `GARRISON_TEST_PG_URL` the tests start a local server with
//! `.ci/postgres.sh` (installing it if missing), and fail when that fails.

mod common;

use garrison_testkit::pg as pg_server;

use std::time::{Duration, Instant};

use garrison_state::{Backend, Error, JournalRecord, LockInfo, Outcome, PostgresBackend, Store};

/// The server URL: never `None` (kept so each test reads `let Some(url) = ...`); a missing
/// server fails the test.
fn pg_url(_test: &str) -> Option<String> {
    Some(pg_server::url())
}

fn workspace() -> String {
    format!("test-{}", uuid::Uuid::new_v4())
}

fn connect(url: &str, workspace: &str) -> PostgresBackend {
    PostgresBackend::connect(url, workspace).expect("connect")
}

/// Run `statement` with `$1` = `workspace` on a separate connection; returns rows affected.
fn execute(url: &str, statement: &str, workspace: &str) -> u64 {
    runtime().block_on(async {
        let client = client(url).await;
        client
            .execute(statement, &[&workspace])
            .await
            .expect("execute")
    })
}

/// The first column of the first row of `query` (`$1` = `workspace`) as an i64.
fn query_i64(url: &str, query: &str, workspace: &str) -> Option<i64> {
    runtime().block_on(async {
        let client = client(url).await;
        client
            .query_opt(query, &[&workspace])
            .await
            .expect("query")
            .map(|row| row.get::<_, i64>(0))
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("test connection");
    tokio::spawn(connection);
    client
}

fn intent(op_id: u64, address: &str) -> JournalRecord {
    JournalRecord::Intent(garrison_state::Intent {
        op_id,
        run_id: uuid::Uuid::nil(),
        address: common::key(address),
        kind: garrison_core::Kind::Vm,
        action: garrison_core::JournalAction::Create,
        name: address.replace('.', "-"),
        region: "NORWAY-1".into(),
        at: "2025-01-02T03:04:05.000Z".into(),
    })
}

#[test]
fn round_trip() {
    let Some(url) = pg_url("round_trip") else {
        return;
    };
    let ws = workspace();
    let backend = connect(&url, &ws);
    assert_eq!(backend.location(), format!("postgres:{ws}"));
    assert_eq!(backend.read().expect("read empty"), None);
    let doc = common::doc(1, &["vm.a", "vm.b"]);
    let written = backend.write(&doc).expect("write");
    assert_eq!(
        written,
        garrison_state::encode(&doc).expect("encode").len() as u64
    );
    assert_eq!(backend.read().expect("read"), Some(doc.clone()));
    // A second backend on the same workspace sees it; another workspace does not.
    assert_eq!(connect(&url, &ws).read().expect("read"), Some(doc));
    assert_eq!(connect(&url, &workspace()).read().expect("read"), None);
}

#[test]
fn write_keeps_the_previous_document_and_serial() {
    let Some(url) = pg_url("write_keeps_the_previous_document_and_serial") else {
        return;
    };
    let ws = workspace();
    let backend = connect(&url, &ws);
    assert_eq!(backend.read_previous().expect("no previous"), None);
    let first = common::doc(1, &["vm.a"]);
    let second = common::doc(2, &["vm.a", "vm.b"]);
    backend.write(&first).expect("write 1");
    assert_eq!(backend.read_previous().expect("previous"), None);
    backend.write(&second).expect("write 2");
    assert_eq!(backend.read().expect("read"), Some(second));
    assert_eq!(backend.read_previous().expect("previous"), Some(first));
    let serial = "SELECT serial FROM garrison_state WHERE workspace = $1";
    let previous = "SELECT previous_serial FROM garrison_state WHERE workspace = $1";
    assert_eq!(query_i64(&url, serial, &ws), Some(2));
    assert_eq!(query_i64(&url, previous, &ws), Some(1));
}

#[test]
fn a_tampered_document_is_refused() {
    let Some(url) = pg_url("a_tampered_document_is_refused") else {
        return;
    };
    let ws = workspace();
    let backend = connect(&url, &ws);
    backend.write(&common::doc(1, &["vm.a"])).expect("write");
    let changed = execute(
        &url,
        "UPDATE garrison_state
         SET doc = convert_to(replace(convert_from(doc, 'UTF8'), 'ACTIVE', 'STOPPED'), 'UTF8')
         WHERE workspace = $1",
        &ws,
    );
    assert_eq!(changed, 1);
    let err = backend.read().expect_err("tampered state must be refused");
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&format!("postgres:{ws}")), "{text}");
    assert!(!text.contains("garrison-ci"), "{text}");
}

#[test]
fn a_second_locker_fails_fast_naming_the_holder() {
    let Some(url) = pg_url("a_second_locker_fails_fast_naming_the_holder") else {
        return;
    };
    let ws = workspace();
    let first = connect(&url, &ws);
    let second = connect(&url, &ws);
    let info = LockInfo::new("garrison apply");
    let guard = first.lock(info.clone()).expect("first lock");
    assert_eq!(guard.took_over(), None);

    let started = Instant::now();
    let err = second
        .lock(LockInfo::new("garrison plan"))
        .expect_err("second lock must fail");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    match &err {
        Error::Locked { holder, .. } => assert_eq!(**holder, info),
        other => panic!("expected Locked, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(&format!("postgres:{ws}")), "{text}");
    assert!(text.contains("`garrison apply`"), "{text}");

    // The same backend cannot lock twice either (advisory locks are re-entrant).
    assert!(matches!(
        first.lock(LockInfo::new("again")),
        Err(Error::Locked { .. })
    ));

    guard.release().expect("release");
    let next = LockInfo::new("garrison plan");
    let guard = second.lock(next.clone()).expect("lock after release");
    assert_eq!(guard.info(), &next);
    assert_eq!(guard.took_over(), None);
}

#[test]
fn a_dead_holders_stale_row_is_taken_over() {
    let Some(url) = pg_url("a_dead_holders_stale_row_is_taken_over") else {
        return;
    };
    let ws = workspace();
    let dead = connect(&url, &ws);
    let dead_info = LockInfo::new("garrison apply");
    let dead_guard = dead.lock(dead_info.clone()).expect("lock");
    drop(dead); // its session ends; the guard outlives it, like a crashed process
    let rows = "SELECT count(*) FROM garrison_lock WHERE workspace = $1";
    assert_eq!(
        query_i64(&url, rows, &ws),
        Some(1),
        "the row is left behind"
    );

    let next = connect(&url, &ws);
    let info = LockInfo::new("garrison plan");
    let guard = next.lock(info.clone()).expect("take over");
    assert_eq!(guard.took_over(), Some(&dead_info));
    // The dead guard's release cannot reach its session and must not touch the new row.
    drop(dead_guard);
    match connect(&url, &ws).lock(LockInfo::new("third")) {
        Err(Error::Locked { holder, .. }) => assert_eq!(*holder, info),
        other => panic!("expected Locked by the new holder, got {other:?}"),
    }
}

/// D1 (PostgreSQL): force-unlock takes the lock id and refuses a live session; a dead
/// session's row is removed.
#[test]
fn force_unlock_refuses_a_live_holder_and_removes_a_dead_ones_row() {
    let Some(url) = pg_url("force_unlock_refuses_a_live_holder_and_removes_a_dead_ones_row") else {
        return;
    };
    let ws = workspace();
    let holder = connect(&url, &ws);
    let holder_info = LockInfo::new("garrison apply");
    let holder_guard = holder.lock(holder_info.clone()).expect("lock");

    let admin = connect(&url, &ws);
    let status = admin.lock_status().expect("status").expect("held");
    assert!(status.alive);
    assert_eq!(status.holder, holder_info);
    let wrong = admin.force_unlock(uuid::Uuid::new_v4());
    assert!(
        matches!(wrong, Err(Error::LockIdMismatch { .. })),
        "{wrong:?}"
    );
    let live = admin.force_unlock(holder_info.id);
    assert!(matches!(live, Err(Error::HolderAlive { .. })), "{live:?}");
    // The holder is untouched: its session works and its lock holds.
    holder
        .read()
        .expect("the live holder's session still works");
    assert!(matches!(
        connect(&url, &ws).lock(LockInfo::new("third")),
        Err(Error::Locked { .. })
    ));

    // The holder dies (its session ends, its row stays): force-unlock removes the row.
    drop(holder);
    drop(holder_guard);
    let status = admin.lock_status().expect("status").expect("row left");
    assert!(!status.alive);
    assert_eq!(
        admin.force_unlock(holder_info.id).expect("force"),
        holder_info
    );
    assert_eq!(admin.lock_status().expect("status"), None);
    let none = admin.force_unlock(holder_info.id);
    assert!(matches!(none, Err(Error::NotLocked { .. })), "{none:?}");

    // Force-unlocking our own lock releases it.
    let info = LockInfo::new("garrison plan");
    let guard = admin.lock(info.clone()).expect("lock after force-unlock");
    assert_eq!(guard.took_over(), None);
    assert_eq!(admin.force_unlock(info.id).expect("force own"), info);
    connect(&url, &ws)
        .lock(LockInfo::new("fourth"))
        .expect("free after forcing our own lock");
}

#[test]
fn journal_appends_reads_in_order_and_clears() {
    let Some(url) = pg_url("journal_appends_reads_in_order_and_clears") else {
        return;
    };
    let ws = workspace();
    let backend = connect(&url, &ws);
    assert!(backend.journal_read().expect("empty").records.is_empty());
    let records: Vec<_> = (1..=5).map(|i| intent(i, &format!("vm.n{i}"))).collect();
    for r in &records {
        let bytes = backend.journal_append(r).expect("append");
        // The record's JSON plus its `"checksum":"sha256:<64 hex>"` field.
        let plain = serde_json::to_vec(r).expect("json").len() as u64;
        assert_eq!(bytes, plain + r#","checksum":"sha256:""#.len() as u64 + 64);
    }
    // Another workspace's journal is separate.
    let other = connect(&url, &workspace());
    other
        .journal_append(&intent(9, "vm.other"))
        .expect("append");

    let read = connect(&url, &ws).journal_read().expect("read");
    assert_eq!(read.records, records);
    assert_eq!(read.torn, None);
    backend.journal_clear().expect("clear");
    assert!(backend.journal_read().expect("read").records.is_empty());
    assert_eq!(other.journal_read().expect("read").records.len(), 1);
}

#[test]
fn an_undecodable_journal_record_is_an_error_naming_its_seq() {
    let Some(url) = pg_url("an_undecodable_journal_record_is_an_error_naming_its_seq") else {
        return;
    };
    let ws = workspace();
    let backend = connect(&url, &ws);
    backend.journal_append(&intent(1, "vm.a")).expect("append");
    execute(
        &url,
        "INSERT INTO garrison_journal (workspace, record) VALUES ($1, '\\x7b6e6f'::bytea)",
        &ws,
    );
    let seq = query_i64(
        &url,
        "SELECT max(seq) FROM garrison_journal WHERE workspace = $1",
        &ws,
    )
    .expect("seq");
    let err = backend.journal_read().expect_err("corrupt record");
    assert!(
        matches!(err, Error::JournalCorrupt { line: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(&format!("seq {seq}")), "{err}");
}

/// D4 (PostgreSQL): an edited journal row fails its checksum and is refused.
#[test]
fn an_edited_journal_row_is_refused() {
    let Some(url) = pg_url("an_edited_journal_row_is_refused") else {
        return;
    };
    let ws = workspace();
    let backend = connect(&url, &ws);
    backend.journal_append(&intent(1, "vm.a")).expect("append");
    backend.journal_append(&intent(2, "vm.b")).expect("append");
    execute(
        &url,
        "UPDATE garrison_journal SET record = convert_to(replace(convert_from(record, 'UTF8'), 'vm.b', 'vm.c'), 'UTF8')
         WHERE workspace = $1",
        &ws,
    );
    let err = backend.journal_read().expect_err("edited row");
    assert!(
        matches!(err, Error::JournalChecksumMismatch { line: 2, .. }),
        "{err:?}"
    );
}

#[test]
fn store_replays_a_journal_left_by_a_crashed_store() {
    let Some(url) = pg_url("store_replays_a_journal_left_by_a_crashed_store") else {
        return;
    };
    let ws = workspace();
    let mut store =
        Store::open(Box::new(connect(&url, &ws)), LockInfo::new("crashing")).expect("open");
    for address in ["vm.a", "vm.b"] {
        let op = store
            .record_intent(common::create(address))
            .expect("intent");
        store
            .record_completion(
                op,
                &common::key(address),
                Outcome::Upserted(common::resource(address)),
            )
            .expect("completion");
    }
    store
        .record_intent(common::create("vm.c"))
        .expect("in flight");
    drop(store); // no checkpoint: the state row was never written

    assert_eq!(connect(&url, &ws).read().expect("read"), None);
    let store =
        Store::open(Box::new(connect(&url, &ws)), LockInfo::new("recover")).expect("reopen");
    assert_eq!(store.recovery().replayed_records, 5);
    assert_eq!(store.recovery().applied, 2);
    assert_eq!(
        store.recovery().took_over,
        None,
        "dropping the store released"
    );
    let addresses: Vec<_> = store.state().resources.keys().cloned().collect();
    assert_eq!(addresses, ["vm.a", "vm.b"]);
    assert_eq!(store.unresolved().len(), 1);
    assert_eq!(store.unresolved()[0].address.to_string(), "vm.c");
    let backend = store.backend();
    assert!(backend.journal_read().expect("journal").records.is_empty());
    let persisted = backend.read().expect("read").expect("state written");
    assert_eq!(persisted.resources.len(), 2);
    assert_eq!(persisted.pending.len(), 1);
    store.close().expect("close");
}

#[test]
fn bytes_written_grow_linearly_with_the_journal_until_checkpoint() {
    let Some(url) = pg_url("bytes_written_grow_linearly_with_the_journal_until_checkpoint") else {
        return;
    };
    let ws = workspace();
    let mut store =
        Store::open(Box::new(connect(&url, &ws)), LockInfo::new("apply")).expect("open");
    let mut per_op = Vec::new();
    for i in 0..40 {
        let address = format!("vm.n{i:03}");
        let before = store.bytes_written();
        let op = store
            .record_intent(common::create(&address))
            .expect("intent");
        store
            .record_completion(
                op,
                &common::key(&address),
                Outcome::Upserted(common::resource(&address)),
            )
            .expect("completion");
        per_op.push(store.bytes_written() - before);
    }
    // Each operation costs the same (its two records), whatever the state's size.
    let (min, max) = (
        per_op.iter().min().copied().unwrap_or(0),
        per_op.iter().max().copied().unwrap_or(0),
    );
    assert!(min > 0 && max - min <= 8, "{per_op:?}");
    assert_eq!(store.bytes_written(), per_op.iter().sum::<u64>());
    // Journal only: no state row yet.
    let serial = "SELECT serial FROM garrison_state WHERE workspace = $1";
    assert_eq!(query_i64(&url, serial, &ws), None);
    let journal = "SELECT count(*) FROM garrison_journal WHERE workspace = $1";
    assert_eq!(query_i64(&url, journal, &ws), Some(80));

    let before = store.bytes_written();
    store.checkpoint().expect("checkpoint");
    let doc_len = garrison_state::encode(store.state()).expect("encode").len() as u64;
    assert_eq!(store.bytes_written() - before, doc_len);
    assert_eq!(query_i64(&url, serial, &ws), Some(1));
    assert_eq!(query_i64(&url, journal, &ws), Some(0));
    store.close().expect("close");
}

#[tokio::test]
async fn works_when_called_from_inside_a_runtime() {
    let Some(url) = pg_url("works_when_called_from_inside_a_runtime") else {
        return;
    };
    let backend = connect(&url, &workspace());
    let doc = common::doc(3, &["vm.a"]);
    backend.write(&doc).expect("write");
    assert_eq!(backend.read().expect("read"), Some(doc));
    drop(backend);
}

#[test]
fn connect_errors_never_show_the_password() {
    let Some(url) = pg_url("connect_errors_never_show_the_password") else {
        return;
    };
    let wrong = url.replacen("garrison-ci@", "wr0ng-s3cret@", 1);
    assert_ne!(wrong, url, "the CI URL has the expected password");
    let err = PostgresBackend::connect(&wrong, "ws").expect_err("bad password");
    assert!(
        matches!(
            err,
            Error::Postgres {
                action: "connect",
                ..
            }
        ),
        "{err:?}"
    );
    let text = format!("{err} {err:?}");
    assert!(!text.contains("wr0ng-s3cret"), "{text}");
    assert!(text.contains(":***@"), "{text}");

    let backend = connect(&url, "ws");
    let debug = format!("{backend:?}");
    assert!(!debug.contains("garrison-ci"), "{debug}");
}
