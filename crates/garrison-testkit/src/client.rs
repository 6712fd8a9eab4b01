//! A client that polls and backs off quickly, for emulators running at a small time scale.

use std::time::Duration;

use barrack_api::{Client, ClientConfig, PollPolicy, RetryPolicy};

/// A client for `base_url` that polls every 5-40 ms, retries 8 times within 30 s and sends
/// without a rate limit.
pub fn fast_client(base_url: &str, api_key: &str) -> Client {
    let mut config = ClientConfig::new(base_url, api_key);
    config.poll = PollPolicy {
        initial: Duration::from_millis(5),
        max: Duration::from_millis(40),
        multiplier: 1.5,
    };
    config.retry = RetryPolicy {
        max_attempts: 8,
        max_elapsed: Duration::from_secs(30),
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(100),
    };
    config.timeout = Duration::from_secs(20);
    // The test emulators run without a rate limit (`sim::quiet`): nothing to pace.
    config.rate_limit = None;
    Client::new(config).unwrap_or_else(|e| panic!("client for {base_url}: {e}"))
}
