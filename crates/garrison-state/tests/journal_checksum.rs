//! D4: every journal record carries a checksum of its content; an edited record is refused
//! like a corrupt state (naming the file and line), never replayed.

mod common;

use garrison_state::{Backend, Error, LocalBackend, LockInfo, Outcome, Store};

/// A journal left by an interrupted run: a create of `vm.a` completed with remote id 7.
fn interrupted_run() -> (tempfile::TempDir, LocalBackend) {
    let (dir, backend) = common::backend();
    let mut store = Store::open(
        Box::new(LocalBackend::new(backend.path())),
        LockInfo::new("garrison apply"),
    )
    .expect("open");
    let op = store.record_intent(common::create("vm.a")).expect("intent");
    let mut vm = common::resource("vm.a");
    vm.remote_id = "7".into();
    store
        .record_completion(op, &common::key("vm.a"), Outcome::Upserted(vm))
        .expect("completion");
    drop(store); // no checkpoint: the journal stays for the next open
    (dir, backend)
}

fn edit_journal(backend: &LocalBackend, from: &str, to: &str) {
    let text = std::fs::read_to_string(backend.journal_path()).expect("journal");
    assert!(text.contains(from), "{text}");
    std::fs::write(backend.journal_path(), text.replacen(from, to, 1)).expect("write");
}

/// D4: a valid-JSON edit of one record (remote id 7 -> 10) is refused, not replayed.
#[test]
fn an_edited_journal_record_is_refused_naming_file_and_line() {
    let (_dir, backend) = interrupted_run();
    edit_journal(&backend, r#""remote_id":"7""#, r#""remote_id":"10""#);
    let err = Store::open(
        Box::new(LocalBackend::new(backend.path())),
        LockInfo::new("garrison apply"),
    )
    .expect_err("an edited record must not be replayed");
    assert!(
        matches!(err, Error::JournalChecksumMismatch { line: 2, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&backend.journal_path().display().to_string()),
        "{text}"
    );
    assert!(text.contains("line 2"), "{text}");
    assert!(miette::Diagnostic::help(&err).is_some());
    let peeked = Store::peek(&backend);
    assert!(
        matches!(peeked, Err(Error::JournalChecksumMismatch { .. })),
        "{peeked:?}"
    );
    // Nothing was written: the state still does not know the edited id.
    let state = backend.read().expect("read");
    assert!(state.is_none_or(|s| s.resources.is_empty()));
}

/// An edit that drops the checksum of one record (others keep theirs) is refused too.
#[test]
fn a_record_stripped_of_its_checksum_is_refused() {
    let (_dir, backend) = interrupted_run();
    let text = std::fs::read_to_string(backend.journal_path()).expect("journal");
    let mut lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    lines[1].as_object_mut().expect("object").remove("checksum");
    lines[1]["outcome"]["remote_id"] = serde_json::json!("10");
    let edited: String = lines.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(backend.journal_path(), edited).expect("write");
    let err = backend.journal_read().expect_err("mixed");
    assert!(
        matches!(err, Error::JournalCorrupt { line: 2, .. }),
        "{err:?}"
    );
}

/// A journal written entirely before checksums existed (an upgrade after a crash) is still
/// replayed.
#[test]
fn a_journal_without_any_checksums_is_still_replayed() {
    let (_dir, backend) = interrupted_run();
    let text = std::fs::read_to_string(backend.journal_path()).expect("journal");
    let old: String = text
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).expect("json");
            v.as_object_mut().expect("object").remove("checksum");
            format!("{v}\n")
        })
        .collect();
    std::fs::write(backend.journal_path(), old).expect("write");
    let store = Store::open(
        Box::new(LocalBackend::new(backend.path())),
        LockInfo::new("garrison apply"),
    )
    .expect("an old journal replays");
    assert_eq!(store.state().resources["vm.a"].remote_id, "7");
}

#[test]
fn each_record_carries_a_sha256_checksum() {
    let (_dir, backend) = interrupted_run();
    let text = std::fs::read_to_string(backend.journal_path()).expect("journal");
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let sum = v["checksum"].as_str().expect("checksum");
        assert!(sum.starts_with("sha256:") && sum.len() == 7 + 64, "{sum}");
    }
    let read = backend.journal_read().expect("read");
    assert_eq!(read.records.len(), 2);
    assert_eq!(read.torn, None);
}
