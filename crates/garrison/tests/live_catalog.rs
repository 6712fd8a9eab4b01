//! F2 (a live catalog) end to end: a GPU model only the emulator's catalog knows (`B200`) is
//! planned with its price, applied, cached in `.garrison/catalog.json`; offline `validate`
//! then checks against that cache (and says its age), while a directory without a cache
//! warns with the built-in catalog; a model the API does not list fails the plan.

mod support;

use std::path::Path;

use barrack_sim::{Catalog, GpuModel, SimConfig};
use support::{Env, Run, API_KEY};

const CONFIG: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

ssh-key "ops" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg ops"
}

vm "trainer" {
    gpu "B200" count=8
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.ops"
}
"#;

/// An emulator whose catalog adds `B200` at 5.99 USD per GPU-hour.
async fn env_with_b200() -> Env {
    let mut catalog = Catalog::builtin();
    catalog.gpu_models.push(GpuModel {
        name: "B200".to_owned(),
        price_per_hour: 5.99,
        counts: vec![8],
    });
    let sim = garrison_testkit::sim::start(SimConfig {
        api_key: API_KEY.to_owned(),
        catalog,
        ..garrison_testkit::sim::quiet(0.002)
    })
    .await;
    Env {
        sim,
        dir: garrison_testkit::dir::temp_dir(),
    }
}

/// `garrison import --all` into an empty directory: the run and the file it wrote.
async fn import_all(env: &Env) -> (Run, String) {
    let empty = garrison_testkit::dir::temp_dir();
    let mut cmd = env.command(&["import", "--all", "--out", "imported.kdl"]);
    cmd.current_dir(empty.path());
    let imported = Run::from(cmd.output().await.expect("runs")).expect_code(0);
    let text = std::fs::read_to_string(empty.path().join("imported.kdl")).expect("written");
    (imported, text)
}

/// `garrison validate` in `dir` (no API needed).
async fn validate(env: &Env, dir: &Path) -> Run {
    let mut cmd = env.command(&["validate"]);
    cmd.current_dir(dir);
    Run::from(cmd.output().await.expect("garrison runs"))
}

/// F2: `gpu "B200"` was rejected because the catalog was compiled in; now the API's
/// catalog decides, and a model only the emulator offers is planned, priced and applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_only_the_emulators_catalog_knows_is_planned_applied_and_cached() {
    let env = env_with_b200().await;
    env.write(CONFIG);

    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(plan.stdout.contains("B200"), "{}", plan.stdout);
    // 8 x 5.99 USD per hour, from the API's price (the built-in catalog has no B200).
    assert!(plan.stdout.contains("47.92"), "{}", plan.stdout);
    assert!(
        !plan.stderr.contains("unknown_catalog_value"),
        "{}",
        plan.stderr
    );

    let cache = env.path().join(".garrison/catalog.json");
    let cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).expect("cache written"))
            .expect("cache is JSON");
    assert!(cached["fetched_at"].is_string(), "{cached}");
    assert!(cached["catalog"]["gpu_models"]
        .as_array()
        .expect("models")
        .iter()
        .any(|m| m["name"] == "B200" && m["price_per_hour"] == 5.99));

    let applied = env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert!(
        applied.stderr.contains("Apply complete"),
        "{}",
        applied.stderr
    );
    let vms = env.sim_state().await["instances"].clone();
    assert!(
        vms.as_array()
            .into_iter()
            .flatten()
            .any(|vm| vm["gpu_model"] == "B200" && vm["gpu_count"] == 8),
        "{vms:#}"
    );

    // Offline, against the cache: no warning, and its age said.
    let offline = validate(&env, env.path()).await.expect_code(0);
    assert!(!offline.stderr.contains("warning"), "{}", offline.stderr);
    assert!(
        offline
            .stderr
            .contains("note: checked against the catalog cached")
            && offline.stderr.contains("ago in `"),
        "{}",
        offline.stderr
    );

    // A directory without a cache: the built-in catalog, a warning with a did-you-mean.
    let fresh = garrison_testkit::dir::temp_dir();
    garrison_testkit::dir::write_main(fresh.path(), CONFIG);
    let warned = validate(&env, fresh.path()).await.expect_code(0);
    assert!(
        warned
            .stderr
            .contains("garrison::config::unknown_catalog_value")
            && warned
                .stderr
                .contains("unknown GPU model `B200`: not in the built-in catalog")
            && warned.stderr.contains("expected one of: `H100-SXM5-80GB`"),
        "{}",
        warned.stderr
    );
    assert!(!fresh.path().join(".garrison/catalog.json").exists());

    // `import --all` writes the model the API runs, whatever Garrison knows of it.
    let (imported, text) = import_all(&env).await;
    assert!(
        text.contains(r#"gpu "B200" count=8"#),
        "{}\n{text}",
        imported.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_says_how_old_the_cached_catalog_is() {
    let env = env_with_b200().await;
    env.write(CONFIG);
    env.run(&["plan"]).await.expect_code(0);
    let cache = env.path().join(".garrison/catalog.json");
    let mut cached: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).expect("cache")).expect("JSON");
    let fetched = chrono::Utc::now() - chrono::Duration::hours(3);
    cached["fetched_at"] = serde_json::json!(fetched.to_rfc3339());
    std::fs::write(&cache, cached.to_string()).expect("write cache");
    let run = validate(&env, env.path()).await.expect_code(0);
    assert!(
        run.stderr
            .contains("checked against the catalog cached 3h ago"),
        "{}",
        run.stderr
    );
    let mut cmd = env.command(&["validate", "--json"]);
    cmd.current_dir(env.path());
    let json = Run::from(cmd.output().await.expect("runs")).expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let catalog = &doc["catalog"];
    assert_eq!(catalog["source"], "cached", "{doc}");
    let age = catalog["age_secs"].as_u64().expect("age");
    assert!((3 * 3600..3 * 3600 + 60).contains(&age), "{doc}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_the_api_does_not_list_fails_the_plan() {
    let env = env_with_b200().await;
    env.write(&CONFIG.replace("B200", "B300"));
    // Offline it is a warning (the cloud may sell it) ...
    let offline = validate(&env, env.path()).await.expect_code(0);
    assert!(
        offline.stderr.contains("unknown_catalog_value"),
        "{}",
        offline.stderr
    );
    // ... at plan time the API's catalog decides: an error, nothing created.
    let plan = env.run(&["plan"]).await.expect_code(1);
    assert!(
        plan.stderr
            .contains("unknown GPU model `B300`: not in the catalog the API lists")
            && plan.stderr.contains("did you mean `B200`?"),
        "{}",
        plan.stderr
    );
    env.run(&["apply", "--auto-approve"]).await.expect_code(1);
    assert!(env.sim_names().await.is_empty());
}

/// `garrison sim --catalog FILE` refuses a file that is not a catalog, naming it and the
/// reason, before it listens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garrison_sim_refuses_a_bad_catalog_file() {
    let env = env_with_b200().await;
    std::fs::write(
        env.path().join("catalog.json"),
        r#"{"gpu_models": [{"name": "B200", "price_per_hour": -1}]}"#,
    )
    .expect("write");
    let run = env
        .run(&["sim", "--addr", "127.0.0.1:0", "--catalog", "catalog.json"])
        .await
        .expect_code(1);
    assert!(
        run.stderr.contains("catalog.json") && run.stderr.contains("price_per_hour -1"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("listening"), "{}", run.stderr);
}

/// A data source reads the live catalog at plan time: the price of a model only the
/// emulator's catalog knows reaches an output, with no resource at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pricing_data_source_reads_the_live_catalog() {
    let env = env_with_b200().await;
    env.write(
        r#"
provider "barrack" {
    region "NORWAY-1"
}

data "pricing" "now" {}

output "b200-node-per-hour" {
    value (expr)"data.pricing.now.gpus[\"B200\"] * 8"
}
"#,
    );
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let out = env
        .run(&["output", "b200-node-per-hour"])
        .await
        .expect_code(0);
    assert!(out.stdout.contains("47.92"), "{}", out.stdout);
}

/// `import --all` checks what it writes against the API's catalog, not the built-in one: a
/// volume in a region and of a type only the emulator's catalog lists is written back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_all_writes_regions_and_volume_types_only_the_api_lists() {
    let mut catalog = Catalog::builtin();
    catalog.regions.push("MARS-1".to_owned());
    catalog.volume_types.push("NVMe-Ultra".to_owned());
    let sim = garrison_testkit::sim::start(SimConfig {
        api_key: API_KEY.to_owned(),
        catalog,
        ..garrison_testkit::sim::quiet(0.002)
    })
    .await;
    let env = Env {
        sim,
        dir: garrison_testkit::dir::temp_dir(),
    };
    env.write(
        r#"
provider "barrack" {
    region "MARS-1"
}

volume "scratch" {
    size-gb 50
    type "NVMe-Ultra"
}
"#,
    );
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);

    let (imported, text) = import_all(&env).await;
    assert!(
        text.contains(r#"region "MARS-1""#) && text.contains(r#"type "NVMe-Ultra""#),
        "{}\n{text}",
        imported.stderr
    );
}
