//! The PostgreSQL state backend through the binary: apply, a clean plan, `state list`,
//! destroy, all with the state in PostgreSQL and nothing on disk. Needs
//! `GARRISON_TEST_PG_URL`, or starts a local server with `.ci/postgres.sh`; it never
//! skips: no server is a failure.

mod support;

use garrison_testkit::pg as pg_server;

use support::Env;

/// The server URL: `GARRISON_TEST_PG_URL`, or a local server `.ci/postgres.sh` starts;
/// never skipped.
fn pg_url() -> Option<String> {
    Some(pg_server::url())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_plan_destroy_with_state_in_postgres() {
    let Some(url) = pg_url() else {
        return;
    };
    let env = Env::new(0.002).await;
    let workspace = format!("e2e-{}", std::process::id());
    env.write(&format!(
        r#"
provider "barrack" {{
    region "NORWAY-1"
}}

state "postgres" url-env="GARRISON_TEST_PG_URL" workspace="{workspace}"

script "s" {{
    content "echo hi"
}}

volume "v" {{
    size-gb 100
}}
"#
    ));
    let with_url = |args: &[&str]| {
        let mut cmd = env.command(args);
        cmd.env("GARRISON_TEST_PG_URL", &url);
        cmd
    };
    let run = |mut cmd: tokio::process::Command| async move {
        support::Run::from(cmd.output().await.expect("runs"))
    };

    run(with_url(&["apply", "--auto-approve"]))
        .await
        .expect_code(0);
    run(with_url(&["plan", "--detailed-exitcode"]))
        .await
        .expect_code(0);
    let list = run(with_url(&["state", "list"]))
        .await
        .expect_code(0)
        .stdout;
    assert!(
        list.contains("script.s") && list.contains("volume.v"),
        "{list}"
    );
    assert!(
        !env.path().join(".garrison/state.json").exists(),
        "state written to disk"
    );

    // Without the URL: a one-line cause and a hint, no change.
    let mut cmd = env.command(&["plan"]);
    cmd.env_remove("GARRISON_TEST_PG_URL");
    let missing = run(cmd).await.expect_code(1);
    assert!(
        missing.stderr.contains("GARRISON_TEST_PG_URL"),
        "{}",
        missing.stderr
    );

    // U9: while another run holds the PostgreSQL lock, `plan` says so.
    {
        use garrison_state::Backend as _;
        let holder = garrison_state::PostgresBackend::connect(&url, &workspace)
            .unwrap_or_else(|e| panic!("connect: {e}"));
        let guard = holder
            .lock(garrison_state::LockInfo::new("garrison apply"))
            .unwrap_or_else(|e| panic!("lock: {e}"));
        let locked = run(with_url(&["plan"])).await.expect_code(0);
        assert!(
            locked.stderr.contains("the state is locked")
                && locked.stderr.contains("garrison apply"),
            "{}",
            locked.stderr
        );
        drop(guard);
    }

    run(with_url(&["destroy", "--auto-approve"]))
        .await
        .expect_code(0);
    assert!(env.sim_names().await.is_empty());
    let list = run(with_url(&["state", "list"]))
        .await
        .expect_code(0)
        .stdout;
    assert!(list.trim().is_empty(), "{list}");
}

/// Teams, end to end: state in PostgreSQL over verified TLS (`sslmode=verify-full` with the
/// test CA, a role the server admits over TLS only) and sealed with a state key: apply,
/// a clean plan, and the database row holds an envelope, not the resource.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_with_state_in_postgres_over_verified_tls_and_encrypted() {
    let env = Env::new(0.002).await;
    let workspace = format!("e2e-tls-{}", uuid::Uuid::new_v4());
    let url = pg_server::tls_url(
        "localhost",
        &format!(
            "sslmode=verify-full&sslrootcert={}",
            pg_server::test_ca().display()
        ),
    );
    env.write(&format!(
        r#"
provider "barrack" {{
    region "NORWAY-1"
}}

state "postgres" url-env="STATE_URL" workspace="{workspace}"

volume "tls-secret-volume" {{
    size-gb 100
}}
"#
    ));
    let key = garrison_state::EncryptionKey::generate().to_base64();
    let run = |args: &[&str]| {
        let mut cmd = env.command(args);
        cmd.env("STATE_URL", &url).env("GARRISON_STATE_KEY", &key);
        async move { support::Run::from(cmd.output().await.expect("runs")) }
    };
    run(&["apply", "--auto-approve"]).await.expect_code(0);
    run(&["plan", "--detailed-exitcode"]).await.expect_code(0);

    let row = stored_doc(&workspace).await;
    assert!(row.contains("\"garrison_encrypted\""), "{row}");
    assert!(!row.contains("tls-secret-volume"), "{row}");
}

async fn stored_doc(workspace: &str) -> String {
    let (client, connection) = tokio_postgres::connect(&pg_server::url(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT doc FROM garrison_state WHERE workspace = $1",
            &[&workspace],
        )
        .await
        .expect("the state row");
    String::from_utf8_lossy(&row.get::<_, Vec<u8>>(0)).into_owned()
}
