//! The lock through the binary (D1, U9): a stale lock taken over is reported, and
//! `force-unlock LOCK_ID` refuses a wrong id and a live holder, asks for confirmation, and
//! removes a stale lock with `--yes`.

mod support;

use garrison_state::{Backend, LocalBackend, LockInfo};
use support::Env;

const CONFIG: &str = r#"provider "barrack" {
    region "US-1"
}

ssh-key "k" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k"
}
"#;

/// A lock file left by a dead run (no process holds its kernel lock).
fn plant_stale_lock(env: &Env) -> LockInfo {
    let backend = LocalBackend::in_config_dir(env.path());
    let dead = LockInfo {
        pid: 999_999,
        host: "ci-runner-7".into(),
        ..LockInfo::new("garrison apply")
    };
    std::fs::create_dir_all(backend.lock_path().parent().expect("dir")).expect("mkdir");
    std::fs::write(
        backend.lock_path(),
        serde_json::to_vec(&dead).expect("json"),
    )
    .expect("plant");
    dead
}

/// U9: a stale lock taken over is said, naming the dead holder and its lock id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_lock_taken_over_is_reported() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let dead = plant_stale_lock(&env);
    let run = env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert!(
        run.stderr
            .contains("took over a stale lock held by `garrison apply`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&dead.id.to_string()), "{}", run.stderr);
    assert!(run.stderr.contains("ci-runner-7"), "{}", run.stderr);
}

/// U9/D1: force-unlock takes the lock id, asks, and removes only a stale lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_unlock_takes_the_lock_id_and_asks() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let dead = plant_stale_lock(&env);
    let id = dead.id.to_string();
    let lock_path = LocalBackend::in_config_dir(env.path())
        .lock_path()
        .to_path_buf();

    let run = env.run(&["force-unlock", &uuid_other(&id), "--yes"]).await;
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("not by lock id"), "{}", run.stderr);

    let run = env.run(&["force-unlock", &id]).await;
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("without confirmation"),
        "{}",
        run.stderr
    );
    assert!(lock_path.exists(), "nothing removed without a yes");

    let run = env
        .run(&["force-unlock", &id, "--yes"])
        .await
        .expect_code(0);
    assert!(
        run.stderr.contains("Removed the lock held by"),
        "{}",
        run.stderr
    );
    assert!(!lock_path.exists());
}

/// D1: force-unlock refuses a live holder (its kernel lock is held), whatever its pid says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_unlock_refuses_a_live_holder() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let backend = LocalBackend::in_config_dir(env.path());
    let guard = backend.lock(LockInfo::new("garrison apply")).expect("lock");
    let id = guard.info().id.to_string();
    let run = env.run(&["force-unlock", &id, "--yes"]).await;
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("is still running"), "{}", run.stderr);
    assert!(backend.lock_path().exists());
    let status = backend.lock_status().expect("status").expect("held");
    assert!(status.alive);
    guard.release().expect("release");
}

/// Another valid lock id than `id`.
fn uuid_other(id: &str) -> String {
    let last = if id.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &id[..id.len() - 1])
}
