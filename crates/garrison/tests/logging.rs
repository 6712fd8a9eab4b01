//! `GARRISON_LOG` and `--log-file`: one structured line per Barrack request (method, route,
//! status, duration, request id), never the API key or a sensitive value; no log at all
//! unless asked.

mod support;

use support::{Env, API_KEY};

const SECRET: &str = "hf_tok_9f8e7d6c5b4a";

const CONFIG: &str = r##"
provider "barrack" {
    region "NORWAY-1"
}
variable "token" type="string" sensitive=#true
script "boot" {
    content "#!/bin/sh\nexport HF_TOKEN=${var.token}\n"
}
"##;

/// Every request line names what a debugger needs; nothing secret appears.
fn check(log: &str, creates: bool) {
    let requests: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Barrack request"))
        .collect();
    assert!(!requests.is_empty(), "no request lines in:\n{log}");
    for line in &requests {
        for field in [
            "method=",
            "route=",
            "status=",
            "duration_ms=",
            "request_id=",
        ] {
            assert!(line.contains(field), "`{field}` missing from: {line}");
        }
    }
    let create = |l: &&str| l.contains(r#"method="POST""#) && l.contains(r#"route="/scripts""#);
    assert_eq!(
        requests.iter().any(create),
        creates,
        "the create, when made, is logged:\n{log}"
    );
    assert!(!log.contains(API_KEY), "the API key leaked into the log");
    assert!(
        !log.contains(SECRET),
        "a sensitive value leaked into the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_go_to_stderr_or_a_file_and_hold_no_secret() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    let var = format!("token={SECRET}");

    let quiet = env.run(&["plan", "--var", &var]).await.expect_code(0);
    assert!(
        !quiet.stderr.contains("Barrack request"),
        "{}",
        quiet.stderr
    );

    let mut cmd = env.command(&["apply", "--auto-approve", "--var", &var]);
    cmd.env("GARRISON_LOG", "debug");
    let out = cmd.output().await.expect("garrison runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check(&String::from_utf8_lossy(&out.stderr), true);

    let log_file = env.path().join("garrison.log");
    let log_arg = log_file.to_str().expect("utf-8").to_string();
    let run = env
        .run(&["plan", "--var", &var, "--log-file", &log_arg])
        .await
        .expect_code(0);
    assert!(!run.stderr.contains("Barrack request"), "{}", run.stderr);
    check(
        &std::fs::read_to_string(&log_file).expect("the log file"),
        false,
    );

    let mut bad = env.command(&["plan", "--var", &var]);
    bad.env("GARRISON_LOG", "loud=[");
    let bad = bad.output().await.expect("garrison runs");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("GARRISON_LOG"));
}
