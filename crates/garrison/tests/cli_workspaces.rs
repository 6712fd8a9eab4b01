//! Workspaces through the binary, against the emulator: two workspaces of one config apply
//! side by side (the emulator holds both copies, under distinct names), destroying one
//! leaves the other intact, `delete` of a workspace still managing objects is refused, and
//! names that would collide between workspaces are refused at plan time with a hint to use
//! `${garrison.workspace}`. The same on local files and on PostgreSQL.

mod support;

use support::{Env, Run};

/// Two volumes per workspace, named after it.
const CONFIG: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

volume "data" count=2 {
    name "data-${garrison.workspace}-${count.index}"
    size-gb 100
}

output "workspace" (ref)"garrison.workspace"
"#;

/// The same volumes, with names every workspace shares.
const SHARED_NAMES: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

volume "data" count=2 {
    name "data-${count.index}"
    size-gb 100
}
"#;

/// Runs `garrison` in `env` with `vars` set (and no inherited `GARRISON_WORKSPACE`).
async fn run(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    cmd.env_remove("GARRISON_WORKSPACE");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    Run::from(cmd.output().await.expect("garrison runs"))
}

/// The names of the volumes in the emulator, sorted.
async fn volumes(env: &Env) -> Vec<String> {
    env.sim_names()
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "volumes")
        .map(|(_, name)| name)
        .collect()
}

/// A refusal: exit 1, an `error:` line containing `cause`, a `hint:` containing `hint`.
fn refused(run: Run, cause: &str, hint: &str) {
    let run = run.expect_code(1);
    assert!(run.stderr.contains("error: "), "{}", run.stderr);
    assert!(run.stderr.contains(cause), "{}", run.stderr);
    let hints: String = run
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("hint: "))
        .collect();
    assert!(
        hints.contains(hint),
        "no hint with {hint:?}:\n{}",
        run.stderr
    );
}

/// The whole life of two workspaces of `CONFIG` plus `state_node`, with `vars` set.
async fn side_by_side(state_node: &str, vars: &[(&str, &str)]) {
    let env = Env::new(0.002).await;
    env.write(&format!("{CONFIG}{state_node}"));
    let run = |args: &'static [&'static str]| self::run(&env, vars, args);

    run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(volumes(&env).await, ["data-default-0", "data-default-1"]);

    let created = run(&["workspace", "new", "staging"]).await.expect_code(0);
    assert!(
        created
            .stderr
            .contains("Created and selected workspace `staging`"),
        "{}",
        created.stderr
    );
    let shown = run(&["workspace", "show"]).await.expect_code(0);
    assert_eq!(shown.stdout.trim(), "staging");
    refused(
        run(&["workspace", "new", "staging"]).await,
        "workspace `staging` already exists",
        "workspace select staging",
    );

    run(&["apply", "--auto-approve"]).await.expect_code(0);
    assert_eq!(
        volumes(&env).await,
        [
            "data-default-0",
            "data-default-1",
            "data-staging-0",
            "data-staging-1"
        ]
    );
    let out = run(&["output", "workspace"]).await.expect_code(0);
    assert_eq!(out.stdout.trim(), "staging");

    let listed = run(&["workspace", "list"]).await.expect_code(0);
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", listed.stdout);
    assert!(lines[0].starts_with("  default"), "{}", listed.stdout);
    assert!(lines[1].starts_with("* staging"), "{}", listed.stdout);
    for line in &lines[..2] {
        assert!(line.contains("2 resources  $"), "{}", listed.stdout);
        assert!(line.ends_with("/h"), "{}", listed.stdout);
    }
    assert!(
        lines[2].trim_start().starts_with("total"),
        "{}",
        listed.stdout
    );
    assert!(lines[2].contains(" 4 resources  $"), "{}", listed.stdout);

    refused(
        run(&["workspace", "delete", "staging"]).await,
        "workspace `staging` still manages 2 objects",
        "garrison destroy --workspace staging",
    );

    // `--workspace` overrides the selection (here the same workspace, named explicitly).
    run(&["destroy", "--workspace", "staging", "--auto-approve"])
        .await
        .expect_code(0);
    assert_eq!(volumes(&env).await, ["data-default-0", "data-default-1"]);
    // `default` is intact: its plan has nothing to do.
    run(&["plan", "--workspace", "default", "--detailed-exitcode"])
        .await
        .expect_code(0);

    let deleted = run(&["workspace", "delete", "staging"])
        .await
        .expect_code(0);
    assert!(
        deleted.stderr.contains("Selected workspace `default`."),
        "{}",
        deleted.stderr
    );
    assert_eq!(
        run(&["workspace", "show"])
            .await
            .expect_code(0)
            .stdout
            .trim(),
        "default"
    );
    refused(
        run(&["workspace", "select", "staging"]).await,
        "workspace `staging` does not exist",
        "garrison workspace new staging",
    );
    refused(
        run(&["plan", "--workspace", "staging"]).await,
        "workspace `staging` does not exist",
        "garrison workspace new staging",
    );
    let listed = run(&["workspace", "list"]).await.expect_code(0);
    assert_eq!(listed.stdout.lines().count(), 1, "{}", listed.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workspaces_side_by_side_in_local_files() {
    side_by_side("", &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workspaces_side_by_side_in_postgres() {
    let url = garrison_testkit::pg::url();
    let key = format!("e2e-ws-{}", garrison_state::LockId::new_v4());
    let node = format!("state \"postgres\" url-env=\"GARRISON_TEST_PG_URL\" workspace=\"{key}\"\n");
    side_by_side(&node, &[("GARRISON_TEST_PG_URL", &url)]).await;
}

/// Names without the workspace collide: the second workspace's plan is refused, with a
/// hint to use `${garrison.workspace}`; nothing is created.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colliding_names_are_refused_at_plan_time() {
    let env = Env::new(0.002).await;
    env.write(SHARED_NAMES);
    run(&env, &[], &["apply", "--auto-approve"])
        .await
        .expect_code(0);
    run(&env, &[], &["workspace", "new", "pr-7"])
        .await
        .expect_code(0);
    let plan = run(&env, &[], &["plan"]).await;
    refused(
        plan,
        "a volume named `data-0` already exists in the account",
        "include `${garrison.workspace}` in `name`",
    );
    assert_eq!(volumes(&env).await, ["data-0", "data-1"]);
}

/// Names are validated where they enter; a bad one is a usage error naming the rule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_names_are_validated() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    for bad in ["a/b", "../x", "_x", "a b"] {
        let run = run(&env, &[], &["workspace", "new", bad]).await;
        assert_ne!(run.code, 0, "{bad:?} accepted");
        assert!(
            run.stderr.contains("is not a workspace name"),
            "{bad:?}: {}",
            run.stderr
        );
    }
    let run = run(&env, &[("GARRISON_WORKSPACE", "no/slash")], &["plan"]).await;
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("is not a workspace name"),
        "{}",
        run.stderr
    );
    assert!(!env.path().join(".garrison/workspaces").exists());
}
