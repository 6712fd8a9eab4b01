//! U2: finding the state backend needs no variable values, and a variable with `-` in its
//! name can be set from a shell (`GARRISON_VAR_hf_token` sets `hf-token`).

use garrison_config::{load_state_backend, load_str, Code, StateBackend, VarInputs};

const CONFIG: &str = r#"
provider "barrack" { region "US-1"; }
variable "hf-token" type="string" sensitive=#true
variable "nodes" type="int"
state "postgres" url-env="TEAM_PG" workspace="prod"
script "s" { content (ref)"var.hf-token"; }
volume "v" count=(ref)"var.nodes" { size-gb 10; }
"#;

fn dir_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("main.kdl"), text).expect("write");
    dir
}

/// U2: the backend is found although `hf-token` and `nodes` have no value.
#[test]
fn the_state_backend_needs_no_variables() {
    let dir = dir_with(CONFIG);
    let backend = load_state_backend(dir.path(), &VarInputs::default()).unwrap_or_else(|f| {
        panic!(
            "{:?}",
            f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        )
    });
    assert_eq!(
        backend,
        StateBackend::Postgres {
            url_env: "TEAM_PG".into(),
            workspace: "prod".into()
        }
    );
    // Still a real check: a broken `state` node is an error.
    let dir = dir_with("state \"s3\"\n");
    let failure =
        load_state_backend(dir.path(), &VarInputs::default()).expect_err("unknown backend");
    assert!(failure.errors.iter().any(|e| e.code == Code::InvalidValue));
    // And an undeclared `--var` too.
    let dir = dir_with(CONFIG);
    let mut inputs = VarInputs::default();
    inputs.vars.push(("nope".into(), "1".into()));
    assert!(load_state_backend(dir.path(), &inputs).is_err());
}

/// U2: `GARRISON_VAR_hf_token` sets `var.hf-token`; the missing-variable hint names that
/// spelling, not the one bash cannot export.
#[test]
fn underscores_in_the_environment_stand_for_dashes() {
    let env = |pairs: &[(&str, &str)]| {
        VarInputs::default().with_env(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    };
    let loaded = load_str(
        "main.kdl",
        CONFIG,
        &env(&[
            ("GARRISON_VAR_hf_token", "tok-1"),
            ("GARRISON_VAR_nodes", "2"),
        ]),
    )
    .unwrap_or_else(|f| {
        panic!(
            "{:?}",
            f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        )
    });
    assert_eq!(loaded.model.variables["hf-token"].value, "tok-1");
    // The exact spelling wins when both are set.
    let loaded = load_str(
        "main.kdl",
        CONFIG,
        &env(&[
            ("GARRISON_VAR_hf_token", "underscored"),
            ("GARRISON_VAR_hf-token", "exact"),
            ("GARRISON_VAR_nodes", "2"),
        ]),
    )
    .unwrap_or_else(|f| {
        panic!(
            "{:?}",
            f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        )
    });
    assert_eq!(loaded.model.variables["hf-token"].value, "exact");
    let failure = load_str("main.kdl", CONFIG, &env(&[("GARRISON_VAR_nodes", "2")]))
        .expect_err("hf-token is missing");
    let help: Vec<String> = failure
        .errors
        .iter()
        .filter(|e| e.code == Code::MissingVariable)
        .filter_map(|e| e.help.clone())
        .collect();
    assert!(
        help.iter().any(|h| h.contains("GARRISON_VAR_hf_token")),
        "{help:?}"
    );
    assert!(
        !help.iter().any(|h| h.contains("GARRISON_VAR_hf-token")),
        "{help:?}"
    );
}
