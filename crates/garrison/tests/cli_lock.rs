//! `garrison.lock` through the binary, against the emulator: `garrison lock` pins what the
//! config resolves to; a pinned OS image the emulator renames is reported by `plan` (text
//! and JSON) naming the pin, the pinned id and what the cloud calls it now; `lock` then
//! refuses to pin what the cloud no longer lists, an image name that moved to another id
//! needs `lock --update` (and `apply` warns of it and goes on); without a lock file,
//! `plan` says nothing of pins.

mod support;

use serde_json::{json, Value};
use support::Env;

const UBUNTU: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4";
const DOCKER: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4 with Docker";
const RENAMED: &str = "Ubuntu Server 22.04 LTS R550 CUDA 12.4 (2024-05)";

/// A VM booting from `image`, and a volume.
fn config(image: &str) -> String {
    format!(
        r#"
provider "barrack" {{
    region "NORWAY-1"
}}

ssh-key "me" {{
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k"
}}

vm "box" {{
    gpu "A40" count=1
    image "{image}"
    ssh-keys (ref)"ssh-key.me"
}}

volume "data" {{
    size-gb 100
}}
"#
    )
}

/// Patches a stock OS image in the emulator (`PATCH /_sim/os-images/{id}`).
async fn patch_os_image(env: &Env, id: &str, patch: Value) {
    let status = reqwest::Client::new()
        .patch(format!("{}/os-images/{id}", env.sim.admin_url()))
        .json(&patch)
        .send()
        .await
        .expect("admin reachable")
        .status();
    assert!(status.is_success(), "PATCH answered {status}");
}

fn lock_file(env: &Env) -> Value {
    let text = std::fs::read_to_string(env.path().join("garrison.lock")).expect("lock file");
    serde_json::from_str(&text).expect("lock JSON")
}

/// The plan's hints that speak of `garrison.lock`.
fn pin_hints(plan_json: &str) -> Vec<String> {
    let plan: Value = serde_json::from_str(plan_json).expect("plan JSON");
    plan["hints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|h| h.starts_with("garrison.lock: "))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_pinned_image_the_cloud_renames_is_reported_by_plan() {
    let env = Env::new(0.002).await;
    env.write(&config(UBUNTU));

    // No lock file: nothing about pins, and plan writes none.
    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(!plan.stdout.contains("garrison.lock"), "{}", plan.stdout);
    assert!(!env.path().join("garrison.lock").exists());

    let lock = env.run(&["lock"]).await.expect_code(0);
    assert!(lock.stderr.contains("Wrote `"), "{}", lock.stderr);
    assert!(
        lock.stderr.contains("garrison.lock`: 4 pins."),
        "{}",
        lock.stderr
    );
    let pinned = lock_file(&env);
    assert_eq!(pinned["format_version"], 1);
    assert_eq!(pinned["state_format"], 2);
    assert_eq!(
        pinned["os_images"],
        json!([{"region": "NORWAY-1", "name": UBUNTU, "id": "101", "size_gb": 100}])
    );
    assert_eq!(pinned["gpu_models"][0]["model"], "A40");
    assert_eq!(pinned["gpu_models"][0]["price_per_hour"], 0.69);
    assert_eq!(pinned["volume_types"][0]["name"], "Cloud-SSD");
    let again = env.run(&["lock"]).await.expect_code(0);
    assert!(
        again.stderr.contains("is up to date (4 pins)."),
        "{}",
        again.stderr
    );
    let plan = env.run(&["plan", "--json"]).await.expect_code(0);
    assert_eq!(pin_hints(&plan.stdout), Vec::<String>::new());

    // The cloud renames the pinned image.
    patch_os_image(&env, "101", json!({"name": RENAMED})).await;
    let moved = format!(
        "garrison.lock: OS image `{UBUNTU}` in NORWAY-1 is no longer listed by the cloud \
         (pinned id 101, now named `{RENAMED}`); change the config to what the cloud lists, \
         then `garrison lock --update`"
    );
    let plan = env.run(&["plan"]).await.expect_code(0);
    assert!(
        plan.stdout.contains(&format!("warning: {moved}")),
        "{}",
        plan.stdout
    );
    let plan = env.run(&["plan", "--json"]).await.expect_code(0);
    assert_eq!(pin_hints(&plan.stdout), vec![moved]);
    let plan = env.run(&["plan", "--markdown"]).await.expect_code(0);
    assert!(
        plan.stdout.contains("> ⚠️ garrison.lock: OS image"),
        "{}",
        plan.stdout
    );

    // `lock` cannot pin a name the cloud does not list, even with `--update`.
    let before = lock_file(&env);
    let refused = env.run(&["lock", "--update"]).await.expect_code(1);
    assert!(
        refused.stderr.contains(&format!(
            "the cloud does not list OS image `{UBUNTU}` in NORWAY-1"
        )),
        "{}",
        refused.stderr
    );
    assert_eq!(lock_file(&env), before, "nothing written");

    // Moving the config to an image the cloud lists is a deliberate change: `lock` pins it
    // and drops the old pin. (The config validator knows only the compiled catalog's names,
    // so a config cannot follow the rename itself until that catalog does.)
    env.write(&config(DOCKER));
    let relocked = env.run(&["lock"]).await.expect_code(0);
    assert!(
        relocked
            .stderr
            .contains(&format!("added: OS image `{DOCKER}` in NORWAY-1")),
        "{}",
        relocked.stderr
    );
    assert!(
        relocked
            .stderr
            .contains(&format!("dropped: OS image `{UBUNTU}` in NORWAY-1")),
        "{}",
        relocked.stderr
    );
    assert_eq!(lock_file(&env)["os_images"][0]["id"], "102");
    let plan = env.run(&["plan", "--json"]).await.expect_code(0);
    assert_eq!(pin_hints(&plan.stdout), Vec::<String>::new());
}

#[tokio::test]
async fn a_name_that_moves_to_another_image_needs_lock_update() {
    let env = Env::new(0.002).await;
    env.write(&config(UBUNTU));
    env.run(&["lock"]).await.expect_code(0);

    // The provider republishes: the old build renamed, a new build (id 102) takes the name.
    patch_os_image(&env, "101", json!({"name": RENAMED})).await;
    patch_os_image(&env, "102", json!({"name": UBUNTU})).await;
    let moved = format!(
        "garrison.lock: OS image `{UBUNTU}` in NORWAY-1 moved: id pinned 101, now 102; \
         review, then `garrison lock --update`"
    );
    let plan = env.run(&["plan", "--json"]).await.expect_code(0);
    assert_eq!(pin_hints(&plan.stdout), vec![moved.clone()]);

    // `apply` shows the same warning in its plan and goes on (a deliberate apply).
    let applied = env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert!(
        applied.stdout.contains(&format!("warning: {moved}")),
        "{}",
        applied.stdout
    );

    let refused = env.run(&["lock"]).await.expect_code(1);
    assert!(
        refused.stderr.contains(&format!("warning: {moved}")),
        "{}",
        refused.stderr
    );
    assert!(refused
        .stderr
        .contains("error: `garrison.lock` not written: 1 pin moved"));
    assert_eq!(lock_file(&env)["os_images"][0]["id"], "101");

    let updated = env.run(&["lock", "--update"]).await.expect_code(0);
    assert!(
        updated.stderr.contains(&format!(
            "updated: OS image `{UBUNTU}` in NORWAY-1: id 101 -> 102"
        )),
        "{}",
        updated.stderr
    );
    assert_eq!(lock_file(&env)["os_images"][0]["id"], "102");
    let plan = env.run(&["plan", "--json"]).await.expect_code(0);
    assert_eq!(pin_hints(&plan.stdout), Vec::<String>::new());
}
