//! Planning what the state holds and the config no longer wants: deleted, or forgotten
//! (already gone, or a second entry of one object).

use std::collections::BTreeSet;

use garrison_config::model::Kind;
use serde_json::json;

use crate::action::{Action, AttrChange, ResourceChange};
use crate::desired::Attrs;
use crate::error::PlanError;
use crate::protect;
use crate::schema::{self, Update};

use super::sensitive::redact;
use super::{Current, Run};

impl Run<'_> {
    /// Plans every state entry no wanted resource (nor a move) took.
    pub(super) fn plan_leaving(&mut self) {
        let moved_sources: BTreeSet<&str> = self.moves.values().map(String::as_str).collect();
        for (address, cur) in &self.current {
            if self.changes.contains_key(address) || moved_sources.contains(*address) {
                continue;
            }
            let rs = cur.state;
            let kind = rs.kind;
            let (action, reasons) = match &cur.observed {
                _ if self.duplicates.contains_key(*address) => (
                    Action::Forget,
                    vec![format!(
                        "a second state entry of `{}`'s object (an interrupted move): dropped from the state, the object is kept",
                        self.duplicates[*address]
                    )],
                ),
                None => (
                    Action::Forget,
                    vec!["removed from the config and already deleted outside Garrison".to_string()],
                ),
                Some(_) if kept(self.model, rs) => (
                    Action::Forget,
                    vec!["`removed` with `destroy=#false`: dropped from the state; the object stays in the cloud, unmanaged".to_string()],
                ),
                Some(_) => (
                    Action::Delete,
                    vec![if self.options.destroy {
                        "destroy requested".to_string()
                    } else {
                        "no longer in the config".to_string()
                    }],
                ),
            };
            let protect = protect::on_delete(self.model, rs);
            if action == Action::Delete && protect {
                self.errors.push(PlanError::Protected {
                    address: address.to_string(),
                    verb: "destroyed",
                    detail: String::new(),
                    src: None,
                    at: None,
                });
            }
            let before = cur
                .observed
                .as_ref()
                .map(|o| self.ids.to_addresses(kind, o));
            let attrs = leaving_attrs(kind, before.as_ref(), cur);
            let change = ResourceChange {
                address: rs.address.clone(),
                kind,
                action,
                name: rs.name.clone(),
                region: rs.region.clone(),
                remote_id: Some(rs.remote_id.to_string().into()),
                attrs,
                reasons,
                create_before_destroy: false,
                cost_before: None,
                cost_after: None,
                moved_from: None,
                imported: None,
            };
            self.changes.insert(address.to_string(), redact(change));
        }
    }
}

/// A `removed` block with `destroy=#false` names this state entry.
/// A deposed object (the old half of a create-before-destroy replacement) is never kept:
/// nothing would ever delete it.
fn kept(model: &garrison_config::model::Model, rs: &garrison_state::ResourceState) -> bool {
    let Some(address) = rs.address.live() else {
        return false;
    };
    model
        .removed
        .iter()
        .any(|r| !r.destroy && r.matches(address))
}

/// The attributes a leaving resource had (links as addresses): all shown going away.
fn leaving_attrs(kind: Kind, before: Option<&Attrs>, cur: &Current<'_>) -> Vec<AttrChange> {
    let rs = cur.state;
    before
        .iter()
        .flat_map(|b| {
            schema::attrs(kind)
                .iter()
                .filter(|s| s.update != Update::Computed)
                .filter_map(|s| {
                    b.get(s.name)
                        .filter(|v| !v.is_null() && *v != &json!([]))
                        .map(|v| {
                            let mut change = AttrChange::named(s.name, Some(v.clone()), None);
                            change.sensitive = rs
                                .attributes
                                .get(s.name)
                                .is_some_and(crate::seal::is_sealed);
                            change.multiline = s.multiline;
                            change
                        })
                })
        })
        .collect()
}
