//! The parse tree loading works on: every node, entry and string of a file in a few flat
//! vectors (an arena), read through small copyable handles ([`KdlNode`], [`KdlEntry`],
//! [`KdlIdentifier`], [`KdlValue`]) with the `kdl` crate's method names.
//!
//! A `kdl` crate node is 448 bytes and an entry 384 (formatting kept for round-trips); an
//! owned tree of boxed nodes was still ~1.2 KB per resource. Here a node is 56 bytes and an
//! entry 64, stored contiguously (a node's children and entries are ranges of the arena), and
//! every name and string lives in one shared buffer: no allocation per node, entry or string.
//! At 100k resources the tree was most of loading's peak memory (docs/performance.md, B1).
//! The fast parser (`fastkdl.rs`) builds it through [`Builder`]; the `kdl` crate's tree is
//! converted ([`from_kdl`]). `garrison fmt` keeps the `kdl` crate's own tree.

use std::fmt;

use miette::SourceSpan;

mod builder;
mod from_kdl;

pub(crate) use builder::{Builder, NewEntry, NewNode};
pub use from_kdl::from_kdl;

/// "Absent" in a `u32` field: no type annotation, no property name, no children block.
const NONE: u32 = u32::MAX;

/// A byte range of the file, stored small.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Range {
    offset: u32,
    len: u32,
}

impl Range {
    fn new(offset: usize, len: usize) -> Self {
        Range {
            offset: small(offset),
            len: small(len),
        }
    }

    fn of(span: SourceSpan) -> Self {
        Range::new(span.offset(), span.len())
    }

    fn span(self) -> SourceSpan {
        SourceSpan::new((self.offset as usize).into(), self.len as usize)
    }
}

/// Files are bounded far below 4 GiB (`fileread.rs`); saturate rather than wrap.
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE - 1)
}

/// A run of the arena: a string in its buffer, a node's entries or a block's nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Run {
    start: u32,
    len: u32,
}

impl Run {
    const ABSENT: Run = Run {
        start: NONE,
        len: 0,
    };

    fn present(self) -> bool {
        self.start != NONE
    }

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// A name, key or annotation as stored: its text and where it is written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ident {
    text: Run,
    range: Range,
}

impl Ident {
    const ABSENT: Ident = Ident {
        text: Run::ABSENT,
        range: Range { offset: 0, len: 0 },
    };

    /// Its text in the buffer (a bare word read as a value reuses it).
    pub(crate) fn text(self) -> Run {
        self.text
    }

    fn or_absent(ident: Option<Ident>) -> Ident {
        ident.unwrap_or(Ident::ABSENT)
    }
}

/// A value as stored (integers beyond `i64` in a side list).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Val {
    String(Run),
    Integer(i64),
    Big(u32),
    Float(f64),
    Bool(bool),
    Null,
}

#[derive(Clone, Copy, Debug)]
struct EntryRec {
    name: Ident,
    ty: Ident,
    value: Val,
    range: Range,
    /// Index into [`Arena::reprs`], or [`NONE`].
    repr: u32,
}

/// A node as stored, before or after it joins its block.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NodeRec {
    name: Ident,
    ty: Ident,
    entries: Run,
    /// [`Run::ABSENT`] when the node has no `{ }` block.
    children: Run,
    range: Range,
}

/// Everything a document holds.
#[derive(Debug, Default)]
struct Arena {
    strings: String,
    nodes: Vec<NodeRec>,
    entries: Vec<EntryRec>,
    bigs: Vec<i128>,
    reprs: Vec<Box<str>>,
}

static EMPTY: Arena = Arena {
    strings: String::new(),
    nodes: Vec::new(),
    entries: Vec::new(),
    bigs: Vec::new(),
    reprs: Vec::new(),
};

impl Arena {
    fn str(&self, run: Run) -> &str {
        self.strings.get(run.range()).unwrap_or_default()
    }

    fn ident(&self, ident: Ident) -> Option<KdlIdentifier<'_>> {
        ident.text.present().then(|| KdlIdentifier {
            value: self.str(ident.text),
            range: ident.range,
        })
    }

    fn value(&self, value: Val) -> KdlValue<'_> {
        match value {
            Val::String(run) => KdlValue::String(self.str(run)),
            Val::Integer(i) => KdlValue::Integer(i128::from(i)),
            Val::Big(at) => KdlValue::Integer(self.bigs.get(at as usize).copied().unwrap_or(0)),
            Val::Float(f) => KdlValue::Float(f),
            Val::Bool(b) => KdlValue::Bool(b),
            Val::Null => KdlValue::Null,
        }
    }

    fn nodes(&self, run: Run) -> Nodes<'_> {
        Nodes {
            arena: self,
            recs: self.nodes.get(run.range()).unwrap_or_default(),
        }
    }
}

/// A parsed file.
#[derive(Debug, Default)]
pub struct KdlDocument {
    arena: Arena,
    root: Run,
}

impl KdlDocument {
    /// The top-level nodes, in order.
    pub fn nodes(&self) -> Nodes<'_> {
        self.arena.nodes(self.root)
    }
}

/// A value: the `kdl` crate's variants, strings borrowed from the document.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KdlValue<'t> {
    /// A quoted or bare string.
    String(&'t str),
    /// An integer.
    Integer(i128),
    /// A float.
    Float(f64),
    /// `#true` / `#false`.
    Bool(bool),
    /// `#null`.
    Null,
}

impl<'t> KdlValue<'t> {
    /// The string, if it is one.
    pub fn as_string(self) -> Option<&'t str> {
        match self {
            KdlValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if it is one.
    pub fn as_integer(self) -> Option<i128> {
        match self {
            KdlValue::Integer(i) => Some(i),
            _ => None,
        }
    }

    /// The float, if it is one.
    pub fn as_float(self) -> Option<f64> {
        match self {
            KdlValue::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The boolean, if it is one.
    pub fn as_bool(self) -> Option<bool> {
        match self {
            KdlValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Whether it is `#null`.
    pub fn is_null(self) -> bool {
        matches!(self, KdlValue::Null)
    }
}

impl fmt::Display for KdlValue<'_> {
    /// As KDL writes it (strings quoted and escaped).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KdlValue::String(s) => write!(f, "{:?}", s),
            KdlValue::Integer(i) => write!(f, "{i}"),
            KdlValue::Float(x) => write!(f, "{x:?}"),
            KdlValue::Bool(b) => write!(f, "#{b}"),
            KdlValue::Null => f.write_str("#null"),
        }
    }
}

/// A node name, property key or type annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdlIdentifier<'t> {
    value: &'t str,
    range: Range,
}

impl<'t> KdlIdentifier<'t> {
    /// Its text (escapes resolved).
    pub fn value(self) -> &'t str {
        self.value
    }

    /// Where it is written.
    pub fn span(self) -> SourceSpan {
        self.range.span()
    }
}

/// An argument (`name` is `None`) or a property of a node.
#[derive(Clone, Copy)]
pub struct KdlEntry<'t> {
    arena: &'t Arena,
    rec: &'t EntryRec,
}

impl<'t> KdlEntry<'t> {
    /// The property key; `None` for an argument.
    pub fn name(self) -> Option<KdlIdentifier<'t>> {
        self.arena.ident(self.rec.name)
    }

    /// The type annotation, `(ref)` in `(ref)"vm.x"`.
    pub fn ty(self) -> Option<KdlIdentifier<'t>> {
        self.arena.ident(self.rec.ty)
    }

    /// The value.
    pub fn value(self) -> KdlValue<'t> {
        self.arena.value(self.rec.value)
    }

    /// The whole entry (key, annotation and value).
    pub fn span(self) -> SourceSpan {
        self.rec.range.span()
    }

    /// The value as written in the file, when it differs in form from a plain quoted
    /// string (a raw string `#"..."#`, say); `None` from the fast path.
    pub fn value_repr(self) -> Option<&'t str> {
        self.arena.reprs.get(self.rec.repr as usize).map(|r| &**r)
    }
}

impl fmt::Debug for KdlEntry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KdlEntry")
            .field("name", &self.name())
            .field("ty", &self.ty())
            .field("value", &self.value())
            .finish()
    }
}

/// A node: name, annotation, entries and children.
#[derive(Clone, Copy)]
pub struct KdlNode<'t> {
    arena: &'t Arena,
    rec: &'t NodeRec,
}

impl<'t> KdlNode<'t> {
    /// The node's name.
    pub fn name(self) -> KdlIdentifier<'t> {
        self.arena.ident(self.rec.name).unwrap_or(KdlIdentifier {
            value: "",
            range: self.rec.name.range,
        })
    }

    /// The type annotation before the name.
    pub fn ty(self) -> Option<KdlIdentifier<'t>> {
        self.arena.ident(self.rec.ty)
    }

    /// Arguments and properties, in order.
    pub fn entries(self) -> Entries<'t> {
        Entries {
            arena: self.arena,
            recs: self
                .arena
                .entries
                .get(self.rec.entries.range())
                .unwrap_or_default(),
        }
    }

    /// The nodes of the `{ ... }` block.
    pub fn children(self) -> Option<Nodes<'t>> {
        self.rec
            .children
            .present()
            .then(|| self.arena.nodes(self.rec.children))
    }

    /// The value of property `key` (the last one when repeated, as in KDL).
    pub fn get(self, key: &str) -> Option<KdlValue<'t>> {
        self.entries()
            .iter()
            .rev()
            .find(|e| e.name().is_some_and(|n| n.value() == key))
            .map(KdlEntry::value)
    }

    /// The whole node.
    pub fn span(self) -> SourceSpan {
        self.rec.range.span()
    }
}

impl fmt::Debug for KdlNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KdlNode")
            .field("name", &self.name().value())
            .field("span", &self.span())
            .finish_non_exhaustive()
    }
}

/// A run of arena records read as handles: the sequence type (`Copy`, with the slice
/// methods the loader uses) and its iterator. Nodes and entries are both such runs.
macro_rules! sequence {
    ($(#[$doc:meta])* $seq:ident, $iter:ident, $handle:ident, $rec:ty) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $seq<'t> {
            arena: &'t Arena,
            recs: &'t [$rec],
        }

        impl Default for $seq<'_> {
            fn default() -> Self {
                $seq {
                    arena: &EMPTY,
                    recs: &[],
                }
            }
        }

        impl<'t> $seq<'t> {
            /// In order.
            pub fn iter(self) -> $iter<'t> {
                $iter {
                    arena: self.arena,
                    inner: self.recs.iter(),
                }
            }

            /// How many.
            pub fn len(self) -> usize {
                self.recs.len()
            }

            /// Whether there are none.
            pub fn is_empty(self) -> bool {
                self.recs.is_empty()
            }

            /// The one at `i`.
            pub fn get(self, i: usize) -> Option<$handle<'t>> {
                self.recs.get(i).map(|rec| $handle {
                    arena: self.arena,
                    rec,
                })
            }

            /// The first.
            pub fn first(self) -> Option<$handle<'t>> {
                self.get(0)
            }

            /// The last.
            pub fn last(self) -> Option<$handle<'t>> {
                self.len().checked_sub(1).and_then(|i| self.get(i))
            }
        }

        #[doc = concat!("The iterator of [`", stringify!($seq), "`].")]
        #[derive(Clone)]
        pub struct $iter<'t> {
            arena: &'t Arena,
            inner: std::slice::Iter<'t, $rec>,
        }

        impl<'t> Iterator for $iter<'t> {
            type Item = $handle<'t>;

            fn next(&mut self) -> Option<Self::Item> {
                let arena = self.arena;
                self.inner.next().map(|rec| $handle { arena, rec })
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.inner.size_hint()
            }
        }

        impl DoubleEndedIterator for $iter<'_> {
            fn next_back(&mut self) -> Option<Self::Item> {
                let arena = self.arena;
                self.inner.next_back().map(|rec| $handle { arena, rec })
            }
        }

        impl ExactSizeIterator for $iter<'_> {}

        impl<'t> IntoIterator for $seq<'t> {
            type Item = $handle<'t>;
            type IntoIter = $iter<'t>;

            fn into_iter(self) -> Self::IntoIter {
                self.iter()
            }
        }

        impl fmt::Debug for $seq<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.iter()).finish()
            }
        }
    };
}

sequence!(
    /// A block's nodes (or a file's top-level nodes), in order.
    Nodes,
    NodesIter,
    KdlNode,
    NodeRec
);

sequence!(
    /// A node's entries, in order.
    Entries,
    EntriesIter,
    KdlEntry,
    EntryRec
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_and_entries_stay_small() {
        let sizes = (
            std::mem::size_of::<NodeRec>(),
            std::mem::size_of::<EntryRec>(),
        );
        assert!(sizes.0 <= 56 && sizes.1 <= 64, "{sizes:?}");
    }

    #[test]
    fn the_kdl_crates_tree_converts_with_its_spans_and_raw_values() {
        let text = "vm \"a\" {\n    content #\"x\"#\n    (ref)n k=1 big=170141183460469231731687303715884105727\n}\nlast\n";
        let doc = kdl::KdlDocument::parse_v2(text).expect("valid KDL");
        let tree = from_kdl(&doc);
        let vm = tree.nodes().first().expect("a node");
        assert_eq!(vm.name().value(), "vm");
        assert_eq!(vm.span(), doc.nodes()[0].span());
        assert_eq!(
            vm.entries().first().map(KdlEntry::value),
            Some(KdlValue::String("a"))
        );
        let children = vm.children().expect("a block");
        let content = children.first().expect("content");
        assert_eq!(
            content
                .entries()
                .iter()
                .next()
                .and_then(KdlEntry::value_repr),
            Some("#\"x\"#")
        );
        let n = children.get(1).expect("n");
        assert_eq!(n.ty().map(KdlIdentifier::value), Some("ref"));
        let k = n.entries().first().expect("k");
        assert_eq!(k.name().map(KdlIdentifier::value), Some("k"));
        assert_eq!(k.value(), KdlValue::Integer(1));
        assert_eq!(n.get("big"), Some(KdlValue::Integer(i128::MAX)));
        assert_eq!(&text[k.span().offset()..][..k.span().len()], "k=1");
        assert!(n.children().is_none());
        assert_eq!(tree.nodes().last().map(|l| l.name().value()), Some("last"));
        assert_eq!(tree.nodes().len(), 2);
    }
}
