//! The client against `barrack-sim` in each hostile mode: an echoed key never reaches an
//! error or a log line (S2), redirects are not followed (S3), an endless or slow-drip body
//! ends in bounded time and memory (H3), a bogus `count` cannot make the paginator fan out
//! (H4), and malformed JSON is a clean decode error.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use barrack_api::wire::ScriptRequest;
use barrack_api::{Client, Error, RetryPolicy};
use barrack_sim::{Hostile, SimConfig, SimHandle};
use common::{admin, client_with, quiet, spawn};

const KEY: &str = "sk-live-HOSTILE-7f3a9c1e5b";

async fn hostile(mode: Hostile) -> SimHandle {
    spawn(SimConfig {
        api_key: KEY.to_owned(),
        hostile: Some(mode),
        ..quiet()
    })
    .await
}

fn client(sim: &SimHandle) -> Client {
    client_with(sim, |c| {
        c.timeout = Duration::from_secs(2);
        c.retry = RetryPolicy {
            max_attempts: 3,
            max_elapsed: Duration::from_secs(10),
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(5),
        };
    })
}

/// Every `tracing` event written while `f` runs, as text.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn check_no_key(what: &str, text: &str) {
    assert!(!text.contains(KEY), "{what} leaks the key: {text}");
    assert!(
        !text.contains("HOSTILE-7f3a"),
        "{what} leaks part of the key: {text}"
    );
}

/// S2: a 401 and a 500 whose text body echoes `Bearer <key>`: the error (Display, Debug)
/// and every tracing event (the retries of the 500 are logged) are free of the key.
#[tokio::test(flavor = "current_thread")]
async fn echoed_key_is_scrubbed_from_errors_and_logs() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    for status in [401, 500] {
        let sim = hostile(Hostile::KeyEcho { status }).await;
        let e = client(&sim).list_instances().await.unwrap_err();
        assert_eq!(e.status(), Some(status), "{e}");
        let shown = format!("{e} | {e:?}");
        check_no_key("the error", &shown);
        assert!(shown.contains("bad key: Bearer <redacted>"), "{shown}");
    }
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(logs.contains("retrying Barrack request"), "{logs}");
    check_no_key("the logs", &logs);
}

/// S3: a 307 to another listener is not followed, for a read nor for a create carrying a
/// body: the error names the `Location`, and the other emulator saw no request at all.
#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    let other = spawn(quiet()).await;
    let to = format!("http://{}", other.addr());
    let sim = hostile(Hostile::Redirect { to: to.clone() }).await;
    let client = client(&sim);
    let read = client.list_instances().await.unwrap_err();
    let request = ScriptRequest {
        name: "s".into(),
        content: "#!/bin/sh\necho sensitive\n".into(),
        description: String::new(),
    };
    let create = client.create_script(&request).await.unwrap_err();
    for e in [&read, &create] {
        assert!(matches!(e, Error::Redirect { status: 307, .. }), "{e:?}");
        let shown = e.to_string();
        assert!(shown.contains(&format!("`{to}/v1/")), "{shown}");
        assert!(shown.contains("follows no redirects"), "{shown}");
    }
    assert_eq!(client.requests_sent(), 2, "a redirect is not retried");
    let counters = admin(&other, "counters").await;
    assert_eq!(counters["total"], 0, "the other host got {counters}");
}

/// H3: an endless body stops at the 16 MiB cap with a clear error, quickly.
#[tokio::test]
async fn endless_body_is_cut_at_the_cap() {
    let sim = hostile(Hostile::EndlessBody).await;
    let started = Instant::now();
    let e = client(&sim).list_instances().await.unwrap_err();
    assert!(matches!(e, Error::BodyTooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("larger than 16 MiB"), "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

/// H3: a body that drips a byte every 100 ms ends at the request timeout (1 s here), and
/// the retries stay within the budget.
#[tokio::test]
async fn slow_drip_body_ends_at_the_timeout() {
    let sim = hostile(Hostile::SlowDrip { interval_ms: 100 }).await;
    let client = client_with(&sim, |c| {
        c.timeout = Duration::from_secs(1);
        c.retry = RetryPolicy::none();
    });
    let started = Instant::now();
    let e = client.list_instances().await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(e, Error::Timeout { .. } | Error::Transport { .. }),
        "{e:?}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

/// H4: `count: 10^12` with `page_size: 1` and no items is refused after ONE request.
#[tokio::test]
async fn bogus_count_does_not_fan_out() {
    let sim = hostile(Hostile::BogusCount {
        count: barrack_sim::hostile::BOGUS_COUNT,
    })
    .await;
    let client = client(&sim);
    let e = client.list_instances().await.unwrap_err();
    assert!(matches!(e, Error::BadListing { .. }), "{e:?}");
    assert!(e.to_string().contains("page 1 holds none"), "{e}");
    assert_eq!(client.requests_sent(), 1);
}

/// Malformed JSON in a success answer is a decode error, not a panic or a retry storm.
#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let sim = hostile(Hostile::MalformedJson).await;
    let client = client(&sim);
    let e = client.list_instances().await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert!(e.to_string().contains("invalid JSON"), "{e}");
    assert_eq!(client.requests_sent(), 1);
}
