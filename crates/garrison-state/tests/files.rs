//! The local backend's files: only regular files are read, reads are bounded (H6), and
//! stray temporary files left by a killed write are swept once the lock is held (D8).

mod common;

use garrison_state::{Backend, Error, LocalBackend, LockInfo, Store};

/// H6: a state file that is a symlink to `/dev/zero` is refused at once, never read forever.
#[cfg(unix)]
#[test]
fn a_state_file_that_is_a_device_is_refused() {
    let (_dir, backend) = common::backend();
    std::fs::create_dir_all(backend.path().parent().expect("dir")).expect("mkdir");
    std::os::unix::fs::symlink("/dev/zero", backend.path()).expect("symlink");
    let err = backend.read().expect_err("a device is no state file");
    assert!(matches!(err, Error::NotRegularFile { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("not a regular file"), "{text}");
    assert!(
        text.contains(&backend.path().display().to_string()),
        "{text}"
    );
}

/// H6: a FIFO as the state or journal would block an `open` for reading: refused first.
#[cfg(unix)]
#[test]
fn a_fifo_or_directory_as_journal_is_refused() {
    let (_dir, backend) = common::backend();
    backend.write(&common::doc(1, &["vm.a"])).expect("write");
    std::fs::create_dir(backend.journal_path()).expect("dir as journal");
    let err = backend
        .journal_read()
        .expect_err("a directory is no journal");
    assert!(matches!(err, Error::NotRegularFile { .. }), "{err:?}");
    std::fs::remove_dir(backend.journal_path()).expect("rmdir");
    std::os::unix::fs::symlink("/dev/zero", backend.journal_path()).expect("symlink");
    let err = Store::open(
        Box::new(LocalBackend::new(backend.path())),
        LockInfo::new("t"),
    )
    .expect_err("refused");
    assert!(matches!(err, Error::NotRegularFile { .. }), "{err:?}");
}

/// H6: reads are bounded; a symlink to a regular file is fine.
#[cfg(unix)]
#[test]
fn a_symlink_to_a_regular_state_file_is_read() {
    let (dir, backend) = common::backend();
    let real = LocalBackend::new(dir.path().join("real/state.json"));
    let doc = common::doc(3, &["vm.a"]);
    real.write(&doc).expect("write");
    std::fs::create_dir_all(backend.path().parent().expect("dir")).expect("mkdir");
    std::os::unix::fs::symlink(real.path(), backend.path()).expect("symlink");
    assert_eq!(backend.read().expect("read"), Some(doc));
    assert_eq!(garrison_state::MAX_FILE_BYTES, 256 * 1024 * 1024);
}

/// D8: a `.state.json.backup.tmp-<uuid>` (a hard link to an old state) and a
/// `.state.json.tmp-<uuid>` left by a kill inside a state write are removed when the next
/// run takes the lock; files that are not ours stay.
#[test]
fn stray_temp_files_are_swept_when_the_lock_is_taken() {
    let (_dir, backend) = common::backend();
    backend.write(&common::doc(1, &["vm.a"])).expect("write");
    let dir = backend.path().parent().expect("dir").to_path_buf();
    let id = uuid::Uuid::new_v4().simple().to_string();
    let backup_tmp = dir.join(format!(".state.json.backup.tmp-{id}"));
    let state_tmp = dir.join(format!(".state.json.tmp-{id}"));
    let lock_tmp = dir.join(format!(".state.json.lock.tmp-{id}"));
    std::fs::hard_link(backend.path(), &backup_tmp).expect("link");
    std::fs::write(&state_tmp, b"{\"partial").expect("tmp");
    std::fs::write(&lock_tmp, b"{}").expect("tmp");
    let not_ours = [
        dir.join(".state.json.tmp-notours"),
        dir.join(format!(".other.json.tmp-{id}")),
        dir.join("notes.txt"),
    ];
    for f in &not_ours {
        std::fs::write(f, b"keep").expect("write");
    }
    let store = Store::open(
        Box::new(LocalBackend::new(backend.path())),
        LockInfo::new("garrison apply"),
    )
    .expect("open");
    for stray in [&backup_tmp, &state_tmp, &lock_tmp] {
        assert!(!stray.exists(), "{} was left", stray.display());
    }
    for f in &not_ours {
        assert!(f.exists(), "{} is not ours and must stay", f.display());
    }
    store.close().expect("close");
}
