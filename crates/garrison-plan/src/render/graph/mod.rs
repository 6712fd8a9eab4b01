//! Graphs to draw: a small neutral graph (nodes with a label and a tone, edges from what
//! waits to what it waits for, as Terraform draws them) built from a config's model or from
//! a plan's steps, and drawn as Graphviz DOT or as a Mermaid flowchart. Nodes and edges
//! are kept sorted, so two drawings of one input are the same text and diff well.

mod dot;
mod from_model;
mod from_plan;
mod mermaid;
#[cfg(test)]
mod read_back;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

pub use dot::to_dot;
pub use mermaid::to_mermaid;

/// How a node is drawn: by what apply does to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tone {
    /// Nothing is said about it (a config's resource, a state-only move).
    Plain,
    /// Created (green).
    Create,
    /// Changed in place, or waited for (yellow).
    Update,
    /// Destroyed, or replaced (red).
    Destroy,
}

impl Tone {
    /// Its name as a style class (`create`, ...); `None` for [`Tone::Plain`].
    pub fn class(self) -> Option<&'static str> {
        match self {
            Tone::Plain => None,
            Tone::Create => Some("create"),
            Tone::Update => Some("update"),
            Tone::Destroy => Some("destroy"),
        }
    }
}

/// One node: what it says, and how it is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub label: String,
    pub tone: Tone,
}

/// A directed graph whose nodes are named by unique keys. An edge goes from a node to one
/// it depends on (it waits for it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagram {
    nodes: BTreeMap<String, Node>,
    edges: BTreeSet<(String, String)>,
}

impl Diagram {
    /// Adds (or relabels) the node `key`.
    pub fn add_node(&mut self, key: impl Into<String>, label: impl Into<String>, tone: Tone) {
        let node = Node {
            label: label.into(),
            tone,
        };
        self.nodes.insert(key.into(), node);
    }

    /// Adds the edge `from -> to` (`from` depends on `to`); an edge to itself or naming a
    /// node not added is left out (returns false).
    pub fn add_edge(&mut self, from: &str, to: &str) -> bool {
        if from == to || !self.nodes.contains_key(from) || !self.nodes.contains_key(to) {
            return false;
        }
        self.edges.insert((from.to_string(), to.to_string()));
        true
    }

    /// Nodes by key, sorted.
    pub fn nodes(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes.iter().map(|(k, n)| (k.as_str(), n))
    }

    /// Edges `(from, to)`, sorted.
    pub fn edges(&self) -> impl Iterator<Item = (&str, &str)> {
        self.edges.iter().map(|(a, b)| (a.as_str(), b.as_str()))
    }

    /// No node at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The tones in use, each once, in order.
    pub(crate) fn tones(&self) -> BTreeSet<Tone> {
        self.nodes.values().map(|n| n.tone).collect()
    }
}

#[cfg(test)]
mod diagram_tests {
    use super::*;

    #[test]
    fn edges_need_both_nodes_and_two_ends() {
        let mut d = Diagram::default();
        d.add_node("b", "b", Tone::Plain);
        d.add_node("a", "a", Tone::Create);
        assert!(d.add_edge("b", "a"));
        assert!(!d.add_edge("a", "a"));
        assert!(!d.add_edge("a", "c"));
        assert!(d.add_edge("b", "a"), "a repeated edge is kept once");
        let keys: Vec<&str> = d.nodes().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(d.edges().collect::<Vec<_>>(), [("b", "a")]);
    }
}
