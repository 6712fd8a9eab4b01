//! The final step order: renumbered topologically.

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
    // Node weights are the step ids, 0..len: the new id of each, by old id.
    let mut new_id = vec![0; steps.len()];
    for (new, n) in sorted.iter().enumerate() {
        new_id[graph[*n]] = new;
    }
    let mut out: Vec<Step> = steps
        .into_iter()
        .map(|mut s| {
            s.id = new_id[s.id];
            s.after = s.after.iter().map(|&a| new_id[a]).collect();
            s.after.sort_unstable();
            s
        })
        .collect();
    // The new ids are a permutation of the positions: each swap puts one step in its place
    // (no sort, no second buffer of steps).
    for i in 0..out.len() {
        while out[i].id != i {
            let j = out[i].id;
            if out.get(j).is_none_or(|s| s.id == j) {
                break; // not a permutation: a planner bug, left for the executor to report
            }
            out.swap(i, j);
        }
    }
    out
}
