//! State encryption at rest through the binary (Teams): `state keygen`, an apply whose state
//! file holds only an AES-256-GCM envelope, a clear refusal without the key, a key file
//! readable by others refused, and the documented rotation with `state rekey`.

mod support;

use std::os::unix::fs::PermissionsExt;

use support::{Env, Run};

const CONFIG: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}

volume "datasets" {
    size-gb 100
}
"#;

async fn keygen(env: &Env) -> String {
    let run = env.run(&["state", "keygen"]).await.expect_code(0);
    let key = run.stdout.trim().to_string();
    assert_eq!(key.len(), 44, "32 bytes in base64: {key}");
    assert!(run.stderr.contains("New state key "), "{}", run.stderr);
    key
}

async fn with_key(env: &Env, key: &str, args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    cmd.env("GARRISON_STATE_KEY", key);
    Run::from(cmd.output().await.expect("garrison runs"))
}

fn assert_sealed(env: &Env) {
    let text = env.state_text();
    assert!(text.contains("\"garrison_encrypted\": 1"), "{text}");
    assert!(text.contains("AES-256-GCM"), "{text}");
    assert!(
        !text.contains("datasets"),
        "a resource name at rest: {text}"
    );
    assert!(!text.contains("remote_id"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_state_applies_plans_and_is_refused_without_its_key() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let key = keygen(&env).await;
    with_key(&env, &key, &["apply", "--auto-approve"])
        .await
        .expect_code(0);
    assert_sealed(&env);
    let plan = with_key(&env, &key, &["plan"]).await.expect_code(0);
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    let pulled = with_key(&env, &key, &["state", "pull"])
        .await
        .expect_code(0);
    assert!(
        pulled.stdout.contains("volume.datasets"),
        "{}",
        pulled.stdout
    );

    let refused = env.run(&["plan"]).await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("encrypted"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("GARRISON_STATE_KEY"),
        "{}",
        refused.stderr
    );
    assert!(
        !refused.stderr.contains(&key),
        "the key leaked: {}",
        refused.stderr
    );
    assert_sealed(&env);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_file_must_be_private() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let key = keygen(&env).await;
    let file = env.path().join("state.key");
    std::fs::write(&file, format!("# garrison state key\n{key}\n")).expect("write key");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let mut cmd = env.command(&["apply", "--auto-approve"]);
    cmd.env("GARRISON_STATE_KEY_FILE", &file);
    let refused = Run::from(cmd.output().await.expect("runs")).expect_code(1);
    assert!(
        refused.stderr.contains("may be read by others"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("chmod 600"), "{}", refused.stderr);
    assert_eq!(env.state_text(), "", "nothing written");

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let mut cmd = env.command(&["apply", "--auto-approve"]);
    cmd.env("GARRISON_STATE_KEY_FILE", &file);
    Run::from(cmd.output().await.expect("runs")).expect_code(0);
    assert_sealed(&env);
}

/// The rotation of docs/state.md: `NEW,OLD` then `state rekey`; afterwards NEW alone reads
/// the state and OLD alone does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_with_rekey_retires_the_old_key() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let old = keygen(&env).await;
    let new = keygen(&env).await;
    with_key(&env, &old, &["apply", "--auto-approve"])
        .await
        .expect_code(0);
    let both = format!("{new},{old}");
    let rekey = with_key(&env, &both, &["state", "rekey"])
        .await
        .expect_code(0);
    assert!(
        rekey.stderr.contains("Sealed the state"),
        "{}",
        rekey.stderr
    );
    assert_sealed(&env);
    let plan = with_key(&env, &new, &["plan"]).await.expect_code(0);
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    let stale = with_key(&env, &old, &["plan"]).await;
    assert_eq!(
        stale.code, 1,
        "the old key alone still reads: {}",
        stale.stdout
    );
    let backup =
        std::fs::read_to_string(env.path().join(".garrison/state.json.backup")).expect("backup");
    assert!(!backup.contains("datasets"), "{backup}");

    let decrypt = with_key(&env, &new, &["state", "rekey", "--decrypt"])
        .await
        .expect_code(0);
    assert!(decrypt.stderr.contains("plaintext"), "{}", decrypt.stderr);
    assert!(env.state_text().contains("volume.datasets"));
    env.run(&["plan"]).await.expect_code(0);
}
