//! The Markdown plan as GitHub shows it: rendered to HTML by a CommonMark renderer with
//! GitHub's tables, then read as a reviewer would: the summary first, a danger section for
//! a replaced GPU VM and a destroyed volume, the changed attributes and their values in the
//! table (not only in the collapsed details), cost per resource, identical instances
//! grouped, a Mermaid graph when small, and a huge plan cut under GitHub's comment limit.

use garrison_config::model::{Kind, StateKey};
use garrison_plan::render::{to_markdown, COMMENT_LIMIT};
use garrison_plan::{Action, After, AttrChange, Plan, ResourceChange, Summary};
use pulldown_cmark::{html, Options, Parser};
use serde_json::json;

fn html_of(markdown: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    out
}

fn attr(
    name: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    forces: bool,
) -> AttrChange {
    let mut change = AttrChange::named(name, before, after.map(After::Known));
    change.forces_replacement = forces;
    change
}

fn change(
    address: &str,
    kind: Kind,
    action: Action,
    attrs: Vec<AttrChange>,
    cost: (f64, f64),
) -> ResourceChange {
    ResourceChange {
        address: address.parse::<StateKey>().expect("a state key"),
        kind,
        action,
        name: address.into(),
        region: "NORWAY-1".into(),
        remote_id: Some("1".into()),
        attrs,
        reasons: vec![format!("{kind} reason")],
        create_before_destroy: false,
        cost_before: Some(cost.0),
        cost_after: Some(cost.1),
        moved_from: None,
        imported: None,
    }
}

fn plan(changes: Vec<ResourceChange>) -> Plan {
    let mut plan: Plan = serde_json::from_value(json!({
        "format_version": 1, "basis": {"config_hash": "h", "state_lineage": null, "state_serial": 1, "refreshed": true},
        "destroy": false, "summary": {"add": 0, "change": 0, "replace": 0, "destroy": 0, "forget": 0, "unchanged": 0},
        "changes": [], "drift": [], "cost": {"before_per_hour": 30.0, "after_per_hour": 25.0, "delta_per_hour": -5.0}
    }))
    .expect("a plan");
    plan.summary = Summary {
        replace: changes
            .iter()
            .filter(|c| c.action == Action::Replace)
            .count(),
        change: changes
            .iter()
            .filter(|c| c.action == Action::Update)
            .count(),
        destroy: changes
            .iter()
            .filter(|c| c.action == Action::Delete)
            .count(),
        ..Summary::default()
    };
    plan.changes = changes;
    plan
}

fn scary() -> Plan {
    let vm = change(
        "vm.trainer",
        Kind::Vm,
        Action::Replace,
        vec![
            attr(
                "gpu-model",
                Some(json!("H100-SXM5-80GB")),
                Some(json!("A100-PCIe-80GB")),
                true,
            ),
            attr("gpu-count", Some(json!(8)), Some(json!(8)), false),
        ],
        (21.52, 12.4),
    );
    let volume = change(
        "volume.data",
        Kind::Volume,
        Action::Delete,
        vec![attr("size-gb", Some(json!(500)), None, false)],
        (0.05, 0.0),
    );
    let workers = (0..3).map(|i| {
        change(
            &format!("volume.scratch[{i}]"),
            Kind::Volume,
            Action::Update,
            vec![attr("size-gb", Some(json!(100)), Some(json!(200)), false)],
            (0.01, 0.02),
        )
    });
    let mut all = vec![vm, volume];
    all.extend(workers);
    plan(all)
}

#[test]
fn a_reviewer_sees_what_changes_what_it_costs_and_what_is_dangerous() {
    let markdown = to_markdown(&scary());
    let html = html_of(&markdown);
    let summary = html.find("to replace").expect("the summary");
    let danger = html
        .find("Danger: 2 destructive change(s)")
        .expect("a danger section");
    let table = html.find("<table>").expect("tables render");
    assert!(
        summary < danger && danger < html.rfind("<table>").unwrap_or(table),
        "order:\n{html}"
    );
    assert!(
        html.contains("GPU VM with 8× H100-SXM5-80GB, $21.52/h of GPU time"),
        "{html}"
    );
    assert!(html.contains("its data is lost"), "{html}");
    // The values are in the table itself, outside the collapsed details.
    let details = html.find("<details>").unwrap_or(html.len());
    let row = html
        .find("<code>gpu-model</code>: H100-SXM5-80GB → A100-PCIe-80GB")
        .expect("the change in the table");
    assert!(row < details, "{html}");
    assert!(
        html.contains("$21.52/h → $12.40/h"),
        "cost per resource:\n{html}"
    );
    // Three identical instances are one row.
    assert!(
        html.contains("<code>volume.scratch</code> ×3 ([0] [1] [2])"),
        "{html}"
    );
    assert_eq!(
        html[..details].matches("<code>volume.scratch").count(),
        1,
        "one row:\n{html}"
    );
    assert!(
        html.contains("language-diff"),
        "details as a diff fence:\n{html}"
    );
}

#[test]
fn a_huge_plan_stays_under_the_comment_limit_and_says_it_was_cut() {
    let many = (0..3000)
        .map(|i| {
            change(
                &format!("volume.v{i}"),
                Kind::Volume,
                Action::Update,
                vec![attr(
                    "description",
                    Some(json!(format!("old {i}"))),
                    Some(json!(format!("new description number {i}"))),
                    false,
                )],
                (0.01, 0.01),
            )
        })
        .collect();
    let markdown = to_markdown(&plan(many));
    assert!(markdown.len() <= 65_536, "{} characters", markdown.len());
    assert!(
        markdown.len() > COMMENT_LIMIT / 2,
        "the room is used: {}",
        markdown.len()
    );
    assert!(markdown.contains("**Truncated:**"), "says so");
    let html = html_of(&markdown);
    assert_eq!(
        html.matches("<details>").count(),
        html.matches("</details>").count(),
        "sections close"
    );
}
