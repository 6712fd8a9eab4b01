//! Building a document: the fast parser and the `kdl` crate's conversion append strings,
//! entries and blocks to the arena as they meet them.

use super::{small, Arena, EntryRec, Ident, KdlDocument, NodeRec, Range, Run, Val, NONE};

/// Builds a document: strings, entries and blocks are appended as the parser meets them.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    arena: Arena,
}

impl Builder {
    /// A builder sized for `text`: configs write a node per line (with about as many
    /// entries), and names and strings are at most the text. Sized once, the vectors are
    /// never copied while they grow; capacity never written is never resident.
    pub(crate) fn for_text(text: &str) -> Self {
        let lines = text.bytes().filter(|b| *b == b'\n').count() + 1;
        let mut arena = Arena::default();
        arena.nodes.reserve(lines);
        arena.entries.reserve(lines + lines / 4);
        arena.strings.reserve(text.len());
        Builder { arena }
    }

    pub(super) fn string(&mut self, s: &str) -> Run {
        let start = small(self.arena.strings.len());
        self.arena.strings.push_str(s);
        Run {
            start,
            len: small(s.len()),
        }
    }

    /// A name, key or annotation `value` written at `offset..offset + len`.
    pub(crate) fn ident(&mut self, value: &str, offset: usize, len: usize) -> Ident {
        Ident {
            text: self.string(value),
            range: Range::new(offset, len),
        }
    }

    /// A string value.
    pub(crate) fn string_value(&mut self, s: &str) -> Val {
        Val::String(self.string(s))
    }

    /// An integer value.
    pub(crate) fn integer(&mut self, n: i128) -> Val {
        match i64::try_from(n) {
            Ok(small) => Val::Integer(small),
            Err(_) => {
                self.arena.bigs.push(n);
                Val::Big(small(self.arena.bigs.len() - 1))
            }
        }
    }

    /// Where the next node's entries start: its entries are appended one by one after.
    pub(crate) fn entries_mark(&self) -> u32 {
        small(self.arena.entries.len())
    }

    /// The entries appended since `mark` (a node's, before its children add theirs).
    pub(crate) fn entries_since(&self, mark: u32) -> Run {
        Run {
            start: mark,
            len: small(self.arena.entries.len()).saturating_sub(mark),
        }
    }

    /// Appends an entry of the node being parsed.
    pub(crate) fn entry(&mut self, e: NewEntry) {
        let repr = match e.repr {
            Some(r) => {
                self.arena.reprs.push(r.into());
                small(self.arena.reprs.len() - 1)
            }
            None => NONE,
        };
        self.arena.entries.push(EntryRec {
            name: Ident::or_absent(e.name),
            ty: Ident::or_absent(e.ty),
            value: e.value,
            range: Range::new(e.offset, e.len),
            repr,
        });
    }

    /// A node record, to be appended with its block.
    pub(crate) fn node(n: NewNode) -> NodeRec {
        NodeRec {
            name: n.name,
            ty: Ident::or_absent(n.ty),
            entries: n.entries,
            children: n.children.unwrap_or(Run::ABSENT),
            range: Range::new(n.offset, n.len),
        }
    }

    /// Appends a block's nodes (kept contiguous): the block's run.
    pub(crate) fn block(&mut self, nodes: impl IntoIterator<Item = NodeRec>) -> Run {
        let start = small(self.arena.nodes.len());
        self.arena.nodes.extend(nodes);
        Run {
            start,
            len: small(self.arena.nodes.len()).saturating_sub(start),
        }
    }

    /// The document whose top-level block is `root`.
    pub(crate) fn finish(self, root: Run) -> KdlDocument {
        KdlDocument {
            arena: self.arena,
            root,
        }
    }
}

/// An entry for [`Builder::entry`].
pub(crate) struct NewEntry<'s> {
    pub(crate) name: Option<Ident>,
    pub(crate) ty: Option<Ident>,
    pub(crate) value: Val,
    pub(crate) offset: usize,
    pub(crate) len: usize,
    /// The value as written, when the `kdl` crate parsed it.
    pub(crate) repr: Option<&'s str>,
}

/// A node for [`Builder::node`].
pub(crate) struct NewNode {
    pub(crate) name: Ident,
    pub(crate) ty: Option<Ident>,
    pub(crate) entries: Run,
    pub(crate) children: Option<Run>,
    pub(crate) offset: usize,
    pub(crate) len: usize,
}
