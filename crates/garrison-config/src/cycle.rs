//! Dependency cycles between resource instances, reported with every edge labelled.

use std::collections::{BTreeMap, BTreeSet};

use crate::collect::Diags;
use crate::diagnostic::{Code, Label};
use crate::model::{Address, Edge, Resource};

/// Reports each dependency cycle once (per strongly connected component).
pub(crate) fn check(resources: &[Resource], diags: &mut Diags) {
    let mut graph: BTreeMap<&Address, Vec<&Edge>> = BTreeMap::new();
    for r in resources {
        let edges = graph.entry(&r.address).or_default();
        for e in r.refs.iter().chain(&r.depends_on) {
            if !edges.iter().any(|x| x.target == e.target) {
                edges.push(e);
            }
        }
    }
    let mut reported: BTreeSet<Address> = BTreeSet::new();
    for start in graph.keys().copied().collect::<Vec<_>>() {
        if reported.contains(start) {
            continue;
        }
        if let Some(cycle) = find_cycle(&graph, start) {
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

/// A cycle through `start`, as (from, edge) steps, if there is one.
fn find_cycle<'g>(
    graph: &BTreeMap<&'g Address, Vec<&'g Edge>>,
    start: &'g Address,
) -> Option<Vec<(&'g Address, &'g Edge)>> {
    let mut path: Vec<(&Address, &Edge)> = Vec::new();
    let mut visited: BTreeSet<&Address> = BTreeSet::new();
    fn dfs<'g>(
        graph: &BTreeMap<&'g Address, Vec<&'g Edge>>,
        node: &'g Address,
        start: &'g Address,
        path: &mut Vec<(&'g Address, &'g Edge)>,
        visited: &mut BTreeSet<&'g Address>,
    ) -> bool {
        if !visited.insert(node) {
            return false;
        }
        for e in graph.get(node).map(Vec::as_slice).unwrap_or_default() {
            path.push((node, e));
            if &e.target == start {
                return true;
            }
            if let Some((target, _)) = graph.get_key_value(&e.target) {
                if dfs(graph, target, start, path, visited) {
                    return true;
                }
            }
            path.pop();
        }
        false
    }
    dfs(graph, start, start, &mut path, &mut visited).then_some(path)
}
