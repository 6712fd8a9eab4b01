//! The dependency graph (petgraph): config order for planning, and the step graph for apply.

mod builder;
mod deps;
mod order;
mod step_graph;
mod steps;

use std::collections::BTreeSet;

use garrison_config::model::Resource;
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

pub(crate) use builder::{Role, StepIndex};
pub(crate) use deps::Deps;
pub use step_graph::StepGraph;
pub(crate) use steps::steps;

/// Every resource instance a resource depends on: its references and `depends-on`.
pub fn dependencies(resource: &Resource) -> BTreeSet<String> {
    resource
        .refs
        .iter()
        .chain(&resource.depends_on)
        .filter(|edge| edge.target != resource.address)
        .map(|edge| edge.target.to_string())
        .collect()
}

/// Indexes of `wanted` in dependency order (dependencies first), or the cycle as text
/// (`a -> b -> a`).
pub(crate) fn config_order(wanted: &[&Resource], deps: &Deps<'_>) -> Result<Vec<usize>, String> {
    let mut graph = DiGraph::<usize, ()>::with_capacity(wanted.len(), wanted.len() * 2);
    let nodes: Vec<NodeIndex> = (0..wanted.len()).map(|i| graph.add_node(i)).collect();
    for i in 0..wanted.len() {
        for &j in deps.of(i) {
            graph.add_edge(nodes[j], nodes[i], ());
        }
    }
    match toposort(&graph, None) {
        Ok(order) => Ok(order.into_iter().map(|n| graph[n]).collect()),
        Err(cycle) => {
            let start = graph[cycle.node_id()];
            Err(describe_cycle(wanted, deps, start))
        }
    }
}

fn describe_cycle(wanted: &[&Resource], deps: &Deps<'_>, start: usize) -> String {
    // Walk dependencies from `start` until a node repeats.
    let mut path = vec![start];
    let mut seen = BTreeSet::from([start]);
    let mut at = start;
    loop {
        let next = deps
            .of(at)
            .iter()
            .copied()
            .find(|&j| reaches(deps, j, start) || j == start);
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

fn reaches(deps: &Deps<'_>, from: usize, to: usize) -> bool {
    let mut stack = vec![from];
    let mut seen = BTreeSet::new();
    while let Some(at) = stack.pop() {
        if at == to {
            return true;
        }
        if seen.insert(at) {
            stack.extend(deps.of(at).iter().copied());
        }
    }
    false
}
