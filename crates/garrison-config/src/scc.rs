//! Strongly connected components of the resource graph (Tarjan's algorithm, iterative so
//! that long dependency chains use no stack).

use std::collections::BTreeMap;

use crate::model::{Address, Edge};

/// For every address on some cycle (a component of two or more, or a self-loop), the id of
/// its component.
pub(crate) fn on_cycles<'g>(
    graph: &BTreeMap<&'g Address, Vec<&'g Edge>>,
) -> BTreeMap<&'g Address, usize> {
    let nodes: Vec<&Address> = graph.keys().copied().collect();
    let index_of: BTreeMap<&Address, usize> =
        nodes.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|a| {
            graph[a]
                .iter()
                .filter_map(|e| index_of.get(&e.target).copied())
                .collect()
        })
        .collect();
    let components = tarjan(&succ);
    let mut out = BTreeMap::new();
    for (id, comp) in components.iter().enumerate() {
        if cyclic(comp, &succ) {
            for v in comp {
                out.insert(nodes[*v], id);
            }
        }
    }
    out
}

/// Whether a graph given as successor lists has a cycle (a component of two or more, or a
/// self-loop). Kahn's algorithm: nodes nothing points to are removed until none is left;
/// whatever remains is on a cycle or behind one. No list per component, unlike
/// [`tarjan`] (at 100k resources, 100k lists of one).
pub(crate) fn has_cycle(succ: &[Vec<usize>]) -> bool {
    let mut indegree = vec![0u32; succ.len()];
    for &w in succ.iter().flatten() {
        indegree[w] += 1;
    }
    let mut ready: Vec<usize> = (0..succ.len()).filter(|&v| indegree[v] == 0).collect();
    let mut removed = 0;
    while let Some(v) = ready.pop() {
        removed += 1;
        for &w in &succ[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    removed < succ.len()
}

/// Whether a component is a cycle: two or more nodes, or one with an edge to itself.
fn cyclic(comp: &[usize], succ: &[Vec<usize>]) -> bool {
    comp.len() > 1 || comp.iter().any(|v| succ[*v].contains(v))
}

/// The strongly connected components of a graph given as successor lists.
fn tarjan(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const NONE: usize = usize::MAX;
    let n = succ.len();
    let (mut index, mut low) = (vec![NONE; n], vec![0; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut components) = (Vec::new(), Vec::new());
    let mut counter = 0;
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        // (node, next successor to look at)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = work.last_mut() {
            if let Some(&w) = succ[v].get(*next) {
                *next += 1;
                if index[w] == NONE {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(comp);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_components() {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 4 -> 4
        let succ = vec![vec![1], vec![2], vec![0, 3], vec![], vec![4]];
        let mut comps: Vec<Vec<usize>> = tarjan(&succ)
            .into_iter()
            .map(|mut c| {
                c.sort();
                c
            })
            .collect();
        comps.sort();
        assert_eq!(comps, vec![vec![0, 1, 2], vec![3], vec![4]]);
    }

    #[test]
    fn has_cycle_agrees_with_the_components() {
        let cases: [(Vec<Vec<usize>>, bool); 6] = [
            (vec![], false),
            (vec![vec![1], vec![2], vec![]], false),
            (vec![vec![0]], true),
            (vec![vec![1], vec![0]], true),
            // a cycle behind an acyclic start: 0 -> 1 -> 2 -> 1
            (vec![vec![1], vec![2], vec![1]], true),
            // a diamond with a repeated edge: 0 -> 1, 0 -> 2 (twice), 1 -> 3, 2 -> 3
            (vec![vec![1, 2, 2], vec![3], vec![3], vec![]], false),
        ];
        for (succ, want) in cases {
            let by_components = tarjan(&succ).iter().any(|c| cyclic(c, &succ));
            assert_eq!(has_cycle(&succ), want, "{succ:?}");
            assert_eq!(by_components, want, "{succ:?}");
        }
    }
}
