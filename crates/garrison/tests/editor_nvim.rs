//! `garrison lsp` through a real editor: headless Neovim with its built-in LSP client
//! (`tests/nvim/diagnostics.lua`) opens a config with a typo and must receive the
//! diagnostic `garrison validate` reports (code, message, place). Neovim comes from the
//! distribution (`.ci/test` installs it); without it this test fails, it does not skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const CONFIG: &str = "provider \"barrack\" {\n    region \"NORWAY-1\"\n}\n\nssh-key \"laptop\" {\n    public-key \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExample me@laptop\"\n}\n\nvm \"dev\" {\n    gpu \"RTX-A6000\"\n    image \"Ubuntu Server 22.04 LTS R550 CUDA 12.4\"\n    ssh-keys (ref)\"ssh-key.laptop\"\n    /* Grüße 🚀 */ publik-ip #true\n}\n";

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_garrison"))
}

fn nvim() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("nvim"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("Neovim (`nvim`) is not installed: this test needs a real editor client; `bash .ci/test` installs it (apt-get install neovim)")
    })
}

/// Runs the Lua script in headless Neovim on `file`; returns the diagnostics it captured.
fn diagnostics_in_nvim(file: &Path, out: &Path) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nvim/diagnostics.lua");
    let mut child = Command::new(nvim())
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("GARRISON_BIN", bin())
        .env("GARRISON_NVIM_FILE", file)
        .env("GARRISON_NVIM_OUT", out)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting nvim: {e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "nvim exited with {status}");
    let text = std::fs::read_to_string(out)
        .unwrap_or_else(|e| panic!("nvim wrote no {}: {e}", out.display()));
    assert!(
        !text.contains("TIMEOUT"),
        "Neovim received no diagnostics: {text}"
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn neovim_shows_the_diagnostic_validate_reports() {
    let tmp = garrison_testkit::dir::temp_dir();
    let file = tmp.path().join("main.kdl");
    std::fs::write(&file, CONFIG).unwrap_or_else(|e| panic!("{e}"));
    let validated = Command::new(bin())
        .args(["validate", "--json"])
        .arg(tmp.path())
        .output()
        .unwrap_or_else(|e| panic!("validate: {e}"));
    let validated: Value =
        serde_json::from_slice(&validated.stdout).unwrap_or_else(|e| panic!("{e}"));
    let expected = &validated["errors"][0];

    let got = diagnostics_in_nvim(&file, &tmp.path().join("diagnostics.jsonl"));
    assert_eq!(got.len(), 1, "{got:#?}");
    let d = &got[0];
    assert_eq!(d["code"], expected["code"]);
    assert_eq!(d["code"], "garrison::config::unknown_attribute");
    assert_eq!(d["source"], "garrison");
    assert_eq!(d["severity"], 1, "an error");
    let first_line = d["message"].as_str().and_then(|m| m.lines().next());
    assert_eq!(first_line, expected["message"].as_str());
    // Neovim turns the server's UTF-16 column into a byte column of the line; the line
    // has multi-byte text before the typo.
    let at = CONFIG.find("publik-ip").unwrap_or_default();
    let line_start = CONFIG[..at].rfind('\n').map_or(0, |i| i + 1);
    assert_eq!(d["lnum"], CONFIG[..at].matches('\n').count());
    assert_eq!(d["col"], at - line_start);
    assert_eq!(
        expected["labels"][0]["line"].as_u64(),
        d["lnum"].as_u64().map(|l| l + 1)
    );
}
