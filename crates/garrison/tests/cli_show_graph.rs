//! `garrison show` and `garrison graph` through the binary: a saved plan shown as `plan`
//! printed it, the state after apply (text and JSON, a sensitive variable never shown), the
//! refusals; the config's dependency graph and a plan's step graph in DOT and Mermaid.

mod support;

use serde_json::Value;
use support::{Env, Run};

/// A distinctive secret: no output of `show` may contain it.
const SECRET: &str = "tok-5e3a9c1b7d20";

const CONFIG: &str = r##"
provider "barrack" {
    region "NORWAY-1"
}

variable "token" type="string" sensitive=#true

ssh-key "k" {
    public-key "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f k@example"
}

volume "data" {
    size-gb 100
}

script "boot" {
    content (ref)"var.token"
}

vm "box" {
    gpu "L40"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
    volumes (ref)"volume.data"
}

output "token" (ref)"var.token" sensitive=#true
output "volume" (ref)"volume.data.name"
"##;

fn var() -> String {
    format!("token={SECRET}")
}

/// Runs `garrison ARGS` without an API key or endpoint: what must not reach the cloud.
async fn offline(env: &Env, args: &[&str]) -> Run {
    let output = env
        .command(args)
        .env_remove("BARRACK_API_KEY")
        .env_remove("BARRACK_ENDPOINT")
        .output()
        .await
        .expect("garrison runs");
    Run::from(output)
}

/// Asserts that neither stream of `run` holds the secret or a seal.
fn check_secret(run: &Run, what: &str) {
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains(SECRET),
            "`{what}` showed the secret on {stream}:\n{text}"
        );
        assert!(
            !text.contains("argon2id"),
            "`{what}` showed a seal on {stream}:\n{text}"
        );
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

/// The lines of `text` that draw an edge (`->` in DOT, `-->` in Mermaid).
fn edges<'a>(text: &'a str, arrow: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(arrow)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_prints_a_saved_plan_as_plan_did() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let var = var();
    let planned = env
        .run(&["plan", "--var", &var, "--out", "p.json"])
        .await
        .expect_code(0);
    assert!(
        planned.stderr.contains("Saved the plan"),
        "{}",
        planned.stderr
    );
    // No cloud, no variables: the file holds everything shown.
    let shown = offline(&env, &["show", "p.json"]).await.expect_code(0);
    assert_eq!(shown.stdout, planned.stdout);
    assert!(
        shown.stdout.contains("Operations: 4 (4 create)"),
        "{}",
        shown.stdout
    );
    assert!(shown.stderr.is_empty(), "{}", shown.stderr);
    check_secret(&shown, "show p.json");

    let shown = offline(&env, &["show", "p.json", "--json"])
        .await
        .expect_code(0);
    check_secret(&shown, "show p.json --json");
    let doc = json(&shown);
    assert_eq!(doc["format_version"], 1);
    let fresh = env
        .run(&["plan", "--var", &var, "--json"])
        .await
        .expect_code(0);
    assert_eq!(doc, json(&fresh), "the saved plan is the plan");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_refuses_what_is_not_a_saved_plan_in_one_line_and_a_hint() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let var = var();
    let plan_json = env
        .run(&["plan", "--var", &var, "--json"])
        .await
        .expect_code(0);
    std::fs::write(env.path().join("plan.json"), &plan_json.stdout).expect("write");
    for (args, cause) in [
        (
            vec!["show", "missing.plan"],
            "error: `missing.plan`: no such file or directory",
        ),
        (
            vec!["show", "main.kdl"],
            "error: `main.kdl` is not a saved plan: it is not JSON",
        ),
        (
            vec!["show", "plan.json"],
            "error: `plan.json` is not a saved plan: it is a JSON plan (`garrison plan --json`)",
        ),
        (
            vec!["show", "plan.json", "."],
            "error: give a saved plan or a config directory, not both",
        ),
    ] {
        let run = offline(&env, &args).await.expect_code(1);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {}", run.stderr);
        assert!(lines[0].starts_with(cause), "{args:?}: {}", run.stderr);
        assert!(lines[1].starts_with("hint: "), "{args:?}: {}", run.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_lists_the_state_with_ids_and_never_the_secret() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let var = var();
    let empty = offline(&env, &["show"]).await.expect_code(0);
    assert_eq!(empty.stdout, "No resources in the state.\n");
    env.run(&["apply", "--var", &var, "--auto-approve"])
        .await
        .expect_code(0);
    let state = env.state();
    let recorded: Vec<(String, String)> = state["resources"]
        .as_object()
        .expect("resources")
        .iter()
        .map(|(address, r)| {
            let id = r["remote_id"].as_str().unwrap_or_default().to_string();
            (address.clone(), id)
        })
        .collect();
    assert_eq!(recorded.len(), 4, "{state}");
    assert!(
        env.state_text().contains("argon2id"),
        "the script's content is sealed"
    );

    // Read only: no key, no variables, no lock taken (none left behind either).
    let text = offline(&env, &["show"]).await.expect_code(0);
    check_secret(&text, "show");
    for (address, id) in &recorded {
        let header = format!("# {address}: ");
        let line = text
            .stdout
            .lines()
            .find(|l| l.starts_with(&header))
            .unwrap_or_else(|| panic!("no {header}:\n{}", text.stdout));
        assert!(line.contains(&format!("(remote id {id})")), "{line}");
    }
    let content = text.stdout.lines().find(|l| l.starts_with("    content "));
    assert!(
        content.is_some_and(|l| l.ends_with(" = (sensitive)")),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("\nOutputs:\n"), "{}", text.stdout);
    assert!(
        text.stdout.contains("  token = (sensitive)\n"),
        "{}",
        text.stdout
    );
    assert!(!env.path().join(".garrison/state.json.lock").exists());

    let shown = offline(&env, &["show", "--json"]).await.expect_code(0);
    check_secret(&shown, "show --json");
    let doc = json(&shown);
    assert_eq!(doc["format_version"], 1);
    let listed: Vec<(String, String)> = doc["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (field("address"), field("remote_id"))
        })
        .collect();
    assert_eq!(listed, recorded);
    assert_eq!(doc["outputs"]["token"]["value"], "(sensitive)");
    assert_eq!(doc["outputs"]["volume"]["value"], "data");

    // DIR positionally, from elsewhere: the same.
    let dir = env.path().to_str().expect("utf-8 path").to_string();
    let mut elsewhere = env.command(&["show", &dir]);
    elsewhere.current_dir(std::env::temp_dir());
    let from_outside = Run::from(elsewhere.output().await.expect("garrison runs"));
    assert_eq!(from_outside.expect_code(0).stdout, text.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_draws_the_config_edges_in_both_formats_without_the_cloud() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let var = var();
    let dot = offline(&env, &["graph", "--var", &var])
        .await
        .expect_code(0);
    assert!(
        dot.stdout.starts_with("digraph garrison {\n"),
        "{}",
        dot.stdout
    );
    assert_eq!(
        edges(&dot.stdout, "->"),
        [
            r#"  "vm.box" -> "ssh-key.k";"#,
            r#"  "vm.box" -> "volume.data";"#
        ]
    );
    assert!(dot
        .stdout
        .contains(r#"  "script.boot" [label="script.boot"];"#));
    let mermaid = offline(&env, &["graph", "--var", &var, "--format", "mermaid"])
        .await
        .expect_code(0);
    assert!(
        mermaid.stdout.starts_with("flowchart BT\n"),
        "{}",
        mermaid.stdout
    );
    assert_eq!(
        edges(&mermaid.stdout, "-->"),
        ["  vm_box --> ssh_key_k", "  vm_box --> volume_data"]
    );
    assert!(mermaid.stdout.contains("  script_boot[\"script.boot\"]\n"));
    // Variables are needed as for `plan`.
    offline(&env, &["graph"]).await.expect_code(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_plan_draws_creates_before_apply_and_nothing_after() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let var = var();
    let dot = env
        .run(&["graph", "--plan", "--var", &var])
        .await
        .expect_code(0);
    assert!(dot.stderr.contains("Plan: 4 to add"), "{}", dot.stderr);
    for address in ["ssh-key.k", "volume.data", "script.boot", "vm.box"] {
        let node = format!(r#"  "create {address}" [label="create {address}", style="filled""#);
        assert!(dot.stdout.contains(&node), "{node}:\n{}", dot.stdout);
    }
    for dependency in ["ssh-key.k", "volume.data"] {
        let edge = format!(r#"  "create vm.box" -> "create {dependency}";"#);
        assert!(dot.stdout.contains(&edge), "{edge}:\n{}", dot.stdout);
    }
    let mermaid = env
        .run(&["graph", "--plan", "--var", &var, "--format", "mermaid"])
        .await
        .expect_code(0);
    assert!(
        mermaid
            .stdout
            .contains("  create_vm_box[\"create vm.box\"]:::create\n"),
        "{}",
        mermaid.stdout
    );
    assert!(mermaid
        .stdout
        .contains("  create_vm_box --> create_ssh_key_k\n"));
    assert!(mermaid.stdout.contains("  classDef create "));
    // Planning took no lock and changed nothing.
    assert!(env.sim_names().await.is_empty());

    env.run(&["apply", "--var", &var, "--auto-approve"])
        .await
        .expect_code(0);
    let dot = env
        .run(&["graph", "--plan", "--var", &var])
        .await
        .expect_code(0);
    assert!(dot.stderr.contains("No changes."), "{}", dot.stderr);
    assert!(!dot.stdout.contains("[label="), "{}", dot.stdout);
    assert!(edges(&dot.stdout, "->").is_empty(), "{}", dot.stdout);
    let mermaid = env
        .run(&["graph", "--plan", "--var", &var, "--format", "mermaid"])
        .await
        .expect_code(0);
    assert_eq!(mermaid.stdout, "flowchart BT\n");
}
