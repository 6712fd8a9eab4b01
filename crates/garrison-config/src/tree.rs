//! The parse tree loading works on: a compact copy of the `kdl` crate's nodes (names,
//! type annotations, entries, children, spans; no formatting), with the same method names.
//!
//! A `kdl` crate node is 448 bytes and an entry 384 (formatting and spans kept for
//! round-tripping); these are 80 and 112. At 100k resources the `kdl` tree was most of an
//! offline plan's peak memory (docs/performance.md, B1). The fast parser (`fastkdl.rs`)
//! builds this tree; the `kdl` crate's is converted ([`from_kdl`]). `garrison fmt` keeps
//! the `kdl` crate's own tree (it needs the formatting).

use miette::SourceSpan;

pub use kdl::KdlValue;

/// A byte range of the file, stored small.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Range {
    offset: u32,
    len: u32,
}

impl Range {
    fn new(offset: usize, len: usize) -> Self {
        // Files are bounded far below 4 GiB (`fileread.rs`); saturate rather than wrap.
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Range {
            offset: clamp(offset),
            len: clamp(len),
        }
    }

    fn of(span: SourceSpan) -> Self {
        Range::new(span.offset(), span.len())
    }

    fn span(self) -> SourceSpan {
        SourceSpan::new((self.offset as usize).into(), self.len as usize)
    }
}

/// A node name, property key or type annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KdlIdentifier {
    value: Box<str>,
    range: Range,
}

impl KdlIdentifier {
    /// An identifier at `offset..offset + len`.
    pub fn new(value: impl Into<Box<str>>, offset: usize, len: usize) -> Self {
        KdlIdentifier {
            value: value.into(),
            range: Range::new(offset, len),
        }
    }

    /// Its text (escapes resolved).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where it is written.
    pub fn span(&self) -> SourceSpan {
        self.range.span()
    }
}

/// An argument (`name` is `None`) or a property of a node.
#[derive(Clone, Debug, PartialEq)]
pub struct KdlEntry {
    name: Option<KdlIdentifier>,
    ty: Option<KdlIdentifier>,
    value: KdlValue,
    range: Range,
    /// The value as written, when the `kdl` crate parsed it (the fast path only accepts
    /// values whose text is what they read).
    repr: Option<Box<str>>,
}

impl KdlEntry {
    /// An entry `name=value` (or an argument without `name`) at `offset..offset + len`.
    pub fn new(
        name: Option<KdlIdentifier>,
        ty: Option<KdlIdentifier>,
        value: KdlValue,
        offset: usize,
        len: usize,
    ) -> Self {
        KdlEntry {
            name,
            ty,
            value,
            range: Range::new(offset, len),
            repr: None,
        }
    }

    /// The property key; `None` for an argument.
    pub fn name(&self) -> Option<&KdlIdentifier> {
        self.name.as_ref()
    }

    /// The type annotation, `(ref)` in `(ref)"vm.x"`.
    pub fn ty(&self) -> Option<&KdlIdentifier> {
        self.ty.as_ref()
    }

    /// The value.
    pub fn value(&self) -> &KdlValue {
        &self.value
    }

    /// The whole entry (key, annotation and value).
    pub fn span(&self) -> SourceSpan {
        self.range.span()
    }

    /// The value as written in the file, when it differs in form from a plain quoted
    /// string (a raw string `#"..."#`, say); `None` from the fast path.
    pub fn value_repr(&self) -> Option<&str> {
        self.repr.as_deref()
    }
}

/// A node: name, annotation, entries and children.
#[derive(Clone, Debug, PartialEq)]
pub struct KdlNode {
    name: KdlIdentifier,
    ty: Option<KdlIdentifier>,
    entries: Box<[KdlEntry]>,
    children: Option<Box<KdlDocument>>,
    range: Range,
}

impl KdlNode {
    /// A node at `offset..offset + len`.
    pub fn new(
        name: KdlIdentifier,
        ty: Option<KdlIdentifier>,
        entries: Vec<KdlEntry>,
        children: Option<KdlDocument>,
        offset: usize,
        len: usize,
    ) -> Self {
        KdlNode {
            name,
            ty,
            entries: entries.into_boxed_slice(),
            children: children.map(Box::new),
            range: Range::new(offset, len),
        }
    }

    /// The node's name.
    pub fn name(&self) -> &KdlIdentifier {
        &self.name
    }

    /// The type annotation before the name.
    pub fn ty(&self) -> Option<&KdlIdentifier> {
        self.ty.as_ref()
    }

    /// Arguments and properties, in order.
    pub fn entries(&self) -> &[KdlEntry] {
        &self.entries
    }

    /// The `{ ... }` block.
    pub fn children(&self) -> Option<&KdlDocument> {
        self.children.as_deref()
    }

    /// The value of property `key` (the last one when repeated, as in KDL).
    pub fn get(&self, key: &str) -> Option<&KdlValue> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.name().is_some_and(|n| n.value() == key))
            .map(KdlEntry::value)
    }

    /// The whole node.
    pub fn span(&self) -> SourceSpan {
        self.range.span()
    }
}

/// A file, or the inside of a `{ ... }` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KdlDocument {
    nodes: Box<[KdlNode]>,
}

impl KdlDocument {
    /// A document of `nodes`.
    pub fn new(nodes: Vec<KdlNode>) -> Self {
        KdlDocument {
            nodes: nodes.into_boxed_slice(),
        }
    }

    /// The nodes, in order.
    pub fn nodes(&self) -> &[KdlNode] {
        &self.nodes
    }
}

/// The `kdl` crate's document as this tree (every name, value, annotation and span).
pub fn from_kdl(doc: &kdl::KdlDocument) -> KdlDocument {
    KdlDocument {
        nodes: doc.nodes().iter().map(node).collect(),
    }
}

fn ident(i: &kdl::KdlIdentifier) -> KdlIdentifier {
    KdlIdentifier {
        value: i.value().into(),
        range: Range::of(i.span()),
    }
}

fn node(n: &kdl::KdlNode) -> KdlNode {
    KdlNode {
        name: ident(n.name()),
        ty: n.ty().map(ident),
        entries: n.entries().iter().map(entry).collect(),
        children: n.children().map(|d| Box::new(from_kdl(d))),
        range: Range::of(n.span()),
    }
}

fn entry(e: &kdl::KdlEntry) -> KdlEntry {
    KdlEntry {
        name: e.name().map(ident),
        ty: e.ty().map(ident),
        value: e.value().clone(),
        range: Range::of(e.span()),
        repr: e.format().map(|f| f.value_repr.as_str().into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_and_entries_stay_small() {
        let sizes = (
            std::mem::size_of::<KdlNode>(),
            std::mem::size_of::<KdlEntry>(),
        );
        assert!(sizes.0 <= 80 && sizes.1 <= 112, "{sizes:?}");
    }

    #[test]
    fn the_kdl_crates_tree_converts_with_its_spans_and_raw_values() {
        let text = "vm \"a\" {\n    content #\"x\"#\n    (ref)n k=1\n}\n";
        let doc = kdl::KdlDocument::parse_v2(text).expect("valid KDL");
        let tree = from_kdl(&doc);
        let vm = &tree.nodes()[0];
        assert_eq!(vm.name().value(), "vm");
        assert_eq!(vm.span(), doc.nodes()[0].span());
        let children = vm.children().expect("a block").nodes();
        assert_eq!(children[0].entries()[0].value_repr(), Some("#\"x\"#"));
        assert_eq!(children[1].ty().map(KdlIdentifier::value), Some("ref"));
        let k = &children[1].entries()[0];
        assert_eq!(k.name().map(KdlIdentifier::value), Some("k"));
        assert_eq!(k.value(), &KdlValue::Integer(1));
        assert_eq!(&text[k.span().offset()..][..k.span().len()], "k=1");
    }
}
