//! The resource blocks of one config (or module instance) as declared: a list in
//! declaration order, walked in order by expansion and building, and a hash index by
//! kind and label for references. At 100k blocks, an ordered map cost a memcmp-heavy
//! search per reference and a cache miss per step of every walk (docs/performance.md).

use rustc_hash::FxHashMap;

use crate::eval::Block;
use crate::model::Kind;

/// The blocks, by position and by `(kind, label)`.
#[derive(Debug, Default)]
pub(crate) struct Blocks<'a> {
    list: Vec<Block<'a>>,
    index: FxHashMap<(Kind, &'a str), usize>,
}

impl<'a> Blocks<'a> {
    /// The block `kind "label"`.
    pub(crate) fn get(&self, kind: Kind, label: &str) -> Option<&Block<'a>> {
        self.index
            .get(&(kind, label))
            .and_then(|&i| self.list.get(i))
    }

    /// The block at `position`.
    pub(crate) fn at(&self, position: usize) -> Option<&Block<'a>> {
        self.list.get(position)
    }

    /// The block at `position`, to record its expansion.
    pub(crate) fn at_mut(&mut self, position: usize) -> Option<&mut Block<'a>> {
        self.list.get_mut(position)
    }

    /// Adds `block` under `label` (as written in the parse tree).
    pub(crate) fn push(&mut self, label: &'a str, block: Block<'a>) {
        self.index.insert((block.kind, label), self.list.len());
        self.list.push(block);
    }

    /// Room for `more` blocks (a file's top-level node count bounds its blocks).
    pub(crate) fn reserve(&mut self, more: usize) {
        self.list.reserve(more);
        self.index.reserve(more);
    }

    /// How many blocks.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// Every block, in declaration order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Block<'a>> {
        self.list.iter()
    }

    /// The positions of the blocks in `(kind, label)` order: the order of their addresses.
    pub(crate) fn sorted(&self) -> Vec<usize> {
        let mut keys: Vec<((Kind, &'a str), usize)> =
            self.index.iter().map(|(k, i)| (*k, *i)).collect();
        keys.sort_unstable();
        keys.into_iter().map(|(_, i)| i).collect()
    }

    /// Every `(kind, label)`, in no particular order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = (Kind, &'a str)> + '_ {
        self.index.keys().copied()
    }
}
