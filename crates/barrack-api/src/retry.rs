//! Retry policy: exponential backoff with full jitter inside a bounded budget, and `Retry-After`.

use std::time::{Duration, Instant};

use rand::Rng;

/// When and how long to retry. Only failures that did not reach the server (connect errors,
/// 429) are retried for every route; 5xx and timeouts only for idempotent routes.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. 1 disables retries.
    pub max_attempts: u32,
    /// No retry starts once this much time has passed since the first attempt (waits
    /// included); a wait that would end beyond it is not started.
    pub max_elapsed: Duration,
    /// Backoff cap of the first retry; it doubles per retry.
    pub base_delay: Duration,
    /// Largest backoff cap.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            max_elapsed: Duration::from_secs(90),
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The backoff cap before retry number `retry` (0 for the first retry):
    /// `min(max_delay, base_delay * 2^retry)`.
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// Full jitter: a delay drawn uniformly from `[0, backoff_cap(retry)]`.
    pub fn full_jitter(&self, retry: u32, rng: &mut impl Rng) -> Duration {
        let cap = u64::try_from(self.backoff_cap(retry).as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(rng.gen_range(0..=cap))
    }
}

/// Parses a `Retry-After` value given in seconds (integer or decimal). HTTP dates are not
/// supported and yield `None` (the caller then falls back to backoff).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    if (0.0..86_400.0).contains(&secs) {
        Some(Duration::from_secs_f64(secs))
    } else {
        None
    }
}

/// The budget of one logical call: counts attempts and time since the first.
#[derive(Debug)]
pub(crate) struct Budget {
    policy: RetryPolicy,
    started: Instant,
    attempts: u32,
}

impl Budget {
    /// A budget whose first attempt is about to be made.
    pub(crate) fn new(policy: &RetryPolicy) -> Self {
        Budget {
            policy: policy.clone(),
            started: Instant::now(),
            attempts: 1,
        }
    }

    /// The wait before one more attempt, or `None` when the budget is spent. A server's
    /// `Retry-After` is honoured as a minimum; otherwise full-jitter backoff.
    pub(crate) fn next_delay(&mut self, retry_after: Option<Duration>) -> Option<Duration> {
        if self.attempts >= self.policy.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(after) => after,
            None => self
                .policy
                .full_jitter(self.attempts - 1, &mut rand::thread_rng()),
        };
        if self.started.elapsed() + delay > self.policy.max_elapsed {
            return None;
        }
        self.attempts += 1;
        Some(delay)
    }

    /// Attempts made so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Time since the first attempt.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(10),
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
        }
    }

    #[test]
    fn caps_double_then_saturate() {
        let p = policy();
        let caps: Vec<u128> = (0..6).map(|r| p.backoff_cap(r).as_millis()).collect();
        assert_eq!(caps, vec![100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.backoff_cap(u32::MAX), Duration::from_millis(1000));
    }

    #[test]
    fn jitter_is_within_cap_and_spread() {
        let p = policy();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let draws: Vec<Duration> = (0..2000).map(|_| p.full_jitter(2, &mut rng)).collect();
        assert!(draws.iter().all(|d| *d <= Duration::from_millis(400)));
        let low = draws
            .iter()
            .filter(|d| **d < Duration::from_millis(100))
            .count();
        let high = draws
            .iter()
            .filter(|d| **d > Duration::from_millis(300))
            .count();
        // Full jitter: about a quarter in each end quarter, not bunched at the cap.
        assert!((350..650).contains(&low), "{low}");
        assert!((350..650).contains(&high), "{high}");
    }

    #[test]
    fn retry_after_values() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 0.25 "),
            Some(Duration::from_millis(250))
        );
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn budget_counts_attempts() {
        let mut b = Budget::new(&policy());
        assert!(b.next_delay(None).is_some());
        assert!(b.next_delay(None).is_some());
        assert!(b.next_delay(Some(Duration::from_millis(5))) == Some(Duration::from_millis(5)));
        assert_eq!(b.attempts(), 4);
        assert_eq!(b.next_delay(None), None);
    }

    #[test]
    fn budget_refuses_a_wait_past_the_deadline() {
        let mut b = Budget::new(&policy());
        assert_eq!(b.next_delay(Some(Duration::from_secs(11))), None);
        assert_eq!(b.attempts(), 1);
    }
}
