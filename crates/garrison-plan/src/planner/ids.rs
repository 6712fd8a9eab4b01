//! Remote id -> address, per kind, from the state: how observed links are compared.

use std::collections::BTreeMap;

use garrison_config::model::{Kind, RemoteId};
use garrison_state::StateDoc;
use serde_json::{json, Value};

use crate::desired::Attrs;
use crate::schema::{self, Link};

/// Remote id -> address, per kind, from the state.
pub(crate) struct IdIndex {
    by_id: BTreeMap<(Kind, RemoteId), String>,
}

impl IdIndex {
    pub(crate) fn new(state: &StateDoc) -> Self {
        IdIndex {
            by_id: state
                .resources
                .values()
                .map(|rs| ((rs.kind, rs.remote_id.clone()), rs.address.to_string()))
                .collect(),
        }
    }

    /// The same index with moved entries under their new address.
    pub(super) fn moved(mut self, moves: &BTreeMap<String, String>) -> Self {
        let back: BTreeMap<&String, &String> = moves.iter().map(|(to, f)| (f, to)).collect();
        for address in self.by_id.values_mut() {
            if let Some(to) = back.get(address) {
                *address = (*to).clone();
            }
        }
        self
    }

    /// The address a remote id of `kind` belongs to, or a placeholder naming the id.
    pub(crate) fn address(&self, kind: Kind, id: &str) -> String {
        self.by_id
            .get(&(kind, RemoteId::from(id)))
            .cloned()
            .unwrap_or_else(|| garrison_config::model::unmanaged_link(kind, id))
    }

    /// The addresses of an observed list of remote ids of `kind` (ids as strings or
    /// numbers); empty when there is no list.
    pub(crate) fn addresses_of(&self, kind: Kind, list: Option<&Value>) -> Vec<String> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(id_text)
            .map(|id| self.address(kind, &id))
            .collect()
    }

    /// [`IdIndex::addresses_of`] without the ids the state does not manage.
    pub(crate) fn managed_addresses_of(&self, kind: Kind, list: Option<&Value>) -> Vec<String> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(id_text)
            .filter_map(|id| {
                self.by_id
                    .get(&(kind, RemoteId::from(id.as_str())))
                    .cloned()
            })
            .collect()
    }

    /// Observed attributes with link ids replaced by addresses.
    pub(crate) fn to_addresses(&self, kind: Kind, observed: &Attrs) -> Attrs {
        let mut out = observed.clone();
        for spec in schema::attrs(kind) {
            let Some(value) = out.get_mut(spec.name) else {
                continue;
            };
            match spec.link {
                Link::None => {}
                Link::One(target) => {
                    if let Some(id) = id_text(value) {
                        *value = json!(self.address(target, &id));
                    }
                }
                Link::Many(target) => {
                    if let Value::Array(items) = value {
                        let mut mapped: Vec<String> = items
                            .iter()
                            .filter_map(id_text)
                            .map(|id| self.address(target, &id))
                            .collect();
                        mapped.sort();
                        mapped.dedup();
                        *value = json!(mapped);
                    }
                }
            }
        }
        out
    }
}

pub(crate) fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
