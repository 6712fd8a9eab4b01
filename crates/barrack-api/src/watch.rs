//! The shared watcher: every wait registers with its kind's board, and one paginated list
//! per kind per round answers all of a kind's waits at once; a per-resource GET only for an
//! object the list does not show.
//!
//! A round starts after the previous one of its kind by the poll policy's delay (counted
//! from the last wait that joined, so new waits are answered quickly and old ones back off)
//! and, under a rate limit, by at least the round's pages over half the limit's rate shared
//! by the kinds being watched, so waiting leaves half the requests to the changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use tokio::sync::Notify;

use crate::client::Client;
use crate::error::Error;
use crate::id::Id;
use crate::routes::Op;
use crate::wait::Poll;
use crate::wire::{Firewall, Image, Instance, Snapshot, Volume};

/// The share of the rate limit that rounds of lists may use.
const POLL_SHARE: f64 = 0.5;

/// A wire object a list can answer a wait about.
pub(crate) trait Watched: DeserializeOwned + Clone + Send + Sync + 'static {
    /// The list of every object of the kind.
    const LIST: Op;
    /// The read of one object.
    const GET: Op;
    fn id(&self) -> &Id;
    fn board(watcher: &Watcher) -> &Board<Self>;
}

macro_rules! watched {
    ($($kind:ty => $list:ident, $get:ident, $field:ident;)*) => {
        $(impl Watched for $kind {
            const LIST: Op = Op::$list;
            const GET: Op = Op::$get;
            fn id(&self) -> &Id {
                &self.id
            }
            fn board(watcher: &Watcher) -> &Board<Self> {
                &watcher.$field
            }
        })*
    };
}

watched! {
    Instance => ListInstances, GetInstance, instances;
    Volume => ListVolumes, GetVolume, volumes;
    Firewall => ListFirewalls, GetFirewall, firewalls;
    Snapshot => ListSnapshots, GetSnapshot, snapshots;
    Image => ListImages, GetImage, images;
}

/// The boards of one client and its clones.
#[derive(Debug, Default)]
pub(crate) struct Watcher {
    instances: Board<Instance>,
    volumes: Board<Volume>,
    firewalls: Board<Firewall>,
    snapshots: Board<Snapshot>,
    images: Board<Image>,
    /// Boards with at least one wait registered.
    active: AtomicUsize,
    /// Rounds (lists) made, all kinds.
    rounds: AtomicUsize,
    /// HTTP requests those rounds took (pages, retries).
    requests: AtomicUsize,
}

/// One kind's waits and the latest list.
#[derive(Debug)]
pub(crate) struct Board<T> {
    state: Mutex<BoardState<T>>,
    /// Woken when a round is published or its fetcher gave up.
    published: Notify,
}

impl<T> Default for Board<T> {
    fn default() -> Self {
        Board {
            state: Mutex::new(BoardState {
                started: 0,
                latest: None,
                fetching: false,
                last_start: None,
                pages: 1,
                waits: 0,
                quiet_rounds: 0,
            }),
            published: Notify::new(),
        }
    }
}

#[derive(Debug)]
struct BoardState<T> {
    /// Rounds started so far; a round's number is this count when it started.
    started: u64,
    /// The last round published: its number and every object it listed by id.
    latest: Option<(u64, Arc<HashMap<Id, T>>)>,
    /// A wait is fetching the next round.
    fetching: bool,
    last_start: Option<Instant>,
    /// Requests the last round took (its pages).
    pages: u32,
    /// Waits registered.
    waits: usize,
    /// Rounds since a wait last joined: the poll policy's backoff step.
    quiet_rounds: u32,
}

/// A registered wait; dropping it leaves the board.
struct Registration<'a, T> {
    board: &'a Board<T>,
    active: &'a AtomicUsize,
}

impl<T> Drop for Registration<'_, T> {
    fn drop(&mut self) {
        let mut state = self.board.lock();
        state.waits -= 1;
        if state.waits == 0 {
            self.active.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// Clears `fetching` if the fetching wait is dropped mid-round, so another takes over.
struct Fetching<'a, T>(&'a Board<T>);

impl<T> Drop for Fetching<'_, T> {
    fn drop(&mut self) {
        self.0.lock().fetching = false;
        self.0.published.notify_waiters();
    }
}

/// What a round said about one object.
pub(crate) enum Seen<T> {
    Listed(T),
    NotListed,
}

impl<T> Board<T> {
    fn lock(&self) -> MutexGuard<'_, BoardState<T>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Joins the board: the rounds to come answer this wait; returns the round number a
    /// round must exceed to have started after the join.
    fn register<'a>(&'a self, active: &'a AtomicUsize) -> (Registration<'a, T>, u64) {
        let mut state = self.lock();
        if state.waits == 0 {
            active.fetch_add(1, Ordering::Relaxed);
        }
        state.waits += 1;
        state.quiet_rounds = 0;
        let after = state.started;
        (
            Registration {
                board: self,
                active,
            },
            after,
        )
    }
}

impl Client {
    /// The first round of `T`'s list started after round `after`: its number and what it
    /// listed. One wait fetches it (after the pacing delay); the others wait for it.
    async fn round_after<T: Watched>(
        &self,
        after: u64,
    ) -> Result<(u64, Arc<HashMap<Id, T>>), Error> {
        let board = T::board(self.watcher());
        loop {
            let published = board.published.notified();
            tokio::pin!(published);
            published.as_mut().enable();
            let pause = {
                let mut state = board.lock();
                match &state.latest {
                    Some((round, listed)) if *round > after => return Ok((*round, listed.clone())),
                    _ if state.fetching => None,
                    _ => {
                        state.fetching = true;
                        Some(self.pause_before_round(&state))
                    }
                }
            };
            let Some(pause) = pause else {
                published.await;
                continue;
            };
            let _fetching = Fetching(board);
            tokio::time::sleep(pause).await;
            let round = {
                let mut state = board.lock();
                state.started += 1;
                state.last_start = Some(Instant::now());
                state.quiet_rounds = state.quiet_rounds.saturating_add(1);
                state.started
            };
            self.watcher().rounds.fetch_add(1, Ordering::Relaxed);
            let listing = self.list_all::<T>(T::LIST, &[], &[]).await?;
            let requests = listing.requests as usize;
            self.watcher()
                .requests
                .fetch_add(requests, Ordering::Relaxed);
            let listed: HashMap<Id, T> = listing
                .items
                .into_iter()
                .map(|item| (item.id().clone(), item))
                .collect();
            let listed = Arc::new(listed);
            let mut state = board.lock();
            state.pages = listing.requests.max(1);
            state.latest = Some((round, listed.clone()));
            return Ok((round, listed));
        }
    }

    /// How long after now the next round of a board may start.
    fn pause_before_round<T>(&self, state: &BoardState<T>) -> Duration {
        let backoff = self.config().poll.delay(state.quiet_rounds);
        let floor = match self.rate_limit() {
            Some(limit) if limit.per_second() > 0.0 => {
                let kinds = self.watcher().active.load(Ordering::Relaxed).max(1);
                let secs =
                    f64::from(state.pages) * kinds as f64 / (limit.per_second() * POLL_SHARE);
                Duration::try_from_secs_f64(secs).unwrap_or(Duration::from_secs(60))
            }
            _ => Duration::ZERO,
        };
        let gap = backoff.max(floor);
        match state.last_start {
            Some(last) => (last + gap).saturating_duration_since(Instant::now()),
            None => Duration::ZERO,
        }
    }

    /// Waits on `T`'s board until `check` says `Done` (the object as last seen; `None` when
    /// the wait ended on an object gone) or `Failed`; `NotListed` objects are read one by
    /// one when `read_unlisted` (a 404 then ends the wait with that error), or passed to
    /// `check` as gone. Without lists (`ClientConfig::watch_lists` off) every poll is a GET.
    pub(crate) async fn watch<T: Watched>(
        &self,
        what: &str,
        id: &Id,
        timeout: Duration,
        read_unlisted: bool,
        check: impl Fn(Option<&T>) -> Poll,
    ) -> Result<Option<T>, Error> {
        if !self.config().watch_lists {
            return self
                .watch_by_reads(what, id, timeout, read_unlisted, check)
                .await;
        }
        let watcher = self.watcher();
        let (_registered, mut after) = T::board(watcher).register(&watcher.active);
        let started = Instant::now();
        let deadline = started + timeout;
        let mut last_status = String::from("not seen yet");
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let round = tokio::time::timeout(left, self.round_after::<T>(after)).await;
            let Ok(round) = round else {
                return Err(timed_out(what, last_status, started));
            };
            let (number, listed) = round?;
            after = number;
            let seen = match listed.get(id) {
                Some(object) => Seen::Listed(object.clone()),
                None => Seen::NotListed,
            };
            let object = match seen {
                Seen::Listed(object) => Some(object),
                Seen::NotListed if read_unlisted => Some(self.get_one::<T>(id).await?),
                Seen::NotListed => None,
            };
            match check(object.as_ref()) {
                Poll::Done => return Ok(object),
                Poll::Failed(status) => {
                    return Err(Error::WaitFailed {
                        what: what.to_owned(),
                        status,
                    })
                }
                Poll::Pending(status) => last_status = status,
            }
            if Instant::now() >= deadline {
                return Err(timed_out(what, last_status, started));
            }
        }
    }

    /// [`Client::watch`] with a GET per poll (the behaviour before the watcher).
    async fn watch_by_reads<T: Watched>(
        &self,
        what: &str,
        id: &Id,
        timeout: Duration,
        read_unlisted: bool,
        check: impl Fn(Option<&T>) -> Poll,
    ) -> Result<Option<T>, Error> {
        let fetch = || async {
            match self.get_one::<T>(id).await {
                Ok(object) => Ok(Some(object)),
                Err(e) if e.is_not_found() && !read_unlisted => Ok(None),
                Err(e) => Err(e),
            }
        };
        self.wait_until(what, timeout, fetch, |object: &Option<T>| {
            check(object.as_ref())
        })
        .await
    }

    /// `GET` of one object of kind `T`.
    async fn get_one<T: Watched>(&self, id: &Id) -> Result<T, Error> {
        self.call(T::GET, &[id.as_str()], &[], None).await
    }

    /// Rounds of lists the watcher made so far (all kinds), and the HTTP requests they took.
    pub fn watch_rounds(&self) -> (usize, usize) {
        let watcher = self.watcher();
        (
            watcher.rounds.load(Ordering::Relaxed),
            watcher.requests.load(Ordering::Relaxed),
        )
    }
}

fn timed_out(what: &str, last_status: String, started: Instant) -> Error {
    Error::WaitTimeout {
        what: what.to_owned(),
        last_status,
        elapsed: started.elapsed(),
    }
}
