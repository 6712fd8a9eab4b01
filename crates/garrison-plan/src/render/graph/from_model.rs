//! The config's dependency graph: one node per resource instance, an edge from each
//! instance to every instance it references or names in `depends-on`.

use garrison_config::model::Model;

use super::{Diagram, Tone};
use crate::graph::dependencies;

impl Diagram {
    /// The dependency graph of `model` (what `garrison graph` draws without `--plan`).
    pub fn of_model(model: &Model) -> Diagram {
        let mut diagram = Diagram::default();
        for resource in &model.resources {
            let address = resource.address.to_string();
            diagram.add_node(address.clone(), address, Tone::Plain);
        }
        for resource in &model.resources {
            let address = resource.address.to_string();
            for dependency in dependencies(resource) {
                diagram.add_edge(&address, &dependency);
            }
        }
        diagram
    }
}
