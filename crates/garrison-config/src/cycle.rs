//! Dependency cycles between resource instances, reported with every edge labelled.
//! Iterative throughout (strongly connected components first, then a path search inside
//! one), so a chain of 100k resources costs linear time and no stack.

use std::collections::{BTreeMap, BTreeSet};

use crate::collect::Diags;
use crate::diagnostic::{Code, Label};
use crate::model::{Address, Edge, Resource};
use crate::positions::Positions;

/// Reports each dependency cycle once (per strongly connected component).
pub(crate) fn check(resources: &[Resource], positions: &Positions<'_>, diags: &mut Diags) {
    if acyclic(resources, positions) {
        return;
    }
    report(resources, diags);
}

/// Whether the graph certainly has no cycle: checked on positions, with no address
/// compared (the usual case, and at 100k resources the ordered maps of [`report`] cost
/// more than the rest of validation). Unsure (an address declared twice): `false`.
fn acyclic(resources: &[Resource], positions: &Positions<'_>) -> bool {
    if !positions.unique() {
        return false;
    }
    let succ: Vec<Vec<usize>> = resources
        .iter()
        .map(|r| {
            r.refs
                .iter()
                .chain(&r.depends_on)
                .filter_map(|e| positions.get(&e.target))
                .collect()
        })
        .collect();
    !crate::scc::has_cycle(&succ)
}

/// Finds and reports the cycles, each edge labelled.
fn report(resources: &[Resource], diags: &mut Diags) {
    let mut graph: BTreeMap<&Address, Vec<&Edge>> = BTreeMap::new();
    for r in resources {
        let edges = graph.entry(&r.address).or_default();
        for e in r.refs.iter().chain(&r.depends_on) {
            if !edges.iter().any(|x| x.target == e.target) {
                edges.push(e);
            }
        }
    }
    let on_cycles = crate::scc::on_cycles(&graph);
    let mut reported: BTreeSet<Address> = BTreeSet::new();
    for start in graph.keys().copied().collect::<Vec<_>>() {
        if reported.contains(start) {
            continue;
        }
        let Some(component) = on_cycles.get(start) else {
            continue;
        };
        if let Some(cycle) = find_cycle(&graph, start, |a| on_cycles.get(a) == Some(component)) {
            for (from, _) in &cycle {
                reported.insert((*from).clone());
            }
            let path = cycle
                .iter()
                .map(|(from, _)| format!("`{from}`"))
                .chain(std::iter::once(format!("`{start}`")))
                .collect::<Vec<_>>()
                .join(" -> ");
            let labels = cycle
                .iter()
                .map(|(from, e)| Label {
                    span: e.span.clone(),
                    text: format!("`{from}` depends on `{}` here", e.target),
                })
                .collect();
            diags.error_labels(
                Code::Cycle,
                format!("dependency cycle: {path}"),
                labels,
                Some("resources are created in dependency order; remove one of these references to break the cycle".to_owned()),
            );
        }
    }
}

/// A cycle through `start`, as (from, edge) steps, if there is one: the first found by a
/// depth-first search in edge order through the nodes `inside` accepts.
fn find_cycle<'g>(
    graph: &BTreeMap<&'g Address, Vec<&'g Edge>>,
    start: &'g Address,
    inside: impl Fn(&Address) -> bool,
) -> Option<Vec<(&'g Address, &'g Edge)>> {
    let mut path: Vec<(&Address, &Edge)> = Vec::new();
    let mut visited: BTreeSet<&Address> = BTreeSet::from([start]);
    // (node, index of its next edge to follow)
    let mut stack: Vec<(&Address, usize)> = vec![(start, 0)];
    while let Some((node, next)) = stack.last_mut() {
        let node: &'g Address = node;
        let edges = graph.get(node).map(Vec::as_slice).unwrap_or_default();
        let Some(e) = edges.get(*next).copied() else {
            stack.pop();
            path.pop();
            continue;
        };
        *next += 1;
        if &e.target == start {
            path.push((node, e));
            return Some(path);
        }
        if let Some((target, _)) = graph.get_key_value(&e.target) {
            if inside(target) && visited.insert(target) {
                path.push((node, e));
                stack.push((target, 0));
            }
        }
    }
    None
}
