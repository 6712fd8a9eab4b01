//! The local backend: atomic writes, backups, permissions, journal files.

mod common;

use garrison_state::{Backend, Error, JournalRecord, LocalBackend, Outcome};

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn nothing_written_reads_none() {
    let (_dir, backend) = common::backend();
    assert_eq!(backend.read().expect("read"), None);
    assert!(backend.journal_read().expect("journal").records.is_empty());
}

#[test]
fn write_then_read_round_trips_under_dot_garrison() {
    let (dir, backend) = common::backend();
    let doc = common::doc(1, &["vm.a"]);
    let bytes = backend.write(&doc).expect("write");
    assert!(bytes > 0);
    assert_eq!(backend.path(), dir.path().join(".garrison/state.json"));
    assert_eq!(
        std::fs::metadata(backend.path()).expect("meta").len(),
        bytes
    );
    assert_eq!(backend.read().expect("read"), Some(doc));
}

#[test]
fn backup_holds_the_previous_serial() {
    let (_dir, backend) = common::backend();
    for serial in 1..=3 {
        backend
            .write(&common::doc(serial, &["vm.a"]))
            .expect("write");
    }
    assert_eq!(backend.read().expect("read").map(|d| d.serial), Some(3));
    let backup = std::fs::read(backend.backup_path()).expect("backup");
    let previous = garrison_state::decode(backend.backup_path(), &backup).expect("decode");
    assert_eq!(previous.serial, 2);
}

#[test]
fn failed_write_leaves_the_old_state_intact_and_no_temp_files() {
    let (_dir, backend) = common::backend();
    let old = common::doc(1, &["vm.a"]);
    backend.write(&old).expect("write");
    let before = std::fs::read(backend.path()).expect("read");

    backend.fail_next_write_after(10);
    let err = backend
        .write(&common::doc(2, &["vm.a", "vm.b"]))
        .expect_err("injected failure");
    match &err {
        Error::Io { action, path, .. } => {
            assert_eq!(*action, "write the temporary file");
            assert!(
                path.to_string_lossy().contains(".state.json.tmp-"),
                "{path:?}"
            );
        }
        other => panic!("expected Io, got {other:?}"),
    }
    assert_eq!(std::fs::read(backend.path()).expect("read"), before);
    assert_eq!(backend.read().expect("read"), Some(old));
    let dir = backend.path().parent().expect("dir");
    assert!(
        files_in(dir).iter().all(|f| !f.contains("tmp")),
        "{:?}",
        files_in(dir)
    );

    // The fault is one-shot: the next write succeeds.
    backend.write(&common::doc(2, &["vm.b"])).expect("write");
    assert_eq!(backend.read().expect("read").map(|d| d.serial), Some(2));
}

#[cfg(unix)]
#[test]
fn state_backup_journal_and_lock_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, backend) = common::backend();
    backend.write(&common::doc(1, &[])).expect("write");
    backend.write(&common::doc(2, &[])).expect("write");
    backend.journal_append(&completed("vm.a")).expect("append");
    let _guard = backend
        .lock(garrison_state::LockInfo::new("garrison apply"))
        .expect("lock");
    for path in [
        backend.path(),
        backend.backup_path(),
        backend.journal_path(),
        backend.lock_path(),
    ] {
        let mode = std::fs::metadata(path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
    let dir = backend.path().parent().expect("dir");
    let mode = std::fs::metadata(dir).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn missing_state_with_a_backup_is_refused() {
    let (_dir, backend) = common::backend();
    backend.write(&common::doc(1, &[])).expect("write");
    backend.write(&common::doc(2, &[])).expect("write");
    std::fs::remove_file(backend.path()).expect("rm");
    let err = backend.read().expect_err("refused");
    assert!(matches!(err, Error::MissingState { .. }), "{err:?}");
}

#[test]
fn tampered_file_on_disk_is_refused() {
    let (_dir, backend) = common::backend();
    backend.write(&common::doc(1, &["vm.a"])).expect("write");
    let text = std::fs::read_to_string(backend.path()).expect("read");
    std::fs::write(backend.path(), text.replace("id-vm.a", "id-vm.z")).expect("write");
    let err = backend.read().expect_err("refused");
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains(&backend.location()));
}

fn completed(address: &str) -> JournalRecord {
    JournalRecord::Completed(garrison_state::Completed {
        op_id: 1,
        run_id: uuid::Uuid::nil(),
        address: common::key(address),
        outcome: Outcome::Upserted(common::resource(address)),
    })
}

#[test]
fn journal_appends_read_back_in_order_and_clear() {
    let (_dir, backend) = common::backend();
    let records = [completed("vm.a"), completed("vm.b"), completed("vm.c")];
    for r in &records {
        backend.journal_append(r).expect("append");
    }
    let read = backend.journal_read().expect("read");
    assert_eq!(read.records, records);
    assert_eq!(read.torn, None);
    backend.journal_clear().expect("clear");
    assert!(!backend.journal_path().exists());
    assert!(backend.journal_read().expect("read").records.is_empty());
    // Appending after a clear starts a new file.
    backend.journal_append(&records[0]).expect("append");
    assert_eq!(backend.journal_read().expect("read").records.len(), 1);
}

fn check_torn(tail: &[u8], torn_expected: bool) {
    let (_dir, backend) = common::backend();
    backend.journal_append(&completed("vm.a")).expect("append");
    backend.journal_append(&completed("vm.b")).expect("append");
    let mut bytes = std::fs::read(backend.journal_path()).expect("read");
    bytes.extend_from_slice(tail);
    std::fs::write(backend.journal_path(), &bytes).expect("write");

    let read = backend.journal_read().expect("a torn tail is not fatal");
    assert_eq!(read.records.len(), 2, "tail {tail:?}");
    assert_eq!(read.torn.is_some(), torn_expected, "tail {tail:?}");
    if let Some(torn) = &read.torn {
        assert_eq!(torn.line, 3);
    }

    // A fresh backend appending after the torn tail drops it and starts a clean line.
    let again = LocalBackend::new(backend.path());
    again.journal_append(&completed("vm.c")).expect("append");
    let read = again.journal_read().expect("read");
    assert_eq!(read.records.len(), 3, "tail {tail:?}");
    assert_eq!(read.torn, None);
}

#[test]
fn torn_last_line_is_tolerated_and_reported() {
    let line = serde_json::to_string(&completed("vm.z")).expect("json");
    check_torn(&line.as_bytes()[..line.len() / 2], true);
    check_torn(line.as_bytes(), true); // complete JSON but no newline: never acknowledged
    check_torn(&[0u8; 16], true); // zero-filled tail after power loss
    check_torn(b"{\"record\":\"intent\"\n", true); // terminated but unparseable last line
    check_torn(b"", false);
}

#[test]
fn damaged_middle_line_is_corrupt() {
    let (_dir, backend) = common::backend();
    backend.journal_append(&completed("vm.a")).expect("append");
    let mut bytes = std::fs::read(backend.journal_path()).expect("read");
    bytes.extend_from_slice(b"garbage\n");
    bytes.extend_from_slice(&std::fs::read(backend.journal_path()).expect("read"));
    std::fs::write(backend.journal_path(), &bytes).expect("write");
    let err = backend.journal_read().expect_err("corrupt");
    assert!(
        matches!(err, Error::JournalCorrupt { line: 2, .. }),
        "{err:?}"
    );
}
