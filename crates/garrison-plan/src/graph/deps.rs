//! The wanted resources by address, and what each one depends on as positions in `wanted`:
//! built once per plan, so ordering the config, building the steps and ordering them look
//! dependencies up by position (each used to format every reference into a string, four
//! times per resource: docs/performance.md, "B1 at 100k: the plan phase").

use std::collections::HashMap;

use garrison_config::model::{Address, Resource};

/// Positions in `wanted` by address, and each resource's dependencies among `wanted`.
#[derive(Default)]
pub(crate) struct Deps<'a> {
    position: HashMap<&'a Address, usize>,
    /// Resource `i`'s dependencies are `targets[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    targets: Vec<usize>,
}

impl<'a> Deps<'a> {
    /// The dependencies of each of `wanted` (its references and `depends-on`, itself left
    /// out), each once, in the text order of their addresses (as [`super::dependencies`]
    /// lists them); those that are not in `wanted` are left out.
    pub(crate) fn new(wanted: &[&'a Resource]) -> Self {
        let position: HashMap<&Address, usize> = wanted
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.address, i))
            .collect();
        let mut starts = Vec::with_capacity(wanted.len() + 1);
        let mut targets = Vec::with_capacity(wanted.len());
        let mut list: Vec<&Address> = Vec::new();
        for r in wanted {
            starts.push(targets.len());
            list.clear();
            list.extend(
                r.refs
                    .iter()
                    .chain(&r.depends_on)
                    .map(|edge| &edge.target)
                    .filter(|t| **t != r.address),
            );
            list.sort_by(|a, b| crate::text_order::cmp(a, b));
            list.dedup();
            targets.extend(list.iter().filter_map(|t| position.get(t).copied()));
        }
        starts.push(targets.len());
        targets.shrink_to_fit();
        Deps {
            position,
            starts,
            targets,
        }
    }

    /// The position of `address` in `wanted`.
    pub(crate) fn position(&self, address: &Address) -> Option<usize> {
        self.position.get(address).copied()
    }

    /// The positions of what resource `i` depends on, in the text order of their addresses.
    pub(crate) fn of(&self, i: usize) -> &[usize] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&start), Some(&end)) => &self.targets[start..end],
            _ => &[],
        }
    }
}
