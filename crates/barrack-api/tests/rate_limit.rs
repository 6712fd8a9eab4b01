//! The client's shared rate limiter against the emulator's rate limit (a short window so a
//! test sees several windows in seconds): under the limit no request is answered 429, and
//! a client configured above the server's limit adapts after its first 429s.

mod common;

use std::time::{Duration, Instant};

use barrack_api::{Client, RateLimit};
use barrack_sim::{SimConfig, SimHandle};
use futures::StreamExt;

/// The emulator's limit: 20 requests per 500 ms window per client address.
const SERVER: RateLimit = RateLimit {
    requests: 20,
    window: Duration::from_millis(500),
};

async fn limited_sim() -> SimHandle {
    common::spawn(SimConfig {
        rate_limit_per_minute: Some(SERVER.requests),
        rate_limit_window: SERVER.window,
        ..common::quiet()
    })
    .await
}

/// Sends `n` reads, 8 at a time, and returns how long they took; every one must succeed.
async fn burst(client: &Client, n: usize) -> Duration {
    let started = Instant::now();
    let results: Vec<_> = futures::stream::iter(0..n)
        .map(|_| client.get_balance())
        .buffer_unordered(8)
        .collect()
        .await;
    assert!(results.iter().all(Result::is_ok), "a request failed");
    started.elapsed()
}

async fn throttled(sim: &SimHandle) -> u64 {
    common::admin(sim, "counters").await["throttled"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

#[tokio::test]
async fn a_client_at_the_servers_limit_is_never_answered_429() {
    let sim = limited_sim().await;
    let client = common::client_with(&sim, |c| c.rate_limit = Some(SERVER));
    let took = burst(&client, 70).await;
    assert_eq!(throttled(&sim).await, 0);
    assert_eq!(client.throttled_responses(), 0);
    // 20 at once, then 20 per window: 70 requests need at least three more windows.
    assert!(took >= SERVER.window * 3, "{took:?}");
}

#[tokio::test]
async fn a_client_above_the_servers_limit_backs_off_and_gets_everything_done() {
    let sim = limited_sim().await;
    let too_fast = RateLimit {
        requests: 60,
        ..SERVER
    };
    let adaptive = common::client_with(&sim, |c| c.rate_limit = Some(too_fast));
    burst(&adaptive, 120).await;
    let seen = throttled(&sim).await;
    assert_eq!(adaptive.throttled_responses(), seen);
    // Each episode costs at most the 8 requests in flight when the pause began; a client
    // that kept sending at 60 per window would be refused 40 times a window.
    assert!((1..=24).contains(&seen), "{seen} requests answered 429");
}
