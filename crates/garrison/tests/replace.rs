//! Create-before-destroy through the binary: the replacement comes first, and an old object
//! whose delete fails stays in the state (deposed) until a later apply destroys it.

mod support;

use serde_json::json;
use support::Env;

fn config(name: &str, gpu: &str) -> String {
    format!(
        r#"
provider "barrack" {{
    region "CANADA-1"
}}

timeouts {{
    vm delete="2s"
}}

ssh-key "k" {{
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k"
}}

vm "box" {{
    name "{name}"
    gpu "{gpu}"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
    lifecycle create-before-destroy=#true
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_before_destroy_never_loses_the_old_object() {
    let env = Env::new(0.002).await;
    env.write(&config("box-v1", "L40"));
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let old_id = env.sim_state().await["instances"][0]["id"].to_string();

    // Same name: refused at plan time (names are unique per account).
    env.write(&config("box-v1", "A40"));
    let run = env.run(&["plan"]).await.expect_code(1);
    assert!(
        run.stderr.contains("create-before-destroy"),
        "{}",
        run.stderr
    );

    // A new name: the new VM first, then the old one goes. Make the old one's delete fail
    // (stuck in a transitional status past the 2 s delete timeout).
    env.write(&config("box-v2", "A40"));
    let plan = env.run(&["plan"]).await.expect_code(0).stdout;
    assert!(plan.contains("replaced (new one created first)"), "{plan}");
    env.drift("instances", &old_id, json!({"status": "REBOOTING"}))
        .await;
    let run = env.run(&["apply", "--auto-approve"]).await.expect_code(1);
    assert!(run.stderr.contains("vm.box"), "{}", run.stderr);

    // Both exist; the state knows both: the new one at the address, the old one deposed.
    let names = env.sim_names().await;
    assert_eq!(
        names.iter().filter(|(k, _)| k == "instances").count(),
        2,
        "{names:?}"
    );
    let state = env.state();
    let deposed = format!("vm.box (deposed {old_id})");
    assert!(state["resources"].get(&deposed).is_some(), "{state:#}");
    assert_eq!(state["resources"]["vm.box"]["name"], "box-v2");

    // The next plan destroys the deposed object; once it can be deleted, all is clean.
    let plan = env.run(&["plan"]).await.expect_code(0).stdout;
    assert!(
        plan.contains(&format!("{deposed} will be destroyed")),
        "{plan}"
    );
    env.drift("instances", &old_id, json!({"status": "ACTIVE"}))
        .await;
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
    let instances = env.sim_state().await["instances"].clone();
    assert_eq!(instances.as_array().map(Vec::len), Some(1), "{instances}");
    assert_eq!(instances[0]["name"], "box-v2");
}
