//! Diagnostics through the binary (findings S4, U13): `validate` and `validate --json` never
//! echo a sensitive value nor a var file's text, and a var file kept in the config
//! directory as `*.kdl` is not read as config.

mod support;

use support::Env;

const CONFIG: &str = r#"
provider "barrack" { region "NORWAY-1" }
variable "cidr" sensitive=#true
variable "region" sensitive=#true
firewall "f" {
    rule direction="ingress" protocol="tcp" port=22 remote=(ref)"var.cidr"
}
volume "v" {
    size-gb 100
    region (ref)"var.region"
}
"#;

/// S4 and U13: invalid sensitive values from a var file in the config directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s4_validate_never_echoes_sensitive_values() {
    let env = Env::new(0.002).await;
    env.write(CONFIG);
    std::fs::write(
        env.path().join("secrets.kdl"),
        "cidr \"TOPSECRET-CIDR\"\nregion \"TOPSECRET-REGION\"\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    for args in [
        &["validate", "--var-file", "secrets.kdl"][..],
        &["validate", "--json", "--var-file", "secrets.kdl"][..],
    ] {
        let run = env.run(args).await.expect_code(1);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains("TOPSECRET"), "{all}");
        assert!(all.contains("(sensitive)"), "{all}");
        assert!(all.contains("sensitive variable `cidr`"), "{all}");
        // the var file is not config: no "unknown node `cidr`"
        assert!(!all.contains("unknown_kind"), "{all}");
    }
}
