//! State surgery (`rm`, `mv`, `pull`, `push`) on the PostgreSQL backend against a real server
//! (`GARRISON_TEST_PG_URL`, or a local server `.ci/postgres.sh` starts; never skipped). Each
//! test uses its own random workspace. The previous document (`read_previous`) is the state
//! before the surgery; a refusal leaves both documents as they were.

mod common;

use garrison_state::surgery::{self, SurgeryError};
use garrison_state::{encode, Backend, Error, LockInfo, PostgresBackend, StateDoc};
use garrison_testkit::pg as pg_server;

/// A workspace holding `addresses` at serial 3 (previous: serial 2).
struct Workspace {
    url: String,
    name: String,
    doc: StateDoc,
}

impl Workspace {
    fn new(addresses: &[&str]) -> Workspace {
        let url = pg_server::url();
        let name = format!("test-{}", uuid::Uuid::new_v4());
        let doc = common::doc(3, addresses);
        let mut older = doc.clone();
        older.serial = 2;
        let ws = Workspace { url, name, doc };
        let backend = ws.connect();
        backend.write(&older).expect("write older");
        backend.write(&ws.doc).expect("write");
        ws
    }

    fn connect(&self) -> PostgresBackend {
        PostgresBackend::connect(&self.url, &self.name).expect("connect")
    }

    fn boxed(&self) -> Box<dyn Backend> {
        Box::new(self.connect())
    }

    /// The current and the previous document.
    fn documents(&self) -> (Option<StateDoc>, Option<StateDoc>) {
        let backend = self.connect();
        (
            backend.read().expect("read"),
            backend.read_previous().expect("read previous"),
        )
    }

    fn keys(&self) -> Vec<String> {
        let state = self.documents().0.expect("a state");
        state.resources.keys().cloned().collect()
    }
}

#[test]
fn rm_on_postgres_keeps_the_previous_document() {
    let ws = Workspace::new(&["vm.a[0]", "vm.a[1]", "vm.b"]);
    let removed = surgery::remove(ws.boxed(), &[common::key("vm.a")]).expect("rm");
    assert_eq!(removed.entries.len(), 2);
    let backup = removed.written.backup.expect("backup");
    assert_eq!(backup.serial, 3);
    assert_eq!(
        backup.location,
        format!(
            "postgres:{} (column `previous` of table `garrison_state`)",
            ws.name
        )
    );
    assert_eq!(ws.keys(), ["vm.b"]);
    let (current, previous) = ws.documents();
    assert_eq!(current.map(|d| d.serial), Some(4));
    assert_eq!(previous, Some(ws.doc.clone()));
    assert!(ws
        .connect()
        .journal_read()
        .expect("journal")
        .records
        .is_empty());

    let before = ws.documents();
    let err = surgery::remove(ws.boxed(), &[common::key("vm.zz")]).expect_err("unknown");
    assert!(matches!(err, SurgeryError::NotInState { .. }), "{err:?}");
    assert_eq!(ws.documents(), before);
}

#[test]
fn mv_on_postgres_renames_and_refuses_an_occupied_address() {
    let ws = Workspace::new(&["vm.a", "vm.b", "volume.d"]);
    let err = surgery::move_entries(ws.boxed(), &common::key("vm.a"), &common::key("vm.b"))
        .expect_err("occupied");
    assert!(
        matches!(&err, SurgeryError::AddressTaken { taken, .. } if &**taken == "vm.b"),
        "{err:?}"
    );
    assert_eq!(ws.documents().0, Some(ws.doc.clone()));

    surgery::move_entries(ws.boxed(), &common::key("vm.a"), &common::key("vm.c")).expect("mv");
    assert_eq!(ws.keys(), ["vm.b", "vm.c", "volume.d"]);
    let (current, previous) = ws.documents();
    let current = current.expect("state");
    assert_eq!(current.resources["vm.c"].remote_id.as_str(), "id-vm.a");
    assert_eq!(current.serial, 4);
    assert_eq!(previous, Some(ws.doc.clone()));
}

#[test]
fn push_on_postgres_checks_the_lineage_and_pull_round_trips() {
    let ws = Workspace::new(&["vm.a"]);
    let pulled = surgery::pull(&ws.connect())
        .expect("pull")
        .expect("a state");
    assert_eq!(pulled, encode(&ws.doc).expect("encode"));

    let other = common::doc(1, &["vm.other"]);
    let bytes = encode(&other).expect("encode");
    let before = ws.documents();
    let err = surgery::push(ws.boxed(), "other.json", &bytes, false).expect_err("lineage");
    match &err {
        SurgeryError::LineageMismatch {
            file_lineage,
            state_lineage,
            ..
        } => {
            assert_eq!(*file_lineage, other.lineage);
            assert_eq!(*state_lineage, ws.doc.lineage);
        }
        other => panic!("wanted LineageMismatch, got {other:?}"),
    }
    assert_eq!(ws.documents(), before);

    let pushed = surgery::push(ws.boxed(), "pulled.json", &pulled, false).expect("push");
    assert_eq!(pushed.written.serial, 4);
    surgery::push(ws.boxed(), "other.json", &bytes, true).expect("forced");
    let (current, previous) = ws.documents();
    let current = current.expect("state");
    assert_eq!(current.lineage, other.lineage);
    assert_eq!(current.serial, 5);
    assert_eq!(
        previous.map(|p| (p.lineage, p.serial)),
        Some((ws.doc.lineage, 4))
    );
}

#[test]
fn surgery_on_postgres_refuses_a_held_lock() {
    let ws = Workspace::new(&["vm.a"]);
    let holder = ws.connect();
    let guard = holder.lock(LockInfo::new("garrison apply")).expect("lock");
    let err = surgery::remove(ws.boxed(), &[common::key("vm.a")]).expect_err("locked");
    assert!(
        matches!(&err, SurgeryError::State(Error::Locked { holder, .. }) if holder.command == "garrison apply"),
        "{err:?}"
    );
    assert_eq!(ws.documents().0, Some(ws.doc.clone()));
    guard.release().expect("release");
}
