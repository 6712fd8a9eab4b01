//! The one rate limiter every request of a client (and its clones) passes: at most
//! `requests` per sliding `window`, mutations before reads, `Retry-After` honoured, and an
//! allowance that halves on a 429 and climbs back to the limit over ten windows.
//!
//! It is a token bucket of `requests` tokens in which a spent token comes back one
//! `window` after its request was answered (the server counted it at the latest then), so
//! no sliding window of the server's ever holds more than `requests` of ours (what
//! Barrack's documented "500 requests per minute" allows whether the server counts fixed or
//! sliding minutes), and a short run may spend the whole bucket at once.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// Barrack's documented rate limit (GUESSED from Hyperstack's: 500 requests per minute per
/// account; see `docs/api.md`).
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 500;

/// The wait after a 429 that sent no usable `Retry-After`.
const PAUSE_WITHOUT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Windows over which a lowered allowance climbs back to the limit.
const RECOVERY_WINDOWS: u32 = 10;

/// At most `requests` requests in any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl RateLimit {
    /// `requests` per minute.
    pub fn per_minute(requests: u32) -> Self {
        RateLimit {
            requests,
            window: Duration::from_secs(60),
        }
    }

    /// Requests per second on average (0.0 for a zero limit).
    pub fn per_second(&self) -> f64 {
        f64::from(self.requests) / self.window.as_secs_f64().max(1e-9)
    }
}

/// Who is asking: mutations go first, so waiting (reads) never starves a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Priority {
    Mutation,
    Read,
}

/// The limiter of one client and its clones.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: Option<RateLimit>,
    state: Mutex<State>,
    /// Woken when a queued mutation got its token or gave up (reads may go).
    changed: Notify,
}

#[derive(Debug)]
struct State {
    /// When each request of the last window was answered, oldest first.
    sent: VecDeque<Instant>,
    /// Requests admitted and not answered yet (they hold a token too).
    in_flight: usize,
    /// The allowance set by the last 429 and when: it climbs back to the limit.
    lowered: Option<(u32, Instant)>,
    /// No request is admitted before this (a `Retry-After`).
    paused_until: Option<Instant>,
    /// Mutations waiting for a token.
    mutations_waiting: usize,
    /// 429 answers seen.
    throttled: u64,
}

/// Counts a waiting mutation for as long as it waits.
struct Queued<'a>(&'a Limiter);

/// A token held by a request in flight: dropping it (answered, failed or cancelled) starts
/// the window after which the token comes back.
pub(crate) struct Permit<'a>(Option<&'a Limiter>);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Some(limiter) = self.0 {
            let mut state = limiter.lock();
            state.in_flight = state.in_flight.saturating_sub(1);
            state.sent.push_back(Instant::now());
        }
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.lock().mutations_waiting -= 1;
        self.0.changed.notify_waiters();
    }
}

impl Limiter {
    /// A limiter for `limit`; `None` (or zero requests) admits everything at once.
    pub(crate) fn new(limit: Option<RateLimit>) -> Self {
        let limit = limit.filter(|l| l.requests > 0 && !l.window.is_zero());
        Limiter {
            limit,
            state: Mutex::new(State {
                sent: VecDeque::new(),
                in_flight: 0,
                lowered: None,
                paused_until: None,
                mutations_waiting: 0,
                throttled: 0,
            }),
            changed: Notify::new(),
        }
    }

    /// The configured limit (`None`: off).
    pub(crate) fn limit(&self) -> Option<RateLimit> {
        self.limit
    }

    /// 429 answers seen so far.
    pub(crate) fn throttled(&self) -> u64 {
        self.lock().throttled
    }

    /// The current allowance per window (the limit unless a 429 lowered it).
    #[cfg(test)]
    pub(crate) fn allowed(&self, now: Instant) -> Option<u32> {
        self.limit.map(|l| self.lock().allowed(l, now))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a token, held until the permit is dropped. Cancel-safe: dropping the future
    /// takes no token and un-queues a mutation.
    pub(crate) async fn acquire(&self, priority: Priority) -> Permit<'_> {
        let Some(limit) = self.limit else {
            return Permit(None);
        };
        let _queued = (priority == Priority::Mutation).then(|| {
            self.lock().mutations_waiting += 1;
            Queued(self)
        });
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wait = self.lock().take(priority, Instant::now(), limit);
            let Some(wait) = wait else {
                return Permit(Some(self));
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = notified => {}
            }
        }
    }

    /// Requests that could be sent now without waiting (beyond the mutations already
    /// queued), and when a token comes back if none can; `None` without a limit.
    pub(crate) fn headroom(&self) -> Option<(usize, Duration)> {
        let limit = self.limit?;
        let now = Instant::now();
        let mut state = self.lock();
        if let Some(until) = state.paused_until.filter(|u| *u > now) {
            return Some((0, until - now));
        }
        state.expire(now, limit.window);
        let used = state.sent.len() + state.in_flight + state.mutations_waiting;
        let free = (state.allowed(limit, now) as usize).saturating_sub(used);
        let back = match state.sent.front() {
            Some(oldest) => (*oldest + limit.window).saturating_duration_since(now),
            None => limit.window / 100,
        };
        Some((free, back.max(Duration::from_millis(1))))
    }

    /// A 429 arrived: nobody sends before `retry_after` (1 s when the server sent none),
    /// and the allowance halves, to climb back to the limit over ten windows. 429s of
    /// requests sent before the pause began (already in flight) lower it only once.
    pub(crate) fn throttled_by_server(&self, retry_after: Option<Duration>) {
        let mut state = self.lock();
        state.throttled += 1;
        let Some(limit) = self.limit else {
            return;
        };
        let now = Instant::now();
        let paused = state.paused_until.is_some_and(|p| p > now);
        let until = now + retry_after.unwrap_or(PAUSE_WITHOUT_RETRY_AFTER);
        state.paused_until = Some(state.paused_until.map_or(until, |p| p.max(until)));
        if !paused {
            let halved = (state.allowed(limit, now) / 2).max(1);
            state.lowered = Some((halved, now));
        }
    }
}

impl State {
    /// The allowance at `now`: the limit, or after a 429 the lowered allowance plus its
    /// climb since.
    fn allowed(&self, limit: RateLimit, now: Instant) -> u32 {
        let Some((from, at)) = self.lowered else {
            return limit.requests;
        };
        let climb = now.saturating_duration_since(at).as_secs_f64()
            / (limit.window * RECOVERY_WINDOWS).as_secs_f64();
        let gap = f64::from(limit.requests.saturating_sub(from));
        (from + (gap * climb.min(1.0)) as u32).min(limit.requests)
    }

    /// Forgets the requests answered a whole window ago: their tokens are back.
    fn expire(&mut self, now: Instant, window: Duration) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= window)
        {
            self.sent.pop_front();
        }
    }

    /// Takes a token now (`None`), or says how long to wait before asking again.
    fn take(&mut self, priority: Priority, now: Instant, limit: RateLimit) -> Option<Duration> {
        let window = limit.window;
        if let Some(until) = self.paused_until {
            if until > now {
                return Some(until - now);
            }
            self.paused_until = None;
        }
        self.expire(now, window);
        if priority == Priority::Read && self.mutations_waiting > 0 {
            // Woken when the queue of mutations changes; the timer is a backstop.
            return Some(window);
        }
        let allowed = self.allowed(limit, now) as usize;
        if self.sent.len() + self.in_flight < allowed {
            self.in_flight += 1;
            return None;
        }
        // The oldest answered request's token comes back first; with none answered, those
        // in flight will be: look again shortly.
        let back = match self.sent.front() {
            Some(oldest) => (*oldest + window).saturating_duration_since(now),
            None => window / 100,
        };
        Some(back.max(Duration::from_millis(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: RateLimit = RateLimit {
        requests: 3,
        window: Duration::from_secs(1),
    };

    fn state() -> State {
        State {
            sent: VecDeque::new(),
            in_flight: 0,
            lowered: None,
            paused_until: None,
            mutations_waiting: 0,
            throttled: 0,
        }
    }

    /// A request admitted at `at` and answered at once.
    fn answered(s: &mut State, at: Instant) {
        assert_eq!(s.take(Priority::Read, at, LIMIT), None);
        s.in_flight -= 1;
        s.sent.push_back(at);
    }

    #[test]
    fn a_full_bucket_then_one_token_per_expiry() {
        let mut s = state();
        let t0 = Instant::now();
        for _ in 0..3 {
            answered(&mut s, t0);
        }
        let wait = s.take(Priority::Read, t0 + Duration::from_millis(400), LIMIT);
        assert_eq!(wait, Some(Duration::from_millis(600)));
        assert_eq!(s.take(Priority::Read, t0 + LIMIT.window, LIMIT), None);
    }

    #[test]
    fn requests_in_flight_hold_their_tokens() {
        let mut s = state();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(s.take(Priority::Mutation, t0, LIMIT), None);
        }
        assert!(s
            .take(Priority::Mutation, t0 + LIMIT.window * 5, LIMIT)
            .is_some());
    }

    #[test]
    fn headroom_counts_free_tokens_and_when_one_returns() {
        let limiter = Limiter::new(Some(LIMIT));
        assert_eq!(limiter.headroom().map(|h| h.0), Some(3));
        limiter.lock().in_flight = 1;
        limiter.lock().mutations_waiting = 1;
        assert_eq!(limiter.headroom().map(|h| h.0), Some(1));
        limiter.lock().sent.push_back(Instant::now());
        let (free, back) = limiter.headroom().unwrap_or_default();
        assert_eq!(free, 0);
        assert!(back > LIMIT.window / 2 && back <= LIMIT.window, "{back:?}");
        assert_eq!(Limiter::new(None).headroom(), None);
    }

    #[test]
    fn reads_wait_while_a_mutation_is_queued() {
        let mut s = state();
        let t0 = Instant::now();
        s.mutations_waiting = 1;
        assert!(s.take(Priority::Read, t0, LIMIT).is_some());
        assert_eq!(s.take(Priority::Mutation, t0, LIMIT), None);
        s.mutations_waiting = 0;
        assert_eq!(s.take(Priority::Read, t0, LIMIT), None);
    }

    #[test]
    fn a_pause_holds_everyone() {
        let mut s = state();
        let t0 = Instant::now();
        s.paused_until = Some(t0 + Duration::from_millis(250));
        let wait = s.take(Priority::Mutation, t0, LIMIT);
        assert_eq!(wait, Some(Duration::from_millis(250)));
        let later = t0 + Duration::from_millis(250);
        assert_eq!(s.take(Priority::Mutation, later, LIMIT), None);
    }

    #[test]
    fn a_429_halves_the_allowance_once_per_pause_then_it_climbs_back() {
        let limit = RateLimit {
            requests: 8,
            window: Duration::from_secs(1),
        };
        let limiter = Limiter::new(Some(limit));
        limiter.throttled_by_server(Some(Duration::from_secs(5)));
        // A second 429 during the pause (sent before it began) lowers nothing more.
        limiter.throttled_by_server(None);
        let now = Instant::now();
        assert_eq!(limiter.allowed(now), Some(4));
        assert_eq!(limiter.throttled(), 2);
        assert_eq!(limiter.allowed(now + limit.window * 5), Some(6));
        assert_eq!(limiter.allowed(now + limit.window * 11), Some(8));
    }

    #[tokio::test]
    async fn off_admits_at_once() {
        let limiter = Limiter::new(None);
        let started = Instant::now();
        for _ in 0..10_000 {
            drop(limiter.acquire(Priority::Read).await);
        }
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(Limiter::new(Some(RateLimit::per_minute(0))).limit(), None);
    }

    #[tokio::test]
    async fn admits_no_more_than_the_limit_per_window() {
        let window = Duration::from_millis(300);
        let limiter = Limiter::new(Some(RateLimit {
            requests: 5,
            window,
        }));
        let started = Instant::now();
        for _ in 0..12 {
            drop(limiter.acquire(Priority::Mutation).await);
        }
        // 5 at once, 5 one window later, 2 two windows later.
        assert!(started.elapsed() >= window * 2, "{:?}", started.elapsed());
        assert!(started.elapsed() < window * 4, "{:?}", started.elapsed());
    }
}
