//! The final step order: renumbered topologically.

use std::collections::HashMap;

use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::step::Step;

/// Renumbers steps in a topological order (ties by address). A cycle here would be a
/// planner bug; the steps are then returned as built and the executor reports it.
pub(super) fn order(steps: Vec<Step>) -> Vec<Step> {
    let mut graph = DiGraph::<usize, ()>::with_capacity(steps.len(), steps.len());
    let nodes: Vec<NodeIndex> = (0..steps.len()).map(|i| graph.add_node(i)).collect();
    for step in &steps {
        for &before in &step.after {
            graph.add_edge(nodes[before], nodes[step.id], ());
        }
    }
    let Ok(sorted) = toposort(&graph, None) else {
        return steps;
    };
    let new_id: HashMap<usize, usize> = sorted
        .iter()
        .enumerate()
        .map(|(new, n)| (graph[*n], new))
        .collect();
    let mut out: Vec<Step> = steps
        .into_iter()
        .map(|mut s| {
            s.id = new_id[&s.id];
            s.after = s.after.iter().map(|a| new_id[a]).collect();
            s.after.sort_unstable();
            s
        })
        .collect();
    out.sort_by_key(|s| s.id);
    out
}
