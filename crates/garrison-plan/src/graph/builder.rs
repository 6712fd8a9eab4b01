//! The step builder: steps indexed by (address, role), and the edges between them.
//!
//! The steps of the wanted resources are found by position in `wanted` (no address is
//! formatted to build or look up the index); every other key (a deposed object, a resource
//! leaving the config) by its text.

use std::cell::OnceCell;
use std::collections::HashMap;

use garrison_config::model::{Address, Kind, Resource, StateKey};

use crate::step::{Step, StepOp};

use super::Deps;

/// What a step is for, within its address (an address has at most one step per role).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Role {
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

/// How many roles there are.
const ROLES: usize = 9;

/// The step of each role at one address (`NONE`: no such step); `u32`, as a plan holds one
/// of these per wanted resource.
type Slots = [u32; ROLES];

const NONE: u32 = u32::MAX;

/// Step ids by (address, role); the later of two steps of one role at one address wins.
pub(crate) struct StepIndex<'d, 'a> {
    wanted: &'d [&'a Resource],
    deps: &'d Deps<'a>,
    /// By position in `wanted`.
    at_wanted: Vec<Slots>,
    /// Every other key, by its text.
    others: HashMap<String, Slots>,
    /// Which roles have any step.
    used: [bool; ROLES],
    /// The wanted positions by address text, built at the first lookup by text that needs it.
    by_text: OnceCell<HashMap<String, usize>>,
}

impl<'d, 'a> StepIndex<'d, 'a> {
    fn new(wanted: &'d [&'a Resource], deps: &'d Deps<'a>) -> Self {
        StepIndex {
            wanted,
            deps,
            at_wanted: vec![[NONE; ROLES]; wanted.len()],
            others: HashMap::new(),
            used: [false; ROLES],
            by_text: OnceCell::new(),
        }
    }

    fn insert(&mut self, key: &StateKey, role: Role, id: usize) {
        self.used[role as usize] = true;
        let slots = match key.live().and_then(|a| self.deps.position(a)) {
            Some(i) => &mut self.at_wanted[i],
            None => self.others.entry(key.to_string()).or_insert([NONE; ROLES]),
        };
        // A plan of four billion steps is not one this index is for: such an id reads as none.
        slots[role as usize] = u32::try_from(id).unwrap_or(NONE);
    }

    fn found(slots: Option<&Slots>, role: Role) -> Option<usize> {
        slots
            .map(|s| s[role as usize])
            .filter(|&id| id != NONE)
            .map(|id| id as usize)
    }

    /// Whether any step has this role.
    pub(crate) fn any(&self, role: Role) -> bool {
        self.used[role as usize]
    }

    /// The step of `role` of the wanted resource at position `i`.
    pub(crate) fn at(&self, i: usize, role: Role) -> Option<usize> {
        Self::found(self.at_wanted.get(i), role)
    }

    /// The step of `role` at a live address.
    pub(crate) fn address(&self, address: &Address, role: Role) -> Option<usize> {
        match self.deps.position(address) {
            Some(i) => self.at(i, role),
            None => self.text(&address.to_string(), role),
        }
    }

    /// The step of `role` at a state key.
    pub(crate) fn key(&self, key: &StateKey, role: Role) -> Option<usize> {
        match key.live() {
            Some(address) => self.address(address, role),
            None => self.text(&key.to_string(), role),
        }
    }

    /// The step of `role` at the key written `text` (as the state writes it).
    pub(crate) fn text(&self, text: &str, role: Role) -> Option<usize> {
        if !self.any(role) {
            return None;
        }
        if let Some(slots) = self.others.get(text) {
            return Self::found(Some(slots), role);
        }
        let by_text = self.by_text.get_or_init(|| {
            self.wanted
                .iter()
                .enumerate()
                .map(|(i, r)| (r.address.to_string(), i))
                .collect()
        });
        by_text.get(text).and_then(|&i| self.at(i, role))
    }
}

pub(super) struct Builder<'d, 'a> {
    pub(super) steps: Vec<Step>,
    pub(super) index: StepIndex<'d, 'a>,
}

impl<'d, 'a> Builder<'d, 'a> {
    /// A builder for at most `steps` steps: sized once, as a plan of 100k creates holds 100k
    /// steps (docs/performance.md, B1).
    pub(super) fn with_capacity(
        steps: usize,
        wanted: &'d [&'a Resource],
        deps: &'d Deps<'a>,
    ) -> Self {
        Builder {
            steps: Vec::with_capacity(steps),
            index: StepIndex::new(wanted, deps),
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
        self.index.insert(address, role, id);
        id
    }

    pub(super) fn edge(&mut self, before: Option<usize>, after: Option<usize>) {
        if let (Some(b), Some(a)) = (before, after) {
            if a != b && !self.steps[a].after.contains(&b) {
                self.steps[a].after.push(b);
            }
        }
    }
}
