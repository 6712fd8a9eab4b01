//! `garrison show --format terraform-json PLANFILE` read by a real consumer of Terraform
//! plan JSON: tfsumpy (PyPI, installed by `.ci/test`) summarises a Garrison plan exactly
//! as it would a Terraform plan: the same counts, resources and attribute changes.

mod support;

use serde_json::Value;
use support::Env;

const BEFORE: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}
volume "data" {
    size-gb 100
}
volume "old" {
    size-gb 100
}
"#;

const AFTER: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}
volume "data" {
    size-gb 200
}
volume "new" {
    size-gb 100
}
"#;

/// tfsumpy's JSON summary of a Terraform plan JSON file.
fn tfsumpy(file: &std::path::Path) -> Value {
    let out = std::process::Command::new("python3")
        .args(["-m", "tfsumpy"])
        .arg(file)
        .args(["--output", "json"])
        .output()
        .expect("tfsumpy runs (`.ci/test` installs it: pip install tfsumpy)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("tfsumpy's JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terraform_plan_tool_reads_a_garrison_plan() {
    let env = Env::new(0.002).await;
    env.write(BEFORE);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    env.write(AFTER);
    env.run(&["plan", "--out", "p.json"]).await.expect_code(0);
    let shown = env
        .run(&["show", "--format", "terraform-json", "p.json"])
        .await
        .expect_code(0);
    let doc: Value = serde_json::from_str(&shown.stdout).expect("JSON");
    assert_eq!(doc["format_version"], "1.2");
    let file = env.path().join("tf.json");
    std::fs::write(&file, &shown.stdout).expect("write");

    let summary = tfsumpy(&file);
    assert_eq!(summary["summary"]["resources_to_add"], 1, "{summary}");
    assert_eq!(summary["summary"]["resources_to_change"], 1, "{summary}");
    assert_eq!(summary["summary"]["resources_to_destroy"], 1, "{summary}");
    let resources = summary["resources"].as_array().expect("resources");
    let find = |id: &str| resources.iter().find(|r| r["identifier"] == id).cloned();
    let data = find("barrack_volume.data").expect("the update");
    assert_eq!(data["action"], "update");
    assert!(
        data["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["attribute"] == "size_gb" && c["before"] == 100 && c["after"] == 200),
        "{data}"
    );
    assert_eq!(
        find("barrack_volume.new").expect("the create")["action"],
        "create"
    );
    assert_eq!(
        find("barrack_volume.old").expect("the delete")["action"],
        "delete"
    );

    // The state is not a plan.
    env.run(&["show", "--format", "terraform-json"])
        .await
        .expect_code(1);
}
