//! Locking: contention names the holder, stale locks are taken over, force-unlock.

mod common;

use garrison_state::{Backend, Error, LockInfo};

fn holder(pid: u32, host: &str) -> LockInfo {
    LockInfo {
        id: uuid::Uuid::new_v4(),
        pid,
        host: host.to_string(),
        command: "garrison apply".into(),
        started_at: "2025-01-02T03:04:05Z".into(),
    }
}

fn plant_lock(backend: &garrison_state::LocalBackend, info: &LockInfo) {
    std::fs::create_dir_all(backend.lock_path().parent().expect("dir")).expect("mkdir");
    std::fs::write(backend.lock_path(), serde_json::to_vec(info).expect("json"))
        .expect("write lock");
}

/// The pid of a process that has exited and been reaped.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

fn this_host() -> String {
    LockInfo::new("x").host
}

#[test]
fn second_locker_fails_fast_naming_the_holder() {
    let (_dir, backend) = common::backend();
    let first = LockInfo::new("garrison apply");
    let guard = backend.lock(first.clone()).expect("first lock");
    assert_eq!(guard.info(), &first);
    assert_eq!(guard.took_over(), None);

    let started = std::time::Instant::now();
    let err = backend
        .lock(LockInfo::new("garrison plan"))
        .expect_err("second lock must fail");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    match &err {
        Error::Locked { holder, .. } => assert_eq!(holder, &first),
        other => panic!("expected Locked, got {other:?}"),
    }
    let text = err.to_string();
    let expected = format!(
        "locked by `garrison apply` (pid {} on host {}) since {}",
        first.pid, first.host, first.started_at
    );
    assert!(text.contains(&expected), "{text}");
    assert!(
        text.contains(&backend.lock_path().display().to_string()),
        "{text}"
    );

    drop(guard);
    assert!(!backend.lock_path().exists(), "drop releases");
    backend
        .lock(LockInfo::new("garrison plan"))
        .expect("free again");
}

#[test]
fn a_live_holder_on_this_host_is_not_stale() {
    let (_dir, backend) = common::backend();
    let mut child = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .expect("spawn");
    let live = holder(child.id(), &this_host());
    plant_lock(&backend, &live);
    let result = backend.lock(LockInfo::new("garrison apply"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(matches!(result, Err(Error::Locked { holder, .. }) if holder == live));
}

#[test]
fn a_dead_holder_on_this_host_is_taken_over_and_reported() {
    let (_dir, backend) = common::backend();
    let dead = holder(dead_pid(), &this_host());
    plant_lock(&backend, &dead);
    let mine = LockInfo::new("garrison apply");
    let guard = backend.lock(mine.clone()).expect("stale lock taken over");
    assert_eq!(guard.took_over(), Some(&dead));
    let on_disk: LockInfo =
        serde_json::from_slice(&std::fs::read(backend.lock_path()).expect("read")).expect("json");
    assert_eq!(on_disk, mine);
    let dir = backend.lock_path().parent().expect("dir");
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("stale") || n.contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_holder_on_another_host_is_never_stale() {
    let (_dir, backend) = common::backend();
    let remote = holder(dead_pid(), "some-other-host.example");
    plant_lock(&backend, &remote);
    let err = backend
        .lock(LockInfo::new("garrison apply"))
        .expect_err("locked");
    assert!(matches!(err, Error::Locked { holder, .. } if holder == remote));
}

#[test]
fn force_unlock_removes_any_holder_and_returns_it() {
    let (_dir, backend) = common::backend();
    assert_eq!(backend.force_unlock().expect("no lock is fine"), None);
    let guard = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    let info = guard.info().clone();
    assert_eq!(backend.force_unlock().expect("unlock"), Some(info));
    let next = backend
        .lock(LockInfo::new("garrison plan"))
        .expect("relock");
    // The old guard must not remove the new holder's lock when it drops.
    drop(guard);
    assert!(backend.lock_path().exists());
    next.release().expect("release");
    assert!(!backend.lock_path().exists());
}

#[test]
fn an_unreadable_lock_is_reported_with_a_hint() {
    let (_dir, backend) = common::backend();
    std::fs::create_dir_all(backend.lock_path().parent().expect("dir")).expect("mkdir");
    std::fs::write(backend.lock_path(), b"").expect("write");
    let err = backend
        .lock(LockInfo::new("garrison apply"))
        .expect_err("unreadable");
    assert!(matches!(err, Error::LockUnreadable { .. }), "{err:?}");
    let help = miette::Diagnostic::help(&err).expect("help").to_string();
    assert!(help.contains("garrison force-unlock"));
    assert_eq!(backend.force_unlock().expect("force"), None);
    backend.lock(LockInfo::new("garrison apply")).expect("lock");
}
