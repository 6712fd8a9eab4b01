//! Teams: the PostgreSQL backend over TLS, libpq's `sslmode` against a real server with a
//! test CA (`.ci/postgres.sh`). The role `garrison_tls` is admitted over TLS only, so a
//! connection that works with it used TLS; the server's certificate names `localhost`
//! only, so `verify-full` against `127.0.0.1` must fail while `verify-ca` passes.

use garrison_state::{Backend, Error, PostgresBackend};
use garrison_testkit::pg;

fn workspace() -> String {
    format!("tls-{}", uuid::Uuid::new_v4())
}

fn ca() -> String {
    pg::test_ca().display().to_string()
}

/// Connects, writes and reads a state: the whole backend works over this URL.
fn round_trip(url: &str) {
    let backend = PostgresBackend::connect(url, &workspace())
        .unwrap_or_else(|e| panic!("connect {}: {e}", redacted(url)));
    let mut doc = garrison_state::StateDoc::fresh();
    doc.serial = 3;
    backend.write(&doc).expect("write over TLS");
    assert_eq!(backend.read().expect("read").expect("a state").serial, 3);
}

fn refused(url: &str) -> String {
    let err = PostgresBackend::connect(url, &workspace()).expect_err(url);
    assert!(matches!(err, Error::Postgres { .. }), "{err:?}");
    let text = err.to_string();
    assert!(!text.contains("garrison-ci"), "the password leaked: {text}");
    text
}

fn redacted(url: &str) -> String {
    url.replace("garrison-ci", "***")
}

#[test]
fn require_uses_tls_and_disable_is_turned_away_by_a_tls_only_role() {
    round_trip(&pg::tls_url("127.0.0.1", "sslmode=require"));
    let text = refused(&pg::tls_url("127.0.0.1", "sslmode=disable"));
    assert!(text.contains("no encryption"), "{text}");
}

#[test]
fn prefer_is_the_default_and_takes_tls_when_offered() {
    round_trip(&pg::tls_url("127.0.0.1", "connect_timeout=5"));
}

#[test]
fn verify_full_checks_the_chain_and_the_host_name() {
    round_trip(&pg::tls_url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", ca()),
    ));
    let text = refused(&pg::tls_url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={}", ca()),
    ));
    assert!(text.to_lowercase().contains("certificate"), "{text}");
}

#[test]
fn verify_ca_checks_the_chain_but_not_the_name() {
    round_trip(&pg::tls_url(
        "127.0.0.1",
        &format!("sslmode=verify-ca&sslrootcert={}", ca()),
    ));
}

#[test]
fn verify_full_refuses_a_server_whose_ca_is_not_trusted() {
    // The system roots (webpki-roots) do not include the test CA.
    let text = refused(&pg::tls_url("localhost", "sslmode=verify-full"));
    assert!(text.to_lowercase().contains("certificate"), "{text}");
}

#[test]
fn a_bad_sslmode_or_root_file_is_a_clear_error() {
    let text = refused(&pg::tls_url("localhost", "sslmode=always"));
    assert!(text.contains("sslmode `always`"), "{text}");
    let text = refused(&pg::tls_url(
        "localhost",
        "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
    ));
    assert!(text.contains("/nonexistent/ca.pem"), "{text}");
}
