//! Rego policies over a plan JSON: messages of `data.garrison.deny` become violations named
//! by their file; no rule fired is none; a broken file is an error, never a pass.

use garrison_policy::{rego, PolicyError, RegoFile};

const PLAN: &str = r#"{"format_version":1,"cost":{"before_per_hour":0,"after_per_hour":214.5,"delta_per_hour":214.5},
 "changes":[{"address":"vm.big","kind":"vm","action":"create","attrs":[{"name":"gpu-count","after":{"state":"known","value":8}}]}]}"#;

fn file(path: &str, text: &str) -> RegoFile {
    RegoFile {
        path: path.into(),
        text: text.into(),
    }
}

const COST: &str = r#"
package garrison

deny contains msg if {
    input.cost.after_per_hour > 200
    msg := sprintf("costs %v/h, over 200", [input.cost.after_per_hour])
}
"#;

const GPUS: &str = r#"
package garrison

deny contains {"msg": msg} if {
    some c in input.changes
    some a in c.attrs
    a.name == "gpu-count"
    a.after.value > 4
    msg := sprintf("%s asks for %d GPUs", [c.address, a.after.value])
}
"#;

const QUIET: &str = r#"
package garrison

deny contains "never" if {
    input.cost.after_per_hour < 0
}
"#;

#[test]
fn deny_messages_are_violations_named_by_their_file() {
    let found = rego(
        &[
            file("policies/cost.rego", COST),
            file("policies/gpus.rego", GPUS),
            file("policies/quiet.rego", QUIET),
        ],
        PLAN,
    )
    .expect("policies evaluate");
    let shown: Vec<(String, String)> = found.into_iter().map(|v| (v.source, v.message)).collect();
    assert_eq!(
        shown,
        [
            (
                "policies/cost.rego".to_string(),
                "costs 214.5/h, over 200".to_string()
            ),
            (
                "policies/gpus.rego".to_string(),
                "vm.big asks for 8 GPUs".to_string()
            ),
        ]
    );
}

#[test]
fn a_file_without_deny_or_a_quiet_one_denies_nothing() {
    let other = "package garrison\n\nallow := true\n";
    assert!(rego(&[file("a.rego", other), file("q.rego", QUIET)], PLAN)
        .expect("ok")
        .is_empty());
}

#[test]
fn a_broken_policy_is_an_error_not_a_pass() {
    match rego(
        &[file("bad.rego", "package garrison\n\ndeny contains if {")],
        PLAN,
    ) {
        Err(PolicyError::Parse { file, .. }) => assert_eq!(file, "bad.rego"),
        other => panic!("expected a parse error, got {other:?}"),
    }
    let numbers = "package garrison\n\ndeny contains 42 if { true }\n";
    assert!(matches!(
        rego(&[file("n.rego", numbers)], PLAN),
        Err(PolicyError::Eval { .. })
    ));
}
