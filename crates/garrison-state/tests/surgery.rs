//! State surgery on the local backend: `rm`, `mv`, `pull`, `push`. Each change is one
//! journaled step with the previous state kept as the backup; each refusal leaves the state
//! file, its backup and the journal byte for byte as they were.

mod common;

use std::path::{Path, PathBuf};

use garrison_core::StateKey;
use garrison_state::surgery::{self, PushConflict, SurgeryError};
use garrison_state::{
    decode, encode, Backend, Error, Intent, JournalRecord, LocalBackend, LockInfo, StateDoc, Store,
};

/// A state at serial 3 (with a backup at serial 2) holding `addresses`.
struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    doc: StateDoc,
}

impl Fixture {
    fn new(addresses: &[&str]) -> Fixture {
        Fixture::with(common::doc(3, addresses))
    }

    fn with(doc: StateDoc) -> Fixture {
        let (dir, backend) = common::backend();
        let mut older = doc.clone();
        older.serial = doc.serial - 1;
        backend.write(&older).expect("write older");
        backend.write(&doc).expect("write");
        Fixture {
            path: backend.path().to_path_buf(),
            _dir: dir,
            doc,
        }
    }

    fn backend(&self) -> LocalBackend {
        LocalBackend::new(&self.path)
    }

    fn boxed(&self) -> Box<dyn Backend> {
        Box::new(self.backend())
    }

    fn state(&self) -> StateDoc {
        self.backend().read().expect("read").expect("a state")
    }

    /// The state file, its backup and the journal (`None` when absent).
    fn files(&self) -> [Option<Vec<u8>>; 3] {
        let b = self.backend();
        [b.path(), b.backup_path(), b.journal_path()].map(|p| std::fs::read(p).ok())
    }

    /// Runs a surgery that must be refused; asserts nothing changed and returns the error.
    fn refused<T: std::fmt::Debug>(
        &self,
        run: impl FnOnce(Box<dyn Backend>) -> Result<T, SurgeryError>,
    ) -> SurgeryError {
        let before = self.files();
        let err = run(self.boxed()).expect_err("refused");
        assert_eq!(self.files(), before, "a refusal changed a file: {err}");
        assert!(
            self.backend().lock_status().expect("status").is_none(),
            "lock left"
        );
        err
    }

    /// The backup file decodes to the document before the surgery.
    fn assert_backup_is(&self, before: &StateDoc) {
        let b = self.backend();
        let bytes = std::fs::read(b.backup_path()).expect("backup");
        assert_eq!(&decode(b.backup_path(), &bytes).expect("decode"), before);
    }
}

fn key(s: &str) -> StateKey {
    common::key(s)
}

fn keys(state: &StateDoc) -> Vec<&str> {
    state.resources.keys().map(String::as_str).collect()
}

fn pending(address: &str) -> Intent {
    Intent {
        op_id: 1,
        run_id: uuid::Uuid::new_v4(),
        address: key(address),
        kind: key(address).kind(),
        action: garrison_core::JournalAction::Create,
        name: "late".into(),
        region: "NORWAY-1".into(),
        at: "2025-01-02T03:04:05.000Z".into(),
    }
}

// ---- rm -------------------------------------------------------------------------------

#[test]
fn rm_an_instance_keeps_the_rest_bumps_the_serial_and_backs_up() {
    let f = Fixture::new(&["vm.a[0]", "vm.a[1]", "vm.b"]);
    let removed = surgery::remove(f.boxed(), &[key("vm.a[0]")]).expect("rm");
    assert_eq!(removed.entries.len(), 1);
    assert_eq!(removed.entries[0].remote_id.as_str(), "id-vm.a[0]");
    let state = f.state();
    assert_eq!(keys(&state), ["vm.a[1]", "vm.b"]);
    assert_eq!(state.serial, 4);
    assert_eq!(state.lineage, f.doc.lineage);
    assert_eq!(removed.written.serial, 4);
    let backup = removed.written.backup.expect("a backup");
    assert_eq!(backup.serial, 3);
    assert_eq!(
        backup.location,
        f.backend().backup_path().display().to_string()
    );
    f.assert_backup_is(&f.doc);
    assert!(!f.backend().journal_path().exists(), "journal not cleared");
    assert!(f.backend().lock_status().expect("status").is_none());
}

#[test]
fn rm_a_block_removes_every_instance_and_leaves_deposed_objects() {
    let f = Fixture::new(&["vm.a[0]", "vm.a[1]", "vm.a (deposed 9)", "vm.ab", "vm.b"]);
    let removed = surgery::remove(f.boxed(), &[key("vm.a"), key("vm.a[1]")]).expect("rm");
    let gone: Vec<String> = removed
        .entries
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(gone, ["vm.a[0]", "vm.a[1]"]);
    assert_eq!(removed.deposed_left, [key("vm.a (deposed 9)")]);
    assert_eq!(keys(&f.state()), ["vm.a (deposed 9)", "vm.ab", "vm.b"]);
}

#[test]
fn rm_a_deposed_object_by_its_exact_key() {
    let f = Fixture::new(&["vm.a", "vm.a (deposed 9)"]);
    surgery::remove(f.boxed(), &[key("vm.a (deposed 9)")]).expect("rm");
    assert_eq!(keys(&f.state()), ["vm.a"]);
}

#[test]
fn rm_refuses_every_unknown_address_and_changes_nothing() {
    let f = Fixture::new(&["vm.a", "vm.b"]);
    let err = f.refused(|b| surgery::remove(b, &[key("vm.a"), key("vm.x"), key("volume.y[2]")]));
    match &err {
        SurgeryError::NotInState { addresses } => assert_eq!(addresses, &["vm.x", "volume.y[2]"]),
        other => panic!("wanted NotInState, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "`vm.x`, `volume.y[2]` are not in the state"
    );
}

#[test]
fn rm_refuses_an_entry_with_an_unresolved_operation() {
    let mut doc = common::doc(3, &["vm.a", "vm.b"]);
    doc.pending.push(pending("vm.a"));
    let f = Fixture::with(doc);
    let err = f.refused(|b| surgery::remove(b, &[key("vm.b"), key("vm.a")]));
    assert!(
        matches!(&err, SurgeryError::Pending { address, .. } if address == "vm.a"),
        "{err:?}"
    );
}

// ---- mv -------------------------------------------------------------------------------

#[test]
fn mv_an_instance_renames_it_and_its_dependents_follow() {
    let mut doc = common::doc(3, &["vm.a", "volume.d", "vm.c"]);
    if let Some(d) = doc.resources.get_mut("volume.d") {
        d.dependencies = vec!["vm.a".into(), "ssh_key.main".into()];
    }
    let f = Fixture::with(doc);
    let moved = surgery::move_entries(f.boxed(), &key("vm.a"), &key("vm.b")).expect("mv");
    assert_eq!(moved.moves.len(), 1);
    assert_eq!(moved.moves[0].1, key("vm.b"));
    assert_eq!(moved.dependents, [key("volume.d")]);
    let state = f.state();
    assert_eq!(keys(&state), ["vm.b", "vm.c", "volume.d"]);
    let b = &state.resources["vm.b"];
    assert_eq!(b.address, key("vm.b"));
    assert_eq!(b.remote_id.as_str(), "id-vm.a");
    assert_eq!(b.name, f.doc.resources["vm.a"].name);
    assert_eq!(
        state.resources["volume.d"].dependencies,
        ["vm.b", "ssh_key.main"]
    );
    assert_eq!(state.resources["vm.c"].dependencies, ["ssh_key.main"]);
    assert_eq!(state.serial, 4);
    f.assert_backup_is(&f.doc);
    assert!(!f.backend().journal_path().exists());
}

#[test]
fn mv_a_block_moves_every_instance_keeping_indices() {
    let mut doc = common::doc(3, &["vm.w[0]", "vm.w[1]", "vm.w (deposed 7)", "volume.d"]);
    if let Some(d) = doc.resources.get_mut("volume.d") {
        d.dependencies = vec!["vm.w[1]".into()];
    }
    let f = Fixture::with(doc);
    let moved = surgery::move_entries(f.boxed(), &key("vm.w"), &key("vm.x")).expect("mv");
    let pairs: Vec<(String, String)> = moved
        .moves
        .iter()
        .map(|(r, to)| (r.address.to_string(), to.to_string()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("vm.w[0]".to_string(), "vm.x[0]".to_string()),
            ("vm.w[1]".to_string(), "vm.x[1]".to_string())
        ]
    );
    let state = f.state();
    assert_eq!(
        keys(&state),
        ["vm.w (deposed 7)", "vm.x[0]", "vm.x[1]", "volume.d"]
    );
    assert_eq!(state.resources["vm.x[1]"].remote_id.as_str(), "id-vm.w[1]");
    assert_eq!(state.resources["volume.d"].dependencies, ["vm.x[1]"]);
}

#[test]
fn mv_between_instance_and_plain_addresses() {
    let f = Fixture::new(&["vm.a", "vm.c[3]"]);
    surgery::move_entries(f.boxed(), &key("vm.a"), &key("vm.b[0]")).expect("mv");
    surgery::move_entries(f.boxed(), &key("vm.c[3]"), &key("vm.d")).expect("mv");
    surgery::move_entries(f.boxed(), &key("vm.d"), &key("vm.d[1]")).expect("mv");
    let state = f.state();
    assert_eq!(keys(&state), ["vm.b[0]", "vm.d[1]"]);
    assert_eq!(state.resources["vm.d[1]"].remote_id.as_str(), "id-vm.c[3]");
    assert_eq!(state.serial, 6);
}

#[test]
fn mv_refusals_name_the_problem_and_change_nothing() {
    let f = Fixture::new(&[
        "vm.a",
        "vm.b",
        "vm.w[0]",
        "vm.w[1]",
        "vm.v[5]",
        "vm.a (deposed 9)",
    ]);
    let mv = |from: &str, to: &str| {
        let (from, to) = (key(from), key(to));
        f.refused(move |b| surgery::move_entries(b, &from, &to))
    };
    let cases: Vec<(SurgeryError, &str)> = vec![
        (mv("vm.zz", "vm.c"), "`vm.zz` is not in the state"),
        (
            mv("vm.a", "vm.b"),
            "cannot move `vm.a` to `vm.b`: `vm.b` is already in the state (id id-vm.b, name `name-vm-b`)",
        ),
        (
            mv("vm.w", "vm.v"),
            "cannot move `vm.w` to `vm.v`: `vm.v[5]` is already in the state (id id-vm.v[5], name `name-vm-v[5]`)",
        ),
        (
            mv("vm.a", "volume.a"),
            "cannot move `vm.a` to `volume.a`: a vm cannot become a volume",
        ),
        (
            mv("vm.a (deposed 9)", "vm.c"),
            "cannot move `vm.a (deposed 9)`: it is a deposed object (replaced, waiting for its delete), not an address",
        ),
        (
            mv("vm.c", "vm.a (deposed 9)"),
            "cannot move `vm.a (deposed 9)`: it is a deposed object (replaced, waiting for its delete), not an address",
        ),
        (mv("vm.a", "vm.a"), "cannot move `vm.a` onto itself"),
        (
            mv("vm.w", "vm.c[0]"),
            "cannot move `vm.w` to `vm.c[0]`: `vm.w` names a whole block (2 instance(s)), and `vm.c[0]` is one instance",
        ),
    ];
    for (err, want) in cases {
        assert_eq!(err.to_string(), want);
        let help = miette::Diagnostic::help(&err).map(|h| h.to_string());
        assert!(
            help.is_some_and(|h| h.contains("nothing was changed")),
            "{err}"
        );
    }
}

#[test]
fn mv_refuses_an_address_with_an_unresolved_operation() {
    let mut doc = common::doc(3, &["vm.a"]);
    doc.pending.push(pending("vm.b"));
    let f = Fixture::with(doc);
    let err = f.refused(|b| surgery::move_entries(b, &key("vm.a"), &key("vm.b")));
    assert!(
        matches!(&err, SurgeryError::Pending { address, .. } if address == "vm.b"),
        "{err:?}"
    );
}

// ---- locking and journal --------------------------------------------------------------

#[test]
fn a_held_lock_refuses_every_surgery_with_the_apply_lock_error() {
    let f = Fixture::new(&["vm.a"]);
    let holder = f.backend();
    let guard = holder.lock(LockInfo::new("garrison apply")).expect("lock");
    let before = f.files();
    let errors = [
        surgery::remove(f.boxed(), &[key("vm.a")]).map(|_| ()),
        surgery::move_entries(f.boxed(), &key("vm.a"), &key("vm.b")).map(|_| ()),
        surgery::push(f.boxed(), "f.json", &encode(&f.doc).expect("encode"), true).map(|_| ()),
    ];
    for err in errors {
        match err {
            Err(SurgeryError::State(Error::Locked { holder, .. })) => {
                assert_eq!(holder.command, "garrison apply");
            }
            other => panic!("wanted the lock error, got {other:?}"),
        }
    }
    assert_eq!(f.files(), before);
    guard.release().expect("release");
}

/// The journal record is the commit point: a write that fails after it (a full disk, or a
/// crash) leaves the edit in the journal, and the next open replays it.
#[test]
fn a_failed_write_after_the_journal_is_recovered_by_replay() {
    let f = Fixture::new(&["vm.a", "vm.b"]);
    let backend = f.backend();
    backend.fail_next_write_after(10);
    let err = surgery::remove(Box::new(backend), &[key("vm.a")]).expect_err("write fails");
    assert!(
        matches!(err, SurgeryError::State(Error::Io { .. })),
        "{err}"
    );
    assert_eq!(f.state(), f.doc, "the state file was written");
    let journal = f.backend().journal_read().expect("journal");
    assert!(
        matches!(journal.records.as_slice(), [JournalRecord::Edit(_)]),
        "{journal:?}"
    );
    let line = std::fs::read_to_string(f.backend().journal_path()).expect("journal text");
    assert!(
        line.contains(r#""record":"edit""#) && line.contains(r#""op":"remove""#),
        "{line}"
    );
    // Readers already see it; the next locked open replays and persists it.
    let peek = Store::peek(&f.backend()).expect("peek").state;
    assert_eq!(keys(&peek), ["vm.b"]);
    let store = Store::open(f.boxed(), LockInfo::new("garrison apply")).expect("open");
    assert_eq!(store.recovery().replayed_records, 1);
    assert_eq!(store.recovery().applied, 1);
    store.close().expect("close");
    let state = f.state();
    assert_eq!(keys(&state), ["vm.b"]);
    assert_eq!(state.serial, 4);
}

#[test]
fn edits_replay_idempotently_and_only_onto_the_object_they_name() {
    let f = Fixture::new(&["vm.a", "vm.b", "vm.c"]);
    let backend = f.backend();
    backend.fail_next_write_after(10);
    surgery::move_entries(Box::new(backend), &key("vm.a"), &key("vm.z")).expect_err("fails");
    let records = f.backend().journal_read().expect("journal").records;
    let once = garrison_state::replay(&f.doc, &records).state;
    assert_eq!(keys(&once), ["vm.b", "vm.c", "vm.z"]);
    // Replaying onto a state that has it already (a crash after the write, before the
    // journal was cleared) changes nothing more.
    let twice = garrison_state::replay(&once, &records);
    assert_eq!(twice.state.resources, once.resources);
    assert_eq!(twice.applied, 0);
    // An entry holding another object at the old key is left alone.
    let mut other = f.doc.clone();
    if let Some(a) = other.resources.get_mut("vm.a") {
        a.remote_id = "someone-else".into();
    }
    let r = garrison_state::replay(&other, &records);
    assert_eq!(r.state.resources, other.resources);
}

// ---- pull and push --------------------------------------------------------------------

fn pulled(f: &Fixture) -> Vec<u8> {
    surgery::pull(&f.backend()).expect("pull").expect("a state")
}

#[test]
fn pull_is_the_stored_bytes_and_push_takes_them_back() {
    let f = Fixture::new(&["vm.a", "volume.d"]);
    let bytes = pulled(&f);
    assert_eq!(bytes, std::fs::read(&f.path).expect("state file"));
    let pushed = surgery::push(f.boxed(), "pulled.json", &bytes, false).expect("push");
    assert_eq!(pushed.forced, None);
    assert_eq!(pushed.file_serial, 3);
    assert_eq!(pushed.resources, 2);
    assert_eq!(pushed.written.serial, 4);
    assert_eq!(pushed.written.backup.as_ref().map(|b| b.serial), Some(3));
    let state = f.state();
    assert_eq!(state.serial, 4);
    assert_eq!(state.resources, f.doc.resources);
    f.assert_backup_is(&f.doc);
    // The same file again is now older than the state.
    let err = f.refused(|b| surgery::push(b, "pulled.json", &bytes, false));
    assert_eq!(
        err.to_string(),
        "refusing to push `pulled.json`: its serial 3 is older than the state's serial 4"
    );
}

#[test]
fn pull_replays_an_interrupted_journal_and_an_empty_backend_pulls_nothing() {
    let (_dir, empty) = common::backend();
    assert_eq!(surgery::pull(&empty).expect("pull"), None);
    let f = Fixture::new(&["vm.a"]);
    let mut store = Store::open(f.boxed(), LockInfo::new("garrison apply")).expect("open");
    let op = store.next_op();
    store
        .record_completion(op, &key("vm.a"), garrison_state::Outcome::Deleted)
        .expect("journal");
    drop(store); // a crash: journal written, state not
    let doc = decode(Path::new("pulled"), &pulled(&f)).expect("decode");
    assert!(doc.resources.is_empty());
    assert_eq!(doc.serial, 4);
}

#[test]
fn push_of_another_lineage_is_refused_unless_forced() {
    let f = Fixture::new(&["vm.a"]);
    let other = common::doc(9, &["vm.other"]);
    let bytes = encode(&other).expect("encode");
    let err = f.refused(|b| surgery::push(b, "other.json", &bytes, false));
    assert_eq!(
        err.to_string(),
        format!(
            "refusing to push `other.json`: its lineage {} is not the state's lineage {}",
            other.lineage, f.doc.lineage
        )
    );
    let pushed = surgery::push(f.boxed(), "other.json", &bytes, true).expect("forced");
    assert_eq!(
        pushed.forced,
        Some(PushConflict::Lineage {
            file: other.lineage,
            state: f.doc.lineage
        })
    );
    let state = f.state();
    assert_eq!(state.lineage, other.lineage);
    assert_eq!(state.serial, 10);
    assert_eq!(keys(&state), ["vm.other"]);
    f.assert_backup_is(&f.doc);
}

#[test]
fn push_of_an_older_serial_is_refused_unless_forced_and_ends_above_both() {
    let f = Fixture::new(&["vm.a"]);
    let mut old = f.doc.clone();
    old.serial = 1;
    old.resources.clear();
    let bytes = encode(&old).expect("encode");
    let err = f.refused(|b| surgery::push(b, "old.json", &bytes, false));
    assert!(
        matches!(
            err,
            SurgeryError::SerialBehind {
                file_serial: 1,
                state_serial: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let pushed = surgery::push(f.boxed(), "old.json", &bytes, true).expect("forced");
    assert_eq!(
        pushed.forced,
        Some(PushConflict::Serial { file: 1, state: 3 })
    );
    assert_eq!(f.state().serial, 4);
    assert!(f.state().resources.is_empty());
    // A newer file of the same lineage goes in without --force, above its own serial.
    let mut newer = f.state();
    newer.serial = 20;
    let bytes = encode(&newer).expect("encode");
    surgery::push(f.boxed(), "new.json", &bytes, false).expect("push");
    assert_eq!(f.state().serial, 21);
}

#[test]
fn push_refuses_an_invalid_file_even_when_forced() {
    let f = Fixture::new(&["vm.a"]);
    let good = String::from_utf8(encode(&f.doc).expect("encode")).expect("utf-8");
    let edited = good.replace("id-vm.a", "id-vm.zzz");
    let future = good.replace("\"format_version\": 2", "\"format_version\": 99");
    for (bytes, cause) in [
        (b"{ not json".to_vec(), "not valid JSON"),
        (edited.into_bytes(), "failed its checksum"),
        (future.into_bytes(), "format_version 99"),
        (b"[]".to_vec(), "not a JSON object"),
    ] {
        let err = f.refused(|b| surgery::push(b, "bad.json", &bytes, true));
        assert_eq!(
            err.to_string(),
            "`bad.json` is not a state Garrison can push"
        );
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert!(source.is_some_and(|s| s.contains(cause)), "{err:?}");
    }
}

#[test]
fn an_empty_backend_accepts_any_valid_file() {
    let (_dir, backend) = common::backend();
    let path = backend.path().to_path_buf();
    let doc = common::doc(7, &["vm.a"]);
    let pushed = surgery::push(
        Box::new(backend),
        "f.json",
        &encode(&doc).expect("e"),
        false,
    )
    .expect("push");
    assert_eq!(pushed.written.backup, None);
    assert_eq!(pushed.written.serial, 8);
    let state = LocalBackend::new(&path)
        .read()
        .expect("read")
        .expect("state");
    assert_eq!(state.lineage, doc.lineage);
    assert_eq!(state.serial, 8);
    assert_eq!(state.resources, doc.resources);
}

#[test]
fn push_reads_only_a_regular_file() {
    let dir = garrison_testkit::dir::temp_dir();
    let err = surgery::read_push_file(&dir.path().join("missing.json")).expect_err("missing");
    assert!(err.to_string().contains("missing.json"), "{err}");
    let err = surgery::read_push_file(dir.path()).expect_err("a directory");
    assert!(
        matches!(err, SurgeryError::State(Error::NotRegularFile { .. })),
        "{err:?}"
    );
}
