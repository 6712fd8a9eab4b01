//! A plan with a rehearsal attached, as text, Markdown and JSON: the verdict, each failing
//! operation with its step and the API's message, the predicted makespan and critical path,
//! convergence, the guesses relied on, and each step's predicted duration.

use garrison_config::load_str;
use garrison_plan::{
    plan, render, Plan, PlanOptions, Rehearsal, RehearsedFailure, RehearsedOutcome, RehearsedStep,
    RemoteView,
};

#[path = "support/plan_json_schema.rs"]
mod plan_json_schema;

const CONFIG: &str = r#"
provider "barrack" { region "NORWAY-1" }
ssh-key "k" { public-key "ssh-ed25519 AAAA k"; }
volume "data" { size-gb 100; }
"#;

fn step(id: usize, address: &str, outcome: RehearsedOutcome, secs: f64) -> RehearsedStep {
    RehearsedStep {
        id,
        address: address.into(),
        what: "create".into(),
        outcome,
        predicted_secs: secs,
    }
}

/// A plan of [`CONFIG`] whose rehearsal failed on the volume.
fn rehearsed() -> Plan {
    let loaded = load_str("main.kdl", CONFIG, &Default::default())
        .unwrap_or_else(|f| panic!("config: {:?}", f.errors));
    let mut p = plan(
        &loaded.model,
        &garrison_state::StateDoc::fresh(),
        &RemoteView::default(),
        PlanOptions::default(),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    p.rehearsal = Some(Rehearsal {
        parallelism: 10,
        rate_limit_per_minute: Some(500),
        steps: vec![
            step(0, "ssh-key.k", RehearsedOutcome::Succeeded, 0.4),
            step(1, "volume.data", RehearsedOutcome::Failed, 0.0),
        ],
        failures: vec![RehearsedFailure {
            step: 1,
            address: "volume.data".into(),
            what: "create".into(),
            message: "out of credit".into(),
            status: Some(402),
            skipped: 0,
        }],
        makespan_secs: 5.3,
        critical_path: vec![1],
        critical_path_secs: 5.2,
        mutations: 2,
        converges: false,
        not_converged: vec!["volume.data: create".into()],
        guesses: vec!["volume delays (5 s to create) are GUESSED".into()],
        caveats: vec!["the balance was not read: the emulator assumed 10,000 USD".into()],
        elapsed_ms: 12,
    });
    p
}

#[test]
fn a_failed_rehearsal_reads_in_every_format() {
    let p = rehearsed();
    let text = render::to_text(&p, render::TextStyle { color: false });
    insta::assert_snapshot!("rehearsal_text", text);
    let markdown = render::to_markdown(&p);
    insta::assert_snapshot!("rehearsal_markdown", markdown);
    let json = render::to_json(&p);
    plan_json_schema::assert_valid("rehearsed plan", &json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(value["rehearsal"]["passed"], false);
    assert_eq!(value["rehearsal"]["failures"][0]["step"], 1);
    assert_eq!(
        value["rehearsal"]["failures"][0]["message"],
        "out of credit"
    );
    assert_eq!(value["rehearsal"]["critical_path"], serde_json::json!([1]));
}

#[test]
fn a_plan_without_a_rehearsal_says_nothing_of_one() {
    let mut p = rehearsed();
    p.rehearsal = None;
    let text = render::to_text(&p, render::TextStyle { color: false });
    assert!(!text.contains("Rehearsal"), "{text}");
    assert!(!render::to_json(&p).contains("rehearsal"));
}
