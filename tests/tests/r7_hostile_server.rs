//! R7: `garrison plan` (the binary, as a user runs it) against an emulator in each hostile
//! mode (malformed JSON, endless body, bogus count, redirect, key echo in a 401 and a 500,
//! slow drip). Each run must exit 1 within its bound with a one-line cause and a hint,
//! never panic, keep its memory bounded, and never print the API key; a redirect must not
//! be followed (the listener it points at sees no connection).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use barrack_sim::{Hostile, SimConfig};
use garrison_testkit::bin::{command, garrison_bin};

const API_KEY: &str = "bk-live-R7-hostile-4e8d2a61c0f9";

const CONFIG: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}
volume "data" {
    size-gb 100
}
"#;

/// Peak resident memory allowed to a `plan` of this tiny config.
const MAX_RSS_KB: u64 = 256 * 1024;

/// What one `garrison plan` did.
#[derive(Debug)]
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
    peak_rss_kb: u64,
}

/// The resident set of `pid` in KiB (0 once it is gone).
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Runs `garrison plan` in `dir` against `endpoint`, killing it after `limit`.
fn run_plan(dir: &Path, endpoint: &str, limit: Duration) -> Outcome {
    let out_path = dir.join("stdout.txt");
    let err_path = dir.join("stderr.txt");
    let stdout = std::fs::File::create(&out_path).unwrap();
    let stderr = std::fs::File::create(&err_path).unwrap();
    let bin = garrison_bin();
    let started = Instant::now();
    let mut child = command(&bin, endpoint, API_KEY)
        .arg("plan")
        .current_dir(dir)
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("spawn garrison: {e}"));
    let mut peak = 0;
    let code = loop {
        peak = peak.max(rss_kb(child.id()));
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("garrison plan still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Outcome {
        code,
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        took: started.elapsed(),
        peak_rss_kb: peak,
    }
}

/// Starts an emulator in `mode`, runs `garrison plan` against it within `limit`, checks
/// every common property, and returns the outcome for mode-specific checks.
async fn check(mode: Hostile, limit: Duration) -> Outcome {
    let sim = garrison_testkit::sim::start(SimConfig {
        api_key: API_KEY.to_owned(),
        hostile: Some(mode.clone()),
        ..garrison_testkit::sim::quiet(0.01)
    })
    .await;
    let dir = garrison_testkit::dir::temp_dir();
    garrison_testkit::dir::write_main(dir.path(), CONFIG);
    let endpoint = sim.base_url();
    let path = dir.path().to_path_buf();
    let outcome = tokio::task::spawn_blocking(move || run_plan(&path, &endpoint, limit))
        .await
        .unwrap();
    let shown = format!("{mode}: {outcome:#?}");
    assert_eq!(outcome.code, Some(1), "{shown}");
    for (name, text) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
        assert!(!text.contains(API_KEY), "{name} leaks the key: {shown}");
        assert!(
            !text.contains("R7-hostile"),
            "{name} leaks part of the key: {shown}"
        );
    }
    assert!(!outcome.stderr.contains("panicked"), "{shown}");
    assert!(!outcome.stderr.contains("internal error"), "{shown}");
    // One line `error: <what was being done>: <method> <url> <cause>`, then
    // `hint: <hint>`. Which read fails first (a list, prices, stock) varies.
    let cause = outcome.stderr.lines().find(|l| l.starts_with("error: "));
    assert!(
        cause.is_some_and(|l| l.contains(": GET http://127.0.0.1:")),
        "no cause line: {shown}"
    );
    assert!(outcome.stderr.contains("\nhint: "), "no hint: {shown}");
    assert!(outcome.peak_rss_kb < MAX_RSS_KB, "memory: {shown}");
    outcome
}

const QUICK: Duration = Duration::from_secs(60);

/// R7 (malformed JSON): a decode error naming the listing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json() {
    let o = check(Hostile::MalformedJson, QUICK).await;
    assert!(o.stderr.contains("invalid JSON"), "{o:#?}");
}

/// R7, H3: an endless body stops at the 16 MiB cap; memory stays bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_body() {
    let o = check(Hostile::EndlessBody, QUICK).await;
    assert!(o.stderr.contains("larger than 16 MiB"), "{o:#?}");
}

/// R7, H4: `count: 10^12, page_size: 1` and no items is refused at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bogus_count() {
    let o = check(
        Hostile::BogusCount {
            count: barrack_sim::hostile::BOGUS_COUNT,
        },
        QUICK,
    )
    .await;
    assert!(o.stderr.contains("page 1 holds none"), "{o:#?}");
}

/// R7, S3: a 307 to another local listener is not followed: it sees no connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_is_not_followed() {
    let other = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let to = format!("http://{}", other.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let seen = accepted.clone();
    let sink = tokio::spawn(async move {
        while other.accept().await.is_ok() {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    let o = check(Hostile::Redirect { to: to.clone() }, QUICK).await;
    sink.abort();
    assert!(o.stderr.contains("follows no redirects"), "{o:#?}");
    assert!(
        o.stderr.contains(&to),
        "the error names the Location: {o:#?}"
    );
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}

/// R7, S2: a 401 whose body echoes `Bearer <key>`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_echo_401() {
    let o = check(Hostile::KeyEcho { status: 401 }, QUICK).await;
    assert!(o.stderr.contains("HTTP 401"), "{o:#?}");
    assert!(o.stderr.contains("<redacted>"), "{o:#?}");
}

/// R7, S2: a 500 whose body echoes the key (retried, then given up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_echo_500() {
    let o = check(Hostile::KeyEcho { status: 500 }, Duration::from_secs(120)).await;
    assert!(o.stderr.contains("HTTP 500"), "{o:#?}");
}

/// R7, H3: a body dripping one byte every 500 ms: every attempt ends at the 30 s request
/// timeout and the retry budget (90 s) ends the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_drip() {
    let o = check(
        Hostile::SlowDrip { interval_ms: 500 },
        Duration::from_secs(150),
    )
    .await;
    assert!(o.stderr.contains("timed out"), "{o:#?}");
    assert!(o.took < Duration::from_secs(130), "{o:#?}");
}
