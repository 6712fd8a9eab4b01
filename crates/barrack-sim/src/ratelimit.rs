//! The rate limit: N requests per sliding minute (or a shorter window in tests) per client
//! address, then 429 with `Retry-After`.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Admitted request times per client, within the last minute.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: Option<u32>,
    window: Duration,
    windows: HashMap<IpAddr, VecDeque<Instant>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<u32>, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            windows: HashMap::new(),
        }
    }

    /// Forgets every window.
    pub(crate) fn clear(&mut self) {
        self.windows.clear();
    }

    /// Admits a request at `now`, or returns the seconds until one would be admitted.
    pub(crate) fn check(&mut self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let window = self.windows.entry(client).or_default();
        while window
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            window.pop_front();
        }
        if window.len() < limit as usize {
            window.push_back(now);
            return Ok(());
        }
        let oldest = window.front().copied().unwrap_or(now);
        let wait = self
            .window
            .saturating_sub(now.saturating_duration_since(oldest));
        Err(wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_minute() {
        let ip: IpAddr = [127, 0, 0, 1].into();
        let other: IpAddr = [127, 0, 0, 2].into();
        let mut limiter = RateLimiter::new(Some(3), Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(limiter.check(ip, t0 + Duration::from_secs(i)), Ok(()));
        }
        assert_eq!(limiter.check(ip, t0 + Duration::from_secs(10)), Err(50));
        assert_eq!(limiter.check(other, t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(limiter.check(ip, t0 + Duration::from_secs(60)), Ok(()));
        let mut off = RateLimiter::new(None, Duration::from_secs(60));
        assert!((0..10_000).all(|_| off.check(ip, t0).is_ok()));
    }
}
