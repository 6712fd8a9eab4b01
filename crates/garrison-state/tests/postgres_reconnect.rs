//! Teams: a PostgreSQL session lost in the middle of a run (here ended by the server with
//! `pg_terminate_backend`, as a restart or a network cut would) is replaced, and the run
//! keeps its lock and its journal; if another run took the lock meanwhile, this one stops
//! writing (`garrison::state::lock_lost`) instead of overwriting it.

mod common;

use garrison_state::{Backend, Error, LockInfo, Outcome, PostgresBackend, Store};
use garrison_testkit::pg;

fn workspace() -> String {
    format!("reconnect-{}", uuid::Uuid::new_v4())
}

fn connect(workspace: &str) -> PostgresBackend {
    PostgresBackend::connect(&pg::url(), workspace).expect("connect")
}

/// Ends session `pid` from another connection, as the server would on a restart.
fn terminate(pid: i32) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(&pg::url(), tokio_postgres::NoTls)
            .await
            .expect("admin connection");
        tokio::spawn(connection);
        let row = client
            .query_one("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .expect("terminate");
        assert!(row.get::<_, bool>(0), "session {pid} was not terminated");
    });
}

#[test]
fn a_lost_session_is_replaced_keeping_the_lock_and_the_journal() {
    let ws = workspace();
    let backend = connect(&ws);
    let pid = backend.session_pid().expect("pid");
    let mut store = Store::open(Box::new(backend), LockInfo::new("garrison apply")).expect("open");
    let op = store.record_intent(common::create("vm.a")).expect("intent");

    terminate(pid);
    let mut vm = common::resource("vm.a");
    vm.remote_id = "7".into();
    store
        .record_completion(op, &common::key("vm.a"), Outcome::Upserted(vm))
        .expect("the completion is journaled on a new session");

    let other = connect(&ws);
    let err = other
        .lock(LockInfo::new("a second run"))
        .expect_err("still ours");
    assert!(matches!(err, Error::Locked { .. }), "{err:?}");
    let journal = other.journal_read().expect("journal");
    assert_eq!(journal.records.len(), 2, "intent and completion, once each");

    store
        .checkpoint()
        .expect("the state is written on the new session");
    store.close().expect("released");
    let state = other.read().expect("read").expect("a state");
    assert_eq!(state.resources["vm.a"].remote_id.to_string(), "7");
    other
        .lock(LockInfo::new("after"))
        .expect("free once released");
}

#[test]
fn a_lock_taken_over_while_disconnected_stops_this_run_from_writing() {
    let ws = workspace();
    let backend = connect(&ws);
    let pid = backend.session_pid().expect("pid");
    let mut store = Store::open(Box::new(backend), LockInfo::new("garrison apply")).expect("open");
    store.record_intent(common::create("vm.a")).expect("intent");

    terminate(pid);
    // The server freed the advisory lock with the session: a second run takes over.
    let other = connect(&ws);
    let guard = other
        .lock(LockInfo::new("the second run"))
        .expect("take over");
    assert!(guard.took_over().is_some(), "the first run's row was stale");

    let err = store
        .record_intent(common::create("vm.b"))
        .expect_err("the lock is gone");
    assert!(matches!(err, Error::LockLost { .. }), "{err:?}");
    assert!(err.to_string().contains("the second run"), "{err}");
    let journal = other.journal_read().expect("journal");
    assert_eq!(journal.records.len(), 1, "nothing written after the loss");
    assert!(
        matches!(
            connect(&ws).lock(LockInfo::new("third")),
            Err(Error::Locked { .. })
        ),
        "the second run still holds it"
    );
    drop(guard);
}
