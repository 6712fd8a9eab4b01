//! The drawings read back: escaping, sorted output, edge direction, ids, and what the
//! config and plan graphs hold.

use garrison_config::{load_str, VarInputs};
use garrison_state::StateDoc;

use super::read_back::{read_dot, read_mermaid, ReadBack};
use super::{to_dot, to_mermaid, Diagram, Tone};
use crate::{plan, PlanOptions, RemoteView};

/// Draws `diagram` both ways, reads both back, and checks that each says what the diagram
/// says: every label, every edge in its direction. Returns both readings.
fn check(diagram: &Diagram) -> (ReadBack, ReadBack) {
    let dot = read_dot(&to_dot(diagram));
    let mermaid = read_mermaid(&to_mermaid(diagram));
    // Mermaid labels are one line: a line break reads as a space.
    for (back, one_line) in [(&dot, false), (&mermaid, true)] {
        let mut read: Vec<String> = back.nodes.values().map(|(l, _)| l.clone()).collect();
        let mut want: Vec<String> = diagram
            .nodes()
            .map(|(_, n)| match one_line {
                true => n.label.replace('\n', " "),
                false => n.label.clone(),
            })
            .collect();
        read.sort_unstable();
        want.sort_unstable();
        assert_eq!(read, want);
    }
    // DOT ids are the keys (without backslashes, which the DOT scanner keeps doubled).
    let keys: Vec<&str> = diagram.nodes().map(|(k, _)| k).collect();
    if keys.iter().all(|k| !k.contains('\\')) {
        let read: Vec<&str> = dot.nodes.keys().map(String::as_str).collect();
        assert_eq!(read, keys);
        let edges: Vec<(&str, &str)> = diagram.edges().collect();
        let read: Vec<(&str, &str)> = dot
            .edges
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(read, edges);
    }
    // Mermaid: the same edges between the nodes of the same labels.
    let label_of = |back: &ReadBack, id: &str| back.nodes[id].0.replace('\n', " ");
    let mut by_label: Vec<(String, String)> = mermaid
        .edges
        .iter()
        .map(|(a, b)| (label_of(&mermaid, a), label_of(&mermaid, b)))
        .collect();
    let mut want: Vec<(String, String)> = dot
        .edges
        .iter()
        .map(|(a, b)| (label_of(&dot, a), label_of(&dot, b)))
        .collect();
    by_label.sort();
    want.sort();
    assert_eq!(by_label, want);
    (dot, mermaid)
}

fn nasty() -> Diagram {
    let mut d = Diagram::default();
    d.add_node(r#"vm.web["a"]"#, r#"vm.web["a"]"#, Tone::Create);
    d.add_node("ssh-key.k", "ssh-key.k", Tone::Plain);
    d.add_node(
        "odd",
        "say \"hi\" \\ <b>bold</b> #1 & #quot; a\\nb\nc done\\",
        Tone::Destroy,
    );
    d.add_edge(r#"vm.web["a"]"#, "ssh-key.k");
    d.add_edge("odd", r#"vm.web["a"]"#);
    d
}

#[test]
fn quotes_backslashes_and_markup_survive_both_formats() {
    let (dot, mermaid) = check(&nasty());
    assert_eq!(dot.nodes[r#"vm.web["a"]"#].0, r#"vm.web["a"]"#);
    assert_eq!(mermaid.nodes["vm_web_a"].0, r#"vm.web["a"]"#);
    let text = to_dot(&nasty());
    assert!(
        text.contains(r#"  "vm.web[\"a\"]" -> "ssh-key.k";"#),
        "{text}"
    );
    let text = to_mermaid(&nasty());
    assert!(
        text.contains(r#"  vm_web_a["vm.web[#quot;a#quot;]"]:::create"#),
        "{text}"
    );
    assert!(text.contains("  vm_web_a --> ssh_key_k\n"), "{text}");
}

#[test]
fn edges_go_from_the_dependent_to_its_dependency() {
    let (dot, _) = check(&nasty());
    assert!(dot
        .edges
        .contains(&(r#"vm.web["a"]"#.to_string(), "ssh-key.k".to_string())));
    assert!(!dot
        .edges
        .contains(&("ssh-key.k".to_string(), r#"vm.web["a"]"#.to_string())));
}

#[test]
fn output_is_sorted_whatever_the_insertion_order() {
    let mut a = Diagram::default();
    let mut b = Diagram::default();
    let names = ["vm.b", "vm.a", "volume.z", "firewall.f"];
    for n in names {
        a.add_node(n, n, Tone::Plain);
    }
    for n in names.iter().rev() {
        b.add_node(*n, *n, Tone::Plain);
    }
    for d in [&mut a, &mut b] {
        d.add_edge("vm.b", "volume.z");
        d.add_edge("vm.a", "volume.z");
        d.add_edge("vm.a", "firewall.f");
    }
    assert_eq!(to_dot(&a), to_dot(&b));
    assert_eq!(to_mermaid(&a), to_mermaid(&b));
    let (dot, _) = check(&a);
    let keys: Vec<&String> = dot.nodes.keys().collect();
    assert_eq!(keys, ["firewall.f", "vm.a", "vm.b", "volume.z"]);
    let text = to_dot(&a);
    let edges: Vec<&str> = text.lines().filter(|l| l.contains("->")).collect();
    assert_eq!(
        edges,
        [
            r#"  "vm.a" -> "firewall.f";"#,
            r#"  "vm.a" -> "volume.z";"#,
            r#"  "vm.b" -> "volume.z";"#
        ]
    );
}

#[test]
fn mermaid_ids_stay_unique_and_avoid_keywords() {
    let mut d = Diagram::default();
    for key in ["vm.a-b", "vm.a_b", "vm_a_b_2", "end", "!!"] {
        d.add_node(key, key, Tone::Update);
    }
    d.add_edge("vm.a-b", "vm.a_b");
    let (_, mermaid) = check(&d);
    let ids: Vec<&String> = mermaid.nodes.keys().collect();
    assert_eq!(ids, ["end_2", "node", "vm_a_b", "vm_a_b_2", "vm_a_b_2_2"]);
}

#[test]
fn tones_style_nodes() {
    let (dot, mermaid) = check(&nasty());
    assert!(dot.nodes[r#"vm.web["a"]"#].1.contains("#2e7d32"), "{dot:?}");
    assert!(dot.nodes["odd"].1.contains("#c62828"), "{dot:?}");
    assert_eq!(dot.nodes["ssh-key.k"].1, "");
    assert_eq!(mermaid.nodes["odd"].1, "destroy");
    assert_eq!(mermaid.nodes["ssh_key_k"].1, "");
    let text = to_mermaid(&nasty());
    assert!(text.contains("  classDef destroy "), "{text}");
    assert!(!text.contains("classDef update"), "{text}");
}

#[test]
fn an_empty_graph_is_still_a_graph() {
    let d = Diagram::default();
    assert!(d.is_empty());
    check(&d);
    assert_eq!(to_mermaid(&d), "flowchart BT\n");
}

const CONFIG: &str = r#"
provider "barrack" { region "NORWAY-1" }
ssh-key "k" { public-key "ssh-ed25519 AAAA k"; }
volume "data" { size-gb 100; }
script "boot" { content "echo hi"; }
vm "box" {
    gpu "L40"
    image "Ubuntu Server 22.04 LTS R550 CUDA 12.4"
    ssh-keys (ref)"ssh-key.k"
    volumes (ref)"volume.data"
    depends-on (ref)"script.boot"
}
"#;

fn model() -> garrison_config::Model {
    match load_str("main.kdl", CONFIG, &VarInputs::default()) {
        Ok(loaded) => loaded.model,
        Err(failure) => panic!("config: {:?}", failure.errors),
    }
}

#[test]
fn the_config_graph_has_an_edge_per_reference_and_depends_on() {
    let diagram = Diagram::of_model(&model());
    let (dot, _) = check(&diagram);
    let keys: Vec<&String> = dot.nodes.keys().collect();
    assert_eq!(keys, ["script.boot", "ssh-key.k", "vm.box", "volume.data"]);
    let edges: Vec<(&str, &str)> = diagram.edges().collect();
    assert_eq!(
        edges,
        [
            ("vm.box", "script.boot"),
            ("vm.box", "ssh-key.k"),
            ("vm.box", "volume.data")
        ]
    );
    assert!(diagram.nodes().all(|(_, n)| n.tone == Tone::Plain));
}

#[test]
fn the_plan_graph_has_a_node_per_step_and_its_waits() {
    let model = model();
    let planned = plan(
        &model,
        &StateDoc::fresh(),
        &RemoteView::default(),
        PlanOptions::default(),
    )
    .expect("a plan");
    let diagram = Diagram::of_plan(&planned);
    assert_eq!(diagram.nodes().count(), planned.steps.len());
    let (dot, _) = check(&diagram);
    assert!(dot.nodes.contains_key("create vm.box"), "{dot:?}");
    assert!(diagram.nodes().all(|(_, n)| n.tone == Tone::Create));
    for dep in [
        "create ssh-key.k",
        "create volume.data",
        "create script.boot",
    ] {
        assert!(
            dot.edges
                .contains(&("create vm.box".to_string(), dep.to_string())),
            "{dep}: {dot:?}"
        );
    }
}
