//! The apply run in a CHILD process (for SIGKILL and lock tests): the test binary re-runs
//! itself, filtered to one test, with `GARRISON_E2E_CHILD_DIR` set; that test calls
//! [`maybe_run_child`] first, which applies the config directory against the emulator at
//! `GARRISON_E2E_CHILD_URL` (key from `BARRACK_API_KEY`) and exits the process.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use garrison_config::{load_dir, VarInputs};
use garrison_engine::{no_events, prepare, CancelToken, ExecuteOptions, PrepareOptions};
use garrison_state::LocalBackend;

use crate::client::fast_client;

const DIR: &str = "GARRISON_E2E_CHILD_DIR";
const URL: &str = "GARRISON_E2E_CHILD_URL";
/// With this set, the child writes `<dir>/child.ready` once it holds the lock, and waits
/// for `<dir>/child.release` before executing.
const HOLD: &str = "GARRISON_E2E_CHILD_HOLD";

/// Exit codes of the child.
pub const EXIT_OK: i32 = 0;
pub const EXIT_STEPS_FAILED: i32 = 2;
pub const EXIT_ENGINE_ERROR: i32 = 3;
pub const EXIT_SETUP: i32 = 4;

/// Where a child that failed with an engine error writes the error's message.
pub fn error_file(dir: &Path) -> PathBuf {
    dir.join("child.error")
}

/// Marker files of the hold protocol.
pub fn ready_marker(dir: &Path) -> PathBuf {
    dir.join("child.ready")
}

pub fn release_marker(dir: &Path) -> PathBuf {
    dir.join("child.release")
}

/// Starts the test binary again as a child apply of `dir` against `url`, running only
/// `test_name` (which must call [`maybe_run_child`] first).
pub fn spawn_child(test_name: &str, dir: &Path, url: &str, api_key: &str, hold: bool) -> Child {
    spawn_child_via(&[], test_name, dir, url, api_key, hold)
}

/// [`spawn_child`] run through `launcher` (e.g. `unshare --pid --fork --mount-proc`).
pub fn spawn_child_via(
    launcher: &[&str],
    test_name: &str,
    dir: &Path,
    url: &str,
    api_key: &str,
    hold: bool,
) -> Child {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    let mut cmd = match launcher.split_first() {
        Some((program, args)) => {
            let mut cmd = Command::new(program);
            cmd.args(args).arg(exe);
            cmd
        }
        None => Command::new(exe),
    };
    cmd.arg(test_name)
        .arg("--exact")
        .arg("--nocapture")
        .arg("--test-threads=1")
        .env(DIR, dir)
        .env(URL, url)
        .env("BARRACK_API_KEY", api_key)
        .env_remove("GARRISON_SOAK")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if hold {
        cmd.env(HOLD, "1");
    }
    cmd.spawn()
        .unwrap_or_else(|e| panic!("spawn the child apply: {e}"))
}

/// In a child (the env var is set): runs the apply and exits the process. Otherwise
/// returns at once.
pub fn maybe_run_child() {
    let Some(dir) = std::env::var_os(DIR).map(PathBuf::from) else {
        return;
    };
    let code = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(run_child(&dir)),
        Err(_) => EXIT_SETUP,
    };
    std::process::exit(code);
}

async fn run_child(dir: &Path) -> i32 {
    let (Ok(url), Ok(key)) = (std::env::var(URL), std::env::var("BARRACK_API_KEY")) else {
        return EXIT_SETUP;
    };
    let Ok(loaded) = load_dir(dir, &VarInputs::default()) else {
        return EXIT_SETUP;
    };
    let client = fast_client(&url, &key);
    let prepared = match prepare(
        loaded.model,
        client,
        Box::new(LocalBackend::in_config_dir(dir)),
        PrepareOptions {
            destroy: false,
            command: "child apply".into(),
            expected: None,
            ..PrepareOptions::default()
        },
    )
    .await
    {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::write(error_file(dir), e.to_string());
            return EXIT_ENGINE_ERROR;
        }
    };
    if std::env::var_os(HOLD).is_some() {
        if std::fs::write(ready_marker(dir), b"ready").is_err() {
            return EXIT_SETUP;
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while !release_marker(dir).exists() {
            if Instant::now() > deadline {
                return EXIT_SETUP;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    match prepared
        .execute(ExecuteOptions::default(), no_events(), CancelToken::new())
        .await
    {
        Ok(report) if report.is_success() => EXIT_OK,
        Ok(_) => EXIT_STEPS_FAILED,
        Err(_) => EXIT_ENGINE_ERROR,
    }
}

/// Polls `cond` every 5 ms until it holds or `within` passes; returns whether it held.
pub fn wait_for(within: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
