//! The step graph of a plan, built once from its steps: step id -> index, who waits on
//! whom, and how many steps each one waits for. The executor and the scheduler walk it.

use std::collections::HashMap;

use crate::step::Step;

/// The edges of `&[Step]` by index (position in the slice). An `after` id that names no
/// step is ignored; a repeated one counts once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepGraph {
    index: HashMap<usize, usize>,
    dependents: Vec<Vec<usize>>,
    in_degree: Vec<usize>,
}

impl StepGraph {
    pub fn new(steps: &[Step]) -> Self {
        let index: HashMap<usize, usize> =
            steps.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
        let mut in_degree = vec![0; steps.len()];
        for (i, step) in steps.iter().enumerate() {
            for before in &step.after {
                let Some(&b) = index.get(before) else {
                    continue;
                };
                // Steps are visited in index order, so a repeat of `before` ends the list.
                if dependents[b].last() != Some(&i) {
                    dependents[b].push(i);
                    in_degree[i] += 1;
                }
            }
        }
        StepGraph {
            index,
            dependents,
            in_degree,
        }
    }

    /// How many steps the graph holds.
    pub fn len(&self) -> usize {
        self.in_degree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.in_degree.is_empty()
    }

    /// The index of the step with this id.
    pub fn index_of(&self, id: usize) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// The steps (indexes) that wait on step `i`, in index order.
    pub fn dependents(&self, i: usize) -> &[usize] {
        &self.dependents[i]
    }

    /// How many steps step `i` waits for.
    pub fn in_degree(&self, i: usize) -> usize {
        self.in_degree[i]
    }

    /// The steps that wait for nothing, in index order.
    pub fn roots(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.in_degree[i] == 0)
            .collect()
    }

    /// Each step's in-degree, to count down as steps finish.
    pub fn in_degrees(&self) -> Vec<usize> {
        self.in_degree.clone()
    }
}

#[cfg(test)]
mod tests {
    use garrison_config::model::Kind;

    use super::*;
    use crate::step::StepOp;

    fn step(id: usize, after: &[usize]) -> Step {
        Step {
            id,
            address: format!("script.s{id}").parse().expect("a state key"),
            kind: Kind::Script,
            op: StepOp::Create,
            after: after.to_vec(),
            create_before_destroy: false,
        }
    }

    #[test]
    fn edges_by_index_with_unknown_and_repeated_ids_ignored() {
        // Ids need not be positions: the graph maps them.
        let steps = [step(10, &[]), step(11, &[10, 10, 99]), step(12, &[10, 11])];
        let g = StepGraph::new(&steps);
        assert_eq!(g.len(), 3);
        assert_eq!(g.index_of(11), Some(1));
        assert_eq!(g.index_of(99), None);
        assert_eq!(g.dependents(0), [1, 2]);
        assert_eq!(g.dependents(1), [2]);
        assert!(g.dependents(2).is_empty());
        assert_eq!(g.in_degrees(), [0, 1, 2]);
        assert_eq!(g.roots(), [0]);
    }
}
