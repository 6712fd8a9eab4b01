//! A resource without `name` gets its default cloud name (the label, or `label-index`) when
//! it is created; an existing object keeps the name it has. So a label renamed with a
//! `moved` block, a `count` index turned into a `for-each` key, or an object imported under
//! another name keeps its object instead of replacing it to rename it.

use std::collections::BTreeMap;

use garrison_config::model::Model;
use garrison_state::StateDoc;

use crate::remote::{ImportFound, RemoteView};

/// The model with every defaulted name set to its existing object's name, when any
/// differs; `None` when nothing changes (the common case: no copy).
pub fn keep_existing_names(model: &Model, state: &StateDoc, remote: &RemoteView) -> Option<Model> {
    // No existing object, no name to keep (a first plan writes no address here).
    if state.resources.is_empty() && remote.imports.is_empty() {
        return None;
    }
    let moves = super::explicit::moves(model, state, &mut Vec::new());
    let existing = |address: &str| -> Option<String> {
        let at = |a: &str| state.resources.get(a).map(|rs| rs.name.clone());
        at(address)
            .or_else(|| moves.get(address).and_then(|from| at(from)))
            .or_else(|| match remote.imports.get(address) {
                Some(ImportFound::Object { name, .. }) => Some(name.clone()),
                _ => None,
            })
    };
    let renamed: BTreeMap<usize, String> = model
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.default_name)
        .filter_map(|(i, r)| {
            let name = existing(&r.address.to_string())?;
            (name != r.name).then_some((i, name))
        })
        .collect();
    if renamed.is_empty() {
        return None;
    }
    let mut out = model.clone();
    for (i, name) in renamed {
        out.resources[i].name = name;
    }
    Some(out)
}
