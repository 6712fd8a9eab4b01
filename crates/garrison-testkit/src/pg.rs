//! The PostgreSQL server the tests use: `GARRISON_TEST_PG_URL`, or else the URL
//! `.ci/postgres.sh` prints after installing (if missing) and starting a local server. A
//! test never skips: no server is a failure, with the script's own error.

use std::path::Path;
use std::sync::OnceLock;

/// The server URL (the same one for every test of this process).
pub fn url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(find).clone()
}

fn find() -> String {
    if let Ok(url) = std::env::var("GARRISON_TEST_PG_URL") {
        if !url.trim().is_empty() {
            return url.trim().to_string();
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/postgres.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        out.status.success() && url.starts_with("postgres://"),
        "the PostgreSQL tests need a server: GARRISON_TEST_PG_URL is unset and `bash .ci/postgres.sh` failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    url
}
