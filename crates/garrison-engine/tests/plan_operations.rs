//! U5: the operations a plan shows are the operations apply performs: the text plan's
//! `Operations: N (...)` line against the executor's events, for a few plans.

mod common;

use std::collections::BTreeMap;

use common::*;
use garrison_engine::Event;
use garrison_plan::render::{to_text, TextStyle};

fn config(vms: &[&str], power: &str, volume: bool) -> String {
    let mut text = format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
firewall "fw" {{
    rule direction="ingress" protocol="tcp" port=22 remote="10.0.0.0/8"
}}
volume "data" {{
    size-gb 100
}}
"##
    );
    for (i, vm) in vms.iter().enumerate() {
        let volumes = if volume && i == 0 {
            "    volumes (ref)\"volume.data\"\n"
        } else {
            ""
        };
        text.push_str(&format!(
            "vm \"{vm}\" {{\n    gpu \"A40\"\n    image \"{OS_IMAGE}\"\n    ssh-keys (ref)\"ssh-key.laptop\"\n    firewalls (ref)\"firewall.fw\"\n    power \"{power}\"\n{volumes}}}\n"
        ));
    }
    text
}

/// `verb -> count` from the plan's `Operations:` line, and the total it states.
fn shown(text: &str) -> (usize, BTreeMap<String, usize>) {
    let Some(line) = text.lines().find(|l| l.starts_with("Operations: ")) else {
        return (0, BTreeMap::new());
    };
    let rest = &line["Operations: ".len()..];
    let (total, kinds) = rest.split_once(" (").expect("Operations: N (...)");
    let kinds = kinds
        .trim_end_matches(')')
        .split(", ")
        .map(|part| {
            let (n, verb) = part.split_once(' ').expect("N verb");
            (verb.to_string(), n.parse().expect("count"))
        })
        .collect();
    (total.parse().expect("total"), kinds)
}

fn performed(events: &[Event]) -> (usize, BTreeMap<String, usize>) {
    let mut kinds = BTreeMap::new();
    for e in events {
        if let Event::Started { what, .. } = e {
            *kinds.entry(what.clone()).or_default() += 1;
        }
    }
    (kinds.values().sum(), kinds)
}

/// U5: for each plan, the operations shown (count and kind) are the operations performed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_shows_every_operation_apply_performs() {
    let w = World::start().await;
    let steps = [
        config(&["a", "b"], "running", false),
        // A VM leaves the firewall by being deleted: no hidden `attach firewall`.
        config(&["a"], "running", false),
        config(&["a"], "hibernated", false),
        // A volume attached to a hibernated VM: woken, and the plan says so.
        config(&["a"], "hibernated", true),
        config(&["a", "b"], "hibernated", true),
    ];
    for (i, text) in steps.iter().enumerate() {
        let (plan, report, events) = w.apply(text).await;
        assert!(report.is_success(), "step {i}: {:?}", report.failed);
        let rendered = to_text(&plan, TextStyle::default());
        assert_eq!(
            shown(&rendered),
            performed(&events),
            "step {i}:\n{rendered}"
        );
        if i == 3 {
            assert!(
                rendered.contains(
                    "~ vm.a will be woken to attach volume.data, then hibernated again (+$"
                ),
                "{rendered}"
            );
        }
        assert!(!w.plan(text).await.summary.has_changes(), "step {i}");
    }
}

fn with_cloud_init(version: &str) -> String {
    format!(
        r##"
provider "barrack" {{
    region "NORWAY-1"
}}
ssh-key "laptop" {{
    public-key "{PUBKEY}"
}}
vm "infer" {{
    gpu "A40"
    image "{OS_IMAGE}"
    ssh-keys (ref)"ssh-key.laptop"
    cloud-init "#cloud-config\npackages:\n  - vllm=={version}\n"
}}
"##
    )
}

/// U5: cloud-init is shown as text on create and as a unified diff on change (the text is
/// recorded at apply), never as hashes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloud_init_shows_as_a_diff() {
    let w = World::start().await;
    let (plan, report, _) = w.apply(&with_cloud_init("0.6.3")).await;
    assert!(report.is_success(), "{:?}", report.failed);
    let created = to_text(&plan, TextStyle::default());
    assert!(created.contains("+  - vllm==0.6.3"), "{created}");
    let changed = to_text(
        &w.plan(&with_cloud_init("0.6.4")).await,
        TextStyle::default(),
    );
    assert!(changed.contains("-  - vllm==0.6.3"), "{changed}");
    assert!(changed.contains("+  - vllm==0.6.4"), "{changed}");
    assert!(!changed.contains("sha256:"), "{changed}");
}
