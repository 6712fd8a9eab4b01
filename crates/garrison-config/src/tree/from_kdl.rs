//! The `kdl` crate's tree (the parser of last resort, with exact diagnostics) converted
//! into the arena.

use super::builder::{Builder, NewEntry, NewNode};
use super::{Ident, KdlDocument, NodeRec, Range, Run, Val};

/// The `kdl` crate's document as this tree (every name, value, annotation and span).
pub fn from_kdl(doc: &kdl::KdlDocument) -> KdlDocument {
    let mut b = Builder::default();
    let root = block(&mut b, doc);
    b.finish(root)
}

fn block(b: &mut Builder, doc: &kdl::KdlDocument) -> Run {
    let nodes: Vec<NodeRec> = doc.nodes().iter().map(|n| node(b, n)).collect();
    b.block(nodes)
}

fn ident(b: &mut Builder, i: &kdl::KdlIdentifier) -> Ident {
    let range = Range::of(i.span());
    Ident {
        text: b.string(i.value()),
        range,
    }
}

fn node(b: &mut Builder, n: &kdl::KdlNode) -> NodeRec {
    let mark = b.entries_mark();
    for e in n.entries() {
        let new = NewEntry {
            name: e.name().map(|i| ident(b, i)),
            ty: e.ty().map(|i| ident(b, i)),
            value: value(b, e.value()),
            offset: e.span().offset(),
            len: e.span().len(),
            repr: e.format().map(|f| f.value_repr.as_str()),
        };
        b.entry(new);
    }
    let entries = b.entries_since(mark);
    let children = n.children().map(|d| block(b, d));
    let new = NewNode {
        name: ident(b, n.name()),
        ty: n.ty().map(|i| ident(b, i)),
        entries,
        children,
        offset: n.span().offset(),
        len: n.span().len(),
    };
    Builder::node(new)
}

fn value(b: &mut Builder, v: &kdl::KdlValue) -> Val {
    match v {
        kdl::KdlValue::String(s) => b.string_value(s),
        kdl::KdlValue::Integer(i) => b.integer(*i),
        kdl::KdlValue::Float(f) => Val::Float(*f),
        kdl::KdlValue::Bool(x) => Val::Bool(*x),
        kdl::KdlValue::Null => Val::Null,
    }
}
