//! Locking: contention names the holder, liveness is the kernel's file lock (never a pid
//! check), stale locks are taken over and reported, force-unlock takes the lock id.

mod common;

use garrison_state::{Backend, Error, LockInfo, LockStatus};

/// A holder record as an older or dead run would have left it.
fn holder(pid: u32, host: &str) -> LockInfo {
    LockInfo {
        id: uuid::Uuid::new_v4(),
        pid,
        host: host.to_string(),
        user: "alice".into(),
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

fn leftovers(backend: &garrison_state::LocalBackend) -> Vec<String> {
    let dir = backend.lock_path().parent().expect("dir");
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("stale") || n.contains("tmp"))
        .collect()
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
        Error::Locked { holder, .. } => assert_eq!(**holder, first),
        other => panic!("expected Locked, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("locked by `garrison apply` (lock id "),
        "{text}"
    );
    assert!(text.contains(&first.id.to_string()), "{text}");
    assert!(
        text.contains(&format!("pid {}", first.pid)) && text.contains(&first.host),
        "{text}"
    );
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

/// D1: liveness is the kernel lock, not host + `/proc/<pid>`. A live holder whose pid this
/// process cannot see (another PID namespace, another machine on shared storage) looks
/// dead to a pid check; it must still be judged alive and never have its lock taken.
#[test]
fn a_live_holder_whose_pid_looks_dead_keeps_its_lock() {
    let (_dir, backend) = common::backend();
    let guard = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    // What a holder in another PID namespace writes: a pid we cannot see, our host name.
    let invisible = holder(dead_pid(), &this_host());
    plant_lock(&backend, &invisible);
    let other = garrison_state::LocalBackend::new(backend.path());
    let err = other
        .lock(LockInfo::new("garrison apply"))
        .expect_err("a live holder's lock must not be taken");
    assert!(
        matches!(&err, Error::Locked { holder, .. } if **holder == invisible),
        "{err:?}"
    );
    drop(guard);
}

#[test]
fn a_lock_file_without_a_live_holder_is_taken_over_and_reported() {
    for host in [this_host(), "some-other-host.example".to_string()] {
        let (_dir, backend) = common::backend();
        let dead = holder(dead_pid(), &host);
        plant_lock(&backend, &dead);
        let mine = LockInfo::new("garrison apply");
        let guard = backend.lock(mine.clone()).expect("stale lock taken over");
        assert_eq!(guard.took_over(), Some(&dead));
        let on_disk: LockInfo =
            serde_json::from_slice(&std::fs::read(backend.lock_path()).expect("read"))
                .expect("json");
        assert_eq!(on_disk, mine);
        assert!(leftovers(&backend).is_empty(), "{:?}", leftovers(&backend));
    }
}

#[test]
fn an_empty_stale_lock_file_is_taken_over_silently() {
    let (_dir, backend) = common::backend();
    std::fs::create_dir_all(backend.lock_path().parent().expect("dir")).expect("mkdir");
    std::fs::write(backend.lock_path(), b"").expect("write");
    let guard = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    assert_eq!(guard.took_over(), None);
}

#[test]
fn a_held_lock_whose_holder_cannot_be_read_is_reported_with_a_hint() {
    let (_dir, backend) = common::backend();
    let _guard = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    std::fs::write(backend.lock_path(), b"").expect("empty the file");
    let err = backend
        .lock(LockInfo::new("garrison apply"))
        .expect_err("held");
    assert!(matches!(err, Error::LockUnreadable { .. }), "{err:?}");
    let help = miette::Diagnostic::help(&err).expect("help").to_string();
    assert!(help.contains("live process"), "{help}");
}

#[test]
fn lock_status_tells_a_live_holder_from_a_stale_one() {
    let (_dir, backend) = common::backend();
    assert_eq!(backend.lock_status().expect("status"), None);
    let guard = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    assert_eq!(
        backend.lock_status().expect("status"),
        Some(LockStatus {
            holder: guard.info().clone(),
            alive: true
        })
    );
    drop(guard);
    let dead = holder(dead_pid(), &this_host());
    plant_lock(&backend, &dead);
    assert_eq!(
        backend.lock_status().expect("status"),
        Some(LockStatus {
            holder: dead,
            alive: false
        })
    );
}

/// U9/D1: force-unlock takes the lock id and refuses a live holder.
#[test]
fn force_unlock_refuses_a_live_holder_and_a_wrong_id() {
    let (_dir, backend) = common::backend();
    let none = backend.force_unlock(uuid::Uuid::new_v4());
    assert!(matches!(none, Err(Error::NotLocked { .. })), "{none:?}");

    let guard = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    let id = guard.info().id;
    let other = garrison_state::LocalBackend::new(backend.path());
    let wrong = other.force_unlock(uuid::Uuid::new_v4());
    assert!(
        matches!(&wrong, Err(Error::LockIdMismatch { holder, .. }) if holder.id == id),
        "{wrong:?}"
    );
    let live = other.force_unlock(id);
    assert!(
        matches!(&live, Err(Error::HolderAlive { holder, .. }) if holder.id == id),
        "{live:?}"
    );
    assert!(backend.lock_path().exists(), "the live lock stays");
    guard.release().expect("release");
    assert!(!backend.lock_path().exists());
}

#[test]
fn force_unlock_removes_a_stale_lock_and_returns_its_holder() {
    let (_dir, backend) = common::backend();
    let dead = holder(dead_pid(), &this_host());
    plant_lock(&backend, &dead);
    assert_eq!(backend.force_unlock(dead.id).expect("unlock"), dead);
    assert!(!backend.lock_path().exists());
    assert!(leftovers(&backend).is_empty());
    let guard = backend
        .lock(LockInfo::new("garrison plan"))
        .expect("relock");
    assert_eq!(guard.took_over(), None);
}

#[test]
fn a_released_lock_does_not_remove_a_later_holders_lock() {
    let (_dir, backend) = common::backend();
    let first = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    // Someone removes the file by hand; a second run locks a new file.
    std::fs::remove_file(backend.lock_path()).expect("rm");
    let second = backend
        .lock(LockInfo::new("garrison plan"))
        .expect("relock");
    drop(first);
    assert!(
        backend.lock_path().exists(),
        "the second holder's lock stays"
    );
    let status = backend.lock_status().expect("status").expect("held");
    assert_eq!(&status.holder, second.info());
    assert!(status.alive);
}
