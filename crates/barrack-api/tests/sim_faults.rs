//! The client under the emulator's injected faults: retries, 429, no duplicate creates,
//! and the paginator's request count.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use barrack_api::wire::{
    CreateFirewallRequest, CreateSshKeyRequest, CreateVolumeRequest, DeploymentRequest, Instance,
    ScriptRequest,
};
use barrack_api::{Client, Op};
use barrack_sim::{FaultConfig, SimConfig};
use common::{client, counter, names, quiet, spawn};
use futures::StreamExt;

const REGION: &str = "NORWAY-1";
const PUBKEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test@garrison";

#[tokio::test]
async fn reads_survive_injected_5xx() {
    let sim = spawn(SimConfig {
        faults: FaultConfig {
            error_5xx: 0.4,
            ..FaultConfig::default()
        },
        seed: 11,
        ..quiet()
    })
    .await;
    let c = client(&sim);
    for _ in 0..20 {
        c.get_balance().await.unwrap();
    }
    let sent = c.requests_sent();
    assert!(
        sent > 20,
        "some requests must have failed and been retried ({sent})"
    );
    assert_eq!(counter(&sim, "GET /balance").await, sent);
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after() {
    let sim = spawn(SimConfig {
        faults: FaultConfig {
            too_many_requests: 0.5,
            ..FaultConfig::default()
        },
        seed: 5,
        ..quiet()
    })
    .await;
    let c = client(&sim);
    let started = Instant::now();
    for _ in 0..6 {
        c.list_regions().await.unwrap();
    }
    let throttled = c.requests_sent() - 6;
    assert!(throttled >= 1, "seed 5 must produce at least one 429");
    // The emulator sends `Retry-After: 1`; each 429 costs at least that.
    assert!(
        started.elapsed() >= Duration::from_secs(throttled) - Duration::from_millis(50),
        "{throttled} 429s in {:?}",
        started.elapsed()
    );
}

/// Creates of every kind under dropped-after-processing connections and 5xx, across seeds:
/// the emulator must end with exactly one resource per name.
#[tokio::test]
async fn no_duplicate_creates_across_seeds() {
    let mut adopted = 0;
    for seed in 0..24u64 {
        let sim = spawn(SimConfig {
            faults: FaultConfig {
                drop_after_processing: 0.3,
                error_5xx: 0.15,
                ..FaultConfig::default()
            },
            seed,
            ..quiet()
        })
        .await;
        let c = client(&sim);
        let mut key_ids = Vec::new();
        for i in 0..3 {
            let k = c
                .create_ssh_key(&CreateSshKeyRequest {
                    name: format!("key-{i}"),
                    public_key: Some(PUBKEY.into()),
                })
                .await
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            adopted += usize::from(k.adopted);
            key_ids.push(k.value.id);
        }
        for i in 0..3 {
            let s = c
                .create_script(&ScriptRequest {
                    name: format!("script-{i}"),
                    content: "echo".into(),
                    description: String::new(),
                })
                .await
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            adopted += usize::from(s.adopted);
        }
        let f = c
            .create_firewall(&CreateFirewallRequest {
                name: "fw".into(),
                region: REGION.into(),
                description: String::new(),
            })
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        adopted += usize::from(f.adopted);
        let v = c
            .create_volume(&CreateVolumeRequest {
                name: "vol".into(),
                region: REGION.into(),
                size: 10,
                volume_type: "Cloud-SSD".into(),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        adopted += usize::from(v.adopted);
        for i in 0..2 {
            let d = c
                .deploy_instance(&DeploymentRequest {
                    name: format!("vm-{i}"),
                    region: REGION.into(),
                    gpu_model: "RTX-A6000".into(),
                    gpu_count: 1,
                    image_name: Some("Ubuntu Server 22.04 LTS R550 CUDA 12.4".into()),
                    ssh_key_ids: key_ids.clone(),
                    count: Some(1),
                    ..Default::default()
                })
                .await
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert_eq!(d.value.instances.len(), 1, "seed {seed}");
            adopted += usize::from(d.adopted);
        }
        for (kind, expected) in [
            ("ssh_keys", vec!["key-0", "key-1", "key-2"]),
            ("scripts", vec!["script-0", "script-1", "script-2"]),
            ("firewalls", vec!["fw"]),
            ("volumes", vec!["vol"]),
            ("instances", vec!["vm-0", "vm-1"]),
        ] {
            let mut seen = BTreeMap::new();
            for name in names(&sim, kind).await {
                *seen.entry(name).or_insert(0) += 1;
            }
            let want: BTreeMap<String, i32> =
                expected.into_iter().map(|n| (n.to_owned(), 1)).collect();
            assert_eq!(seen, want, "seed {seed}: {kind}");
        }
    }
    assert!(adopted > 0, "the faults must have exercised adoption");
}

#[tokio::test]
async fn paginator_sends_ceil_n_over_200_requests() {
    let sim = spawn(quiet()).await;
    let c = client(&sim);
    let mut have = 0;
    for n in [0usize, 1, 200, 201, 450, 801] {
        fill_scripts_from(&c, have, n).await;
        have = n;
        let before = counter(&sim, "GET /scripts").await;
        let listing = c
            .list_all::<barrack_api::wire::Script>(Op::ListScripts, &[], &[])
            .await
            .unwrap();
        let after = counter(&sim, "GET /scripts").await;
        let pages = n.div_ceil(200).max(1) as u64;
        assert_eq!(listing.items.len(), n);
        assert_eq!(after - before, pages, "n = {n}");
        assert_eq!(u64::from(listing.requests), pages);
        let mut names: Vec<_> = listing.items.iter().map(|s| s.name.clone()).collect();
        names.dedup();
        assert_eq!(names.len(), n, "no item twice");
    }
}

async fn fill_scripts_from(c: &Client, from: usize, to: usize) {
    let results: Vec<_> = futures::stream::iter(from..to)
        .map(|i| async move {
            c.create_script(&ScriptRequest {
                name: format!("s-{i:04}"),
                content: "echo".into(),
                description: String::new(),
            })
            .await
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(results.iter().all(Result::is_ok));
}

#[tokio::test]
async fn instance_list_is_one_request_when_small() {
    let sim = spawn(quiet()).await;
    let c = client(&sim);
    let all: Vec<Instance> = c.list_instances().await.unwrap();
    assert!(all.is_empty());
    assert_eq!(counter(&sim, "GET /instances").await, 1);
}

/// Power actions whose connection drops after processing: the client re-reads the
/// instance instead of resending, so no action is applied twice and none fails.
#[tokio::test]
async fn power_actions_reconcile_dropped_connections() {
    use barrack_api::wire::instance_status as st;
    for seed in 0..6u64 {
        let sim = spawn(SimConfig { seed, ..quiet() }).await;
        let c = client(&sim);
        let key = c
            .create_ssh_key(&CreateSshKeyRequest {
                name: "k".into(),
                public_key: Some(PUBKEY.into()),
            })
            .await
            .unwrap()
            .value;
        let vm = c
            .deploy_instance(&DeploymentRequest {
                name: "vm".into(),
                region: REGION.into(),
                gpu_model: "RTX-A6000".into(),
                gpu_count: 1,
                image_name: Some("Ubuntu Server 22.04 LTS R550 CUDA 12.4".into()),
                ssh_key_ids: vec![key.id],
                ..Default::default()
            })
            .await
            .unwrap()
            .value
            .instances[0]
            .id
            .clone();
        c.wait_instance_status(&vm, &[st::ACTIVE], common::WAIT)
            .await
            .unwrap();
        // Now every other request is dropped after the server did the work.
        set_drop_rate(&sim, 0.5).await;
        for _ in 0..2 {
            c.stop_instance(&vm).await.unwrap();
            c.wait_instance_status(&vm, &[st::SHUTOFF], common::WAIT)
                .await
                .unwrap();
            c.start_instance(&vm).await.unwrap();
            c.wait_instance_status(&vm, &[st::ACTIVE], common::WAIT)
                .await
                .unwrap();
        }
        let posts = counter(&sim, "POST /instances/{id}/stop").await
            + counter(&sim, "POST /instances/{id}/start").await;
        // Each action reached the server exactly once: drops were resolved by re-reading.
        assert_eq!(posts, 4, "seed {seed}");
    }
}

async fn set_drop_rate(sim: &barrack_sim::SimHandle, drop: f64) {
    let url = format!("{}/faults", sim.admin_url());
    let response = reqwest::Client::new()
        .put(url)
        .json(&serde_json::json!({"drop_after_processing": drop}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}
