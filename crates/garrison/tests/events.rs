//! `apply --json`: the run as NDJSON on stdout (docs/events.md): every line parses, the
//! planned changes come first, every operation starts then finishes, the summary is last
//! and carries the outputs (a sensitive one redacted); the text goes to stderr.

mod support;

use serde_json::Value;
use support::Env;

const CONFIG: &str = r##"
provider "barrack" {
    region "NORWAY-1"
}
variable "token" type="string" sensitive=#true default="tok-5e3f9a"
script "boot" {
    content "#!/bin/sh\necho ${var.token}\n"
}
volume "data" {
    size-gb 100
}
output "volume" (ref)"volume.data.name"
output "secret" (ref)"var.token" sensitive=#true
"##;

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or("?"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_json_streams_one_event_per_line() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let refused = env.run(&["apply", "--json"]).await.expect_code(1);
    assert!(
        refused.stderr.contains("--auto-approve"),
        "{}",
        refused.stderr
    );

    let run = env
        .run(&["apply", "--json", "--auto-approve"])
        .await
        .expect_code(0);
    let events = lines(&run.stdout);
    let kinds = types(&events);
    assert_eq!(
        kinds.iter().filter(|t| **t == "planned_change").count(),
        2,
        "{kinds:?}"
    );
    assert_eq!(kinds.last(), Some(&"summary"), "{kinds:?}");
    let started = kinds.iter().filter(|t| **t == "operation_started").count();
    let finished = kinds.iter().filter(|t| **t == "operation_finished").count();
    assert!(started >= 2 && started == finished, "{kinds:?}");
    let first_op = kinds
        .iter()
        .position(|t| t.starts_with("operation_"))
        .unwrap_or(0);
    assert!(
        kinds[..first_op].iter().all(|t| *t == "planned_change"),
        "{kinds:?}"
    );
    assert!(
        events.iter().all(|e| e["format_version"] == 1),
        "{}",
        run.stdout
    );
    let summary = events.last().expect("a summary");
    assert_eq!(summary["success"], true);
    assert_eq!(summary["outputs"]["volume"], "data");
    assert_eq!(summary["outputs"]["secret"], "(sensitive)");
    assert!(
        !run.stdout.contains("tok-5e3f9a"),
        "a sensitive value leaked"
    );
    assert!(
        run.stderr.contains("Plan:"),
        "the text goes to stderr: {}",
        run.stderr
    );
}
