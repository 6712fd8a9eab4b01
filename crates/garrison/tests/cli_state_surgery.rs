//! `garrison state rm`, `mv`, `pull` and `push` through the binary, against the emulator:
//! they change what the state records and make no API call; refusals exit 1 with a hint and
//! leave the state file as it was.

mod support;

use serde_json::Value;
use support::{Env, Run};

const CONFIG: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

volume "data" count=2 {
    size-gb 100
}

script "s" {
    content "echo hi"
}
"#;

/// An emulator with `CONFIG` applied.
async fn applied() -> Env {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    env.run(&["apply", "--auto-approve"]).await.expect_code(0);
    env
}

/// `(kind, id, name)` of every object in the emulator, sorted.
async fn objects(env: &Env) -> Vec<(String, String, String)> {
    let state = env.sim_state().await;
    let mut all = Vec::new();
    for kind in ["volumes", "scripts", "instances"] {
        for o in state[kind].as_array().into_iter().flatten() {
            let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
            all.push((kind.to_string(), text(&o["id"]), text(&o["name"])));
        }
    }
    all.sort();
    all
}

/// Requests the emulator has answered so far.
async fn requests(env: &Env) -> u64 {
    let counters = env.counters().await;
    counters["total"].as_u64().expect("a total")
}

/// Runs a command that must be refused: exit 1, one `error:` line naming `cause`, a
/// `hint:`, and the state file unchanged.
async fn refused(env: &Env, args: &[&str], cause: &str) -> Run {
    let before = env.state_text();
    let run = env.run(args).await.expect_code(1);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(run.stderr.contains(cause), "{args:?}: {}", run.stderr);
    assert!(run.stderr.contains("\nhint: "), "{args:?}: {}", run.stderr);
    assert_eq!(env.state_text(), before, "{args:?} changed the state");
    run
}

fn serial(env: &Env) -> u64 {
    env.state()["serial"].as_u64().expect("a serial")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mv_renames_without_a_cloud_call_and_plan_shows_the_move() {
    let env = applied().await;
    let cloud = objects(&env).await;
    assert_eq!(cloud.len(), 3, "{cloud:?}");
    let calls = requests(&env).await;
    assert!(calls > 0, "the emulator counts no request");
    let ids = |env: &Env, address: &str| env.state()["resources"][address]["remote_id"].clone();
    let id0 = ids(&env, "volume.data[0]");

    let mv = env
        .run(&["state", "mv", "volume.data", "volume.store"])
        .await
        .expect_code(0);
    assert!(
        mv.stderr
            .contains("Moved `volume.data[0]` to `volume.store[0]` (id ")
            && mv
                .stderr
                .contains("Moved `volume.data[1]` to `volume.store[1]` (id "),
        "{}",
        mv.stderr
    );
    assert!(
        mv.stderr.contains("backup: ")
            && mv.stderr.contains(".garrison/state.json.backup (serial 1, the state before this change; the state is now serial 2)"),
        "{}",
        mv.stderr
    );
    assert_eq!(requests(&env).await, calls, "state mv called the API");
    assert_eq!(ids(&env, "volume.store[0]"), id0);
    let list = env.run(&["state", "list"]).await.expect_code(0).stdout;
    assert!(
        list.contains("volume.store[0]") && !list.contains("volume.data"),
        "{list}"
    );

    // The config still says `volume.data`: the plan moves the entries back, no cloud call.
    let plan = env.run(&["plan"]).await.expect_code(0).stdout;
    assert!(
        plan.contains("Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 2 to move."),
        "{plan}"
    );
    assert!(
        plan.contains("volume.store[0] has moved to volume.data[0]"),
        "{plan}"
    );
    assert_eq!(objects(&env).await, cloud, "the cloud changed");

    // An occupied address, a kind change and a malformed address are refused.
    refused(
        &env,
        &["state", "mv", "volume.store[0]", "volume.store[1]"],
        "`volume.store[1]` is already in the state (id ",
    )
    .await;
    refused(
        &env,
        &["state", "mv", "script.s", "volume.s"],
        "a script cannot become a volume",
    )
    .await;
    refused(
        &env,
        &["state", "mv", "volume..x", "volume.y"],
        "`volume..x` is not a state address",
    )
    .await;
    refused(
        &env,
        &["state", "mv", "volume.gone", "volume.y"],
        "`volume.gone` is not in the state",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rm_keeps_the_object_in_the_cloud_and_refuses_unknown_addresses() {
    let env = applied().await;
    let cloud = objects(&env).await;
    let script_id = env.state()["resources"]["script.s"]["remote_id"].clone();
    let calls = requests(&env).await;

    refused(
        &env,
        &["state", "rm", "script.s", "volume.nope"],
        "`volume.nope` is not in the state",
    )
    .await;

    // While apply's lock is held, the same lock error as apply's.
    let backend = garrison_state::LocalBackend::in_config_dir(env.path());
    let guard =
        garrison_state::Backend::lock(&backend, garrison_state::LockInfo::new("garrison apply"))
            .expect("lock");
    let locked = refused(
        &env,
        &["state", "rm", "script.s"],
        "is locked by `garrison apply`",
    )
    .await;
    assert!(
        locked.stderr.contains("[garrison::state::locked]"),
        "{}",
        locked.stderr
    );
    guard.release().expect("release");

    let before = env.state_text();
    let rm = env
        .run(&["state", "rm", "script.s", "volume.data[1]"])
        .await
        .expect_code(0);
    assert!(
        rm.stderr.contains(&format!(
            "Removed `script.s` (id {}, name `s`): the object is kept in the cloud; Garrison no longer manages it.",
            script_id.as_str().expect("an id")
        )),
        "{}",
        rm.stderr
    );
    assert!(
        rm.stderr.contains("Removed `volume.data[1]` (id "),
        "{}",
        rm.stderr
    );
    assert!(
        rm.stderr.contains(".garrison/state.json.backup (serial 1,"),
        "{}",
        rm.stderr
    );
    let backup =
        std::fs::read_to_string(env.path().join(".garrison/state.json.backup")).expect("backup");
    assert_eq!(backup, before, "the backup is not the state before rm");
    assert_eq!(requests(&env).await, calls, "state rm called the API");
    assert_eq!(objects(&env).await, cloud, "the cloud changed");
    let list = env.run(&["state", "list"]).await.expect_code(0).stdout;
    assert_eq!(list.lines().collect::<Vec<_>>().len(), 1, "{list}");
    assert!(list.starts_with("volume.data[0]\t"), "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_then_push_round_trips_and_another_lineage_needs_force() {
    let env = applied().await;
    let pulled = env.run(&["state", "pull"]).await.expect_code(0).stdout;
    assert_eq!(pulled, env.state_text(), "pull is not the stored document");
    let file = env.path().join("pulled.json");
    std::fs::write(&file, &pulled).expect("write");
    let file = file.to_str().expect("utf-8 path").to_string();

    let push = env.run(&["state", "push", &file]).await.expect_code(0);
    assert!(push.stderr.contains("Pushed `"), "{}", push.stderr);
    assert!(
        push.stderr
            .contains("(serial 1, the state before this change; the state is now serial 2)"),
        "{}",
        push.stderr
    );
    assert_eq!(serial(&env), 2);
    assert_eq!(
        env.state()["resources"],
        serde_json::from_str::<Value>(&pulled).expect("json")["resources"]
    );
    refused(
        &env,
        &["state", "push", &file],
        "its serial 1 is older than the state's serial 2",
    )
    .await;

    // The same resources under another lineage: refused, then forced.
    let mut doc =
        garrison_state::decode(std::path::Path::new("pulled"), pulled.as_bytes()).expect("decode");
    let old_lineage = doc.lineage;
    doc.lineage = garrison_state::LockId::new_v4();
    let other = env.path().join("other.json");
    std::fs::write(&other, garrison_state::encode(&doc).expect("encode")).expect("write");
    let other = other.to_str().expect("utf-8 path").to_string();
    refused(
        &env,
        &["state", "push", &other],
        &format!(
            "its lineage {} is not the state's lineage {old_lineage}",
            doc.lineage
        ),
    )
    .await;
    let forced = env
        .run(&["state", "push", &other, "--force"])
        .await
        .expect_code(0);
    assert!(
        forced
            .stderr
            .contains("warning: --force: the file's lineage"),
        "{}",
        forced.stderr
    );
    assert_eq!(env.state()["lineage"], doc.lineage.to_string());
    assert_eq!(serial(&env), 3);

    // Not a state: refused even with --force.
    std::fs::write(env.path().join("bad.json"), "{ nope").expect("write");
    refused(
        &env,
        &["state", "push", "bad.json", "--force"],
        "`bad.json` is not a state Garrison can push",
    )
    .await;
    // The cloud is still what the config says.
    env.run(&["plan", "--detailed-exitcode"])
        .await
        .expect_code(0);
}

/// The same surgery with the state in PostgreSQL: the previous document is the backup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn surgery_with_state_in_postgres() {
    let url = garrison_testkit::pg::url();
    let env = Env::new(0.002).await;
    let workspace = format!("e2e-surgery-{}", garrison_state::LockId::new_v4());
    env.write(&format!(
        "{CONFIG}\nstate \"postgres\" url-env=\"GARRISON_TEST_PG_URL\" workspace=\"{workspace}\"\n"
    ));
    let run = |args: &[&str]| {
        let mut cmd = env.command(args);
        cmd.env("GARRISON_TEST_PG_URL", &url);
        async move { Run::from(cmd.output().await.expect("runs")) }
    };
    run(&["apply", "--auto-approve"]).await.expect_code(0);
    let mv = run(&["state", "mv", "script.s", "script.t"])
        .await
        .expect_code(0);
    assert!(
        mv.stderr.contains("Moved `script.s` to `script.t`"),
        "{}",
        mv.stderr
    );
    let rm = run(&["state", "rm", "volume.data[0]"]).await.expect_code(0);
    assert!(
        rm.stderr.contains(&format!(
            "backup: postgres:{workspace} (column `previous` of table `garrison_state`) (serial 2, the state before this change; the state is now serial 3)"
        )),
        "{}",
        rm.stderr
    );
    let list = run(&["state", "list"]).await.expect_code(0).stdout;
    let addresses: Vec<&str> = list.lines().filter_map(|l| l.split('\t').next()).collect();
    assert_eq!(addresses, ["script.t", "volume.data[1]"], "{list}");

    let pulled = run(&["state", "pull"]).await.expect_code(0).stdout;
    let mut doc =
        garrison_state::decode(std::path::Path::new("pulled"), pulled.as_bytes()).expect("decode");
    doc.lineage = garrison_state::LockId::new_v4();
    std::fs::write(
        env.path().join("other.json"),
        garrison_state::encode(&doc).expect("encode"),
    )
    .expect("write");
    let refused = run(&["state", "push", "other.json"]).await.expect_code(1);
    assert!(
        refused
            .stderr
            .contains("[garrison::state::lineage_mismatch]"),
        "{}",
        refused.stderr
    );
    let again = run(&["state", "pull"]).await.expect_code(0).stdout;
    assert_eq!(again, pulled, "a refused push changed the state");
    assert!(!env.path().join(".garrison/state.json").exists());
}
