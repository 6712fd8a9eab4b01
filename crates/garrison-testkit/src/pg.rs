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

/// Where `.ci/postgres.sh` puts the test CA's certificate (`GARRISON_TEST_PG_CA` overrides).
pub const TEST_CA: &str = "/etc/postgresql/garrison-tls/ca.crt";

/// The test CA's certificate (PEM), whose server certificate names `localhost` only.
pub fn test_ca() -> std::path::PathBuf {
    match std::env::var("GARRISON_TEST_PG_CA") {
        Ok(path) if !path.trim().is_empty() => path.trim().into(),
        _ => TEST_CA.into(),
    }
}

/// A URL for the role `garrison_tls`, which the test server admits over TLS only, at
/// `host` (the port of [`url`]) with the query `params` (e.g. `sslmode=verify-full`).
pub fn tls_url(host: &str, params: &str) -> String {
    let base = url();
    let port = base
        .rsplit_once('@')
        .and_then(|(_, rest)| rest.split_once('/'))
        .and_then(|(authority, _)| authority.rsplit_once(':'))
        .map_or("5432", |(_, port)| port)
        .to_string();
    format!("postgres://garrison_tls:garrison-ci@{host}:{port}/garrison_test?{params}")
}
