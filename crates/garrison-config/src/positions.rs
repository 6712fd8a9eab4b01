//! Where each resource instance sits in the model's list: one hash index, built once and
//! shared by the checks across resources and the cycle check. At 100k resources, ordered
//! maps of addresses cost more than the rest of validation (docs/performance.md).

use rustc_hash::FxHashMap;

use crate::model::{Address, Resource};

/// Each address's position in the resource list.
pub(crate) struct Positions<'r> {
    of: FxHashMap<&'r Address, usize>,
    unique: bool,
}

impl<'r> Positions<'r> {
    /// Indexes `resources`; an address declared twice points at its last instance.
    pub(crate) fn new(resources: &'r [Resource]) -> Self {
        let mut of = FxHashMap::with_capacity_and_hasher(resources.len(), Default::default());
        let mut unique = true;
        for (i, r) in resources.iter().enumerate() {
            unique &= of.insert(&r.address, i).is_none();
        }
        Positions { of, unique }
    }

    /// The position of `address`, when it is declared.
    pub(crate) fn get(&self, address: &Address) -> Option<usize> {
        self.of.get(address).copied()
    }

    /// Every address is declared once.
    pub(crate) fn unique(&self) -> bool {
        self.unique
    }
}
