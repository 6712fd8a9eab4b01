//! The dependency graph (petgraph): config order for planning, and the step graph for apply.

mod builder;
mod order;
mod step_graph;
mod steps;

use std::collections::{BTreeSet, HashMap};

use garrison_config::model::Resource;
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

pub use step_graph::StepGraph;
pub(crate) use steps::steps;

/// Every resource instance a resource depends on: its references and `depends-on`.
pub fn dependencies(resource: &Resource) -> BTreeSet<String> {
    resource
        .refs
        .iter()
        .chain(&resource.depends_on)
        .map(|edge| edge.target.to_string())
        .filter(|t| *t != resource.address.to_string())
        .collect()
}

/// Indexes of `wanted` in dependency order (dependencies first), or the cycle as text
/// (`a -> b -> a`).
pub(crate) fn config_order(wanted: &[&Resource]) -> Result<Vec<usize>, String> {
    let index: HashMap<String, usize> = wanted
        .iter()
        .enumerate()
        .map(|(i, r)| (r.address.to_string(), i))
        .collect();
    let mut graph = DiGraph::<usize, ()>::with_capacity(wanted.len(), wanted.len() * 2);
    let nodes: Vec<NodeIndex> = (0..wanted.len()).map(|i| graph.add_node(i)).collect();
    for (i, resource) in wanted.iter().enumerate() {
        for dep in dependencies(resource) {
            if let Some(&j) = index.get(&dep) {
                graph.add_edge(nodes[j], nodes[i], ());
            }
        }
    }
    match toposort(&graph, None) {
        Ok(order) => Ok(order.into_iter().map(|n| graph[n]).collect()),
        Err(cycle) => {
            let start = graph[cycle.node_id()];
            Err(describe_cycle(wanted, &index, start))
        }
    }
}

fn describe_cycle(wanted: &[&Resource], index: &HashMap<String, usize>, start: usize) -> String {
    // Walk dependencies from `start` until a node repeats.
    let mut path = vec![start];
    let mut seen = BTreeSet::from([start]);
    let mut at = start;
    loop {
        let next = dependencies(wanted[at])
            .into_iter()
            .filter_map(|d| index.get(&d).copied())
            .find(|&j| reaches(wanted, index, j, start) || j == start);
        match next {
            Some(j) if seen.contains(&j) => {
                path.push(j);
                break;
            }
            Some(j) => {
                seen.insert(j);
                path.push(j);
                at = j;
            }
            None => break,
        }
    }
    path.iter()
        .map(|&i| wanted[i].address.to_string())
        .collect::<Vec<_>>()
        .join(" -> ")
}

fn reaches(wanted: &[&Resource], index: &HashMap<String, usize>, from: usize, to: usize) -> bool {
    let mut stack = vec![from];
    let mut seen = BTreeSet::new();
    while let Some(at) = stack.pop() {
        if at == to {
            return true;
        }
        if seen.insert(at) {
            stack.extend(
                dependencies(wanted[at])
                    .iter()
                    .filter_map(|d| index.get(d).copied()),
            );
        }
    }
    false
}
