//! The `garrison` binary for tests that run it as a user would, and the command that runs
//! it against an emulator. Only the `garrison` package's own tests can name the binary with
//! `CARGO_BIN_EXE_garrison`; for the others [`garrison_bin`] builds it once per test
//! process with `cargo build -p garrison` into the same target directory and profile as
//! the test binary itself, and finds it next to it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// `bin` with the environment of a user of the API at `endpoint` with `api_key`: no
/// colour, no `RUST_LOG`, no state keys of the developer's shell, nothing on stdin, no client
/// rate limit (the test emulators have none; `GARRISON_RATE_LIMIT=0`).
pub fn command(bin: &Path, endpoint: &str, api_key: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env("BARRACK_API_KEY", api_key)
        .env("BARRACK_ENDPOINT", endpoint)
        .env("NO_COLOR", "1")
        .env("GARRISON_RATE_LIMIT", "0")
        .env_remove("RUST_LOG")
        .env_remove("GARRISON_STATE_KEY")
        .env_remove("GARRISON_STATE_KEY_FILE")
        .stdin(Stdio::null());
    cmd
}

/// The path of an up-to-date `garrison` binary; panics (failing the test) if it cannot
/// be built.
pub fn garrison_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(build).clone()
}

fn build() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    // target/<profile>/deps/<test binary>
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap_or_else(|| panic!("unexpected test binary location {}", exe.display()))
        .to_path_buf();
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("debug")
        .to_owned();
    let target_dir = profile_dir
        .parent()
        .unwrap_or_else(|| panic!("no target dir above {}", profile_dir.display()));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    // Variables cargo sets for the test itself would reach dependencies' build scripts
    // and make cargo rebuild them (and again at the next `cargo test`): drop them.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let per_crate = [
            "CARGO_MANIFEST_",
            "CARGO_PKG_",
            "CARGO_BIN_",
            "CARGO_CRATE_",
        ]
        .iter()
        .any(|p| name.starts_with(p));
        if per_crate
            || name.starts_with("NEXTEST")
            || ["CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "OUT_DIR"].contains(&&*name)
        {
            cmd.env_remove(&*name);
        }
    }
    cmd.args(["build", "--quiet", "-p", "garrison", "--bin", "garrison"])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    match profile.as_str() {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("running cargo build for garrison: {e}"));
    assert!(status.success(), "cargo build -p garrison failed: {status}");
    let bin = profile_dir.join(format!("garrison{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "no garrison binary at {}", bin.display());
    bin
}
