//! The simulated account behind one server: the stored world, the clock and settings.

use barrack_wire::Catalog;
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::clock::{scaled, Clock, SimMs};
use crate::limits::Limits;
use crate::world::World;

/// Everything a request handler touches, behind one mutex.
#[derive(Debug)]
pub(crate) struct Sim {
    pub(crate) world: World,
    pub(crate) clock: Clock,
    pub(crate) time_scale: f64,
    /// Content randomness (generated key material); faults use their own RNG.
    pub(crate) rng: StdRng,
    /// A mutation happened since the last save.
    pub(crate) dirty: bool,
    /// Number of snapshots taken for the state file (orders the writes).
    pub(crate) saves: u64,
    /// What the account is offered (`SimConfig::catalog`).
    pub(crate) catalog: Catalog,
    /// Stock, balance and caps (`SimConfig::limits`).
    pub(crate) limits: Limits,
}

/// What an account is offered and what it may hold.
pub(crate) struct Offer {
    pub(crate) catalog: Catalog,
    pub(crate) limits: Limits,
}

impl Sim {
    /// A simulator over `world`, its clock resuming from the world's save time.
    pub(crate) fn new(mut world: World, time_scale: f64, seed: u64, offer: Offer) -> Self {
        world.rebuild_timeline();
        // Downtime does not pass for the account, but `created_at` stays wall-clock time
        // (clients compare it with their own clock to tell their creates from others').
        let saved = i64::try_from(world.saved_at_ms).unwrap_or(i64::MAX);
        let now = chrono::Utc::now().timestamp_millis();
        world.epoch_unix_ms = world.epoch_unix_ms.max(now.saturating_sub(saved));
        let clock = Clock::starting_at(world.saved_at_ms);
        Sim {
            world,
            clock,
            time_scale,
            rng: StdRng::seed_from_u64(seed ^ 0x005e_ed0f_c0de),
            dirty: false,
            saves: 0,
            catalog: offer.catalog,
            limits: offer.limits,
        }
    }

    /// An empty account created now.
    pub(crate) fn fresh(time_scale: f64, seed: u64, offer: Offer) -> Self {
        Sim::new(
            World::seed(
                chrono::Utc::now().timestamp_millis(),
                &offer.catalog,
                &offer.limits,
            ),
            time_scale,
            seed,
            offer,
        )
    }

    /// A contract delay (seconds), scaled.
    pub(crate) fn delay(&self, seconds: f64) -> SimMs {
        scaled(seconds, self.time_scale)
    }

    /// RFC 3339 time of simulated instant `at`.
    pub(crate) fn timestamp(&self, at: SimMs) -> String {
        let ms = self
            .world
            .epoch_unix_ms
            .saturating_add(i64::try_from(at).unwrap_or(i64::MAX));
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// Empties the account (seed stock and balance); the clock keeps running.
    pub(crate) fn reset(&mut self) {
        let now = self.clock.now();
        let mut world = World::seed(self.world.epoch_unix_ms, &self.catalog, &self.limits);
        world.saved_at_ms = now;
        self.world = world;
        self.dirty = true;
    }

    /// The world as the state file stores it.
    pub(crate) fn snapshot_bytes(&mut self) -> Result<Vec<u8>, serde_json::Error> {
        self.world.saved_at_ms = self.clock.now();
        serde_json::to_vec(&self.world)
    }
}
