//! Apply at the cloud's limits (issue #11): 60 VMs with 60 volumes applied by a client with
//! the defaults a user gets (the documented 500 requests per minute, Barrack's poll policy,
//! the shared watcher) against an emulator enforcing that limit, at time scale 0.05. The
//! waits share one list per kind per round, so the whole apply stays far under the limit:
//! no 429, and at most 400 requests where per-resource polling sent over 1,000.

mod common;

use barrack_api::{Client, ClientConfig};
use barrack_sim::SimConfig;
use common::World;

const VMS: usize = 60;

async fn world_at_the_documented_limit() -> World {
    let sim = garrison_testkit::sim::start(SimConfig {
        rate_limit_per_minute: Some(barrack_api::DEFAULT_RATE_LIMIT_PER_MINUTE),
        ..garrison_testkit::sim::quiet(0.05)
    })
    .await;
    let client = Client::new(ClientConfig::new(sim.base_url(), sim.api_key()))
        .unwrap_or_else(|e| panic!("client: {e}"));
    World {
        sim,
        client,
        dir: garrison_testkit::dir::temp_dir(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_vms_with_volumes_apply_without_a_429_in_at_most_400_requests() {
    let world = world_at_the_documented_limit().await;
    let config = garrison_testkit::synth::fleet(VMS, 0);
    let (plan, report, _) = world.apply(&config).await;
    assert!(report.is_success(), "{:?}", report.failed);
    assert_eq!(plan.steps.len(), 3 + 2 * VMS);
    let counters = world.counters().await;
    let total = counters["total"].as_u64().unwrap_or(u64::MAX);
    assert_eq!(counters["throttled"], 0, "{counters}");
    assert_eq!(world.client.throttled_responses(), 0);
    assert!(total <= 400, "{total} requests: {counters}");
    // Converged: every object is as configured.
    let again = world.plan(&config).await;
    assert!(!again.summary.has_changes(), "{again:?}");
}
