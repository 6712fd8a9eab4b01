//! The step builder: steps indexed by (address, role), and the edges between them.

use std::collections::HashMap;

use garrison_config::model::{Kind, StateKey};

use crate::step::{Step, StepOp};

/// What a step is for, within its address (an address has at most one step per role).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Role {
    Create,
    Delete,
    Release,
    Update,
    Forget,
    Attach,
    Move,
    Settle,
    HandOver,
}

#[derive(Default)]
pub(super) struct Builder {
    pub(super) steps: Vec<Step>,
    index: HashMap<(String, Role), usize>,
}

impl Builder {
    /// A builder for about `steps` steps (one per change, most plans): sized once, as a
    /// plan of 100k creates holds 100k steps (docs/performance.md, B1).
    pub(super) fn with_capacity(steps: usize) -> Self {
        Builder {
            steps: Vec::with_capacity(steps),
            index: HashMap::with_capacity(steps),
        }
    }

    pub(super) fn add(&mut self, address: &StateKey, kind: Kind, role: Role, op: StepOp) -> usize {
        let id = self.steps.len();
        self.steps.push(Step {
            id,
            address: address.clone(),
            kind,
            op,
            after: Vec::new(),
            create_before_destroy: false,
        });
        self.index.insert((address.to_string(), role), id);
        id
    }

    pub(super) fn get(&self, address: &str, role: Role) -> Option<usize> {
        self.index.get(&(address.to_string(), role)).copied()
    }

    pub(super) fn edge(&mut self, before: Option<usize>, after: Option<usize>) {
        if let (Some(b), Some(a)) = (before, after) {
            if a != b && !self.steps[a].after.contains(&b) {
                self.steps[a].after.push(b);
            }
        }
    }
}
