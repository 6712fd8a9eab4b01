//! A plan shows what it changes in the root outputs ("Changes to outputs", `output_changes`
//! in the JSON): values known now, values known after apply, removed outputs; an output-only
//! change counts as a change for `--detailed-exitcode`, and a destroy removes every output.

mod support;

use support::Env;

const CONFIG: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

variable "greeting" default="hello"

volume "data" {
    size-gb 100
}

output "greeting" (ref)"var.greeting"
output "data-id" (ref)"volume.data.id"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_shows_output_changes_and_a_destroy_removes_them() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let first = env.run(&["plan"]).await.expect_code(0);
    assert!(
        first.stdout.contains("Changes to outputs:")
            && first.stdout.contains("+ data-id  = (known after apply)")
            && first.stdout.contains("+ greeting = \"hello\""),
        "{}",
        first.stdout
    );
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    let clean = env
        .run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
    assert!(
        !clean.stdout.contains("Changes to outputs"),
        "{}",
        clean.stdout
    );

    let changed = env
        .run(&["plan", "--detailed-exitcode", "--var", "greeting=hi"])
        .await
        .expect_code(2);
    assert!(
        changed
            .stdout
            .contains("apply records the new output values")
            && changed.stdout.contains("~ greeting = \"hello\" -> \"hi\""),
        "{}",
        changed.stdout
    );
    let json = env
        .run(&["plan", "--json", "--var", "greeting=hi"])
        .await
        .expect_code(0);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).expect("plan JSON");
    assert_eq!(plan["output_changes"][0]["name"], "greeting");
    assert_eq!(plan["output_changes"][0]["after"]["value"], "hi");

    let destroy = env.run(&["plan", "--destroy"]).await.expect_code(0);
    assert!(
        destroy.stdout.contains("- greeting = \"hello\""),
        "{}",
        destroy.stdout
    );
    env.run(&["destroy", "--auto-approve"]).await.expect_code(0);
    assert!(env.state()["outputs"]
        .as_object()
        .is_none_or(|o| o.is_empty()));
}
