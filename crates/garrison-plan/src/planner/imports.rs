//! `import` blocks: the state and remote view as if each pending import had been recorded,
//! so the rest of the planner plans an imported object like any other (an import shows the
//! diff that follows it). An import that cannot be done is refused with why: its object is
//! missing, already managed elsewhere, its address holds another object, or has no config.

use std::borrow::Cow;
use std::collections::BTreeMap;

use garrison_config::model::{Import, ImportBy, Model, RemoteId};
use garrison_state::{ResourceState, StateDoc};

use crate::error::PlanError;
use crate::remote::{ImportFound, Observed, RemoteView};

/// The state and view with the pending imports in them; address -> remote id of each.
pub(super) struct Imports<'a> {
    pub(super) state: Cow<'a, StateDoc>,
    pub(super) remote: Cow<'a, RemoteView>,
    pub(super) pending: BTreeMap<String, String>,
}

/// Adds each pending import to (a copy of) the state and view.
pub(super) fn prepare<'a>(
    model: &Model,
    state: &'a StateDoc,
    remote: &'a RemoteView,
    moves: &BTreeMap<String, String>,
    errors: &mut Vec<PlanError>,
) -> Imports<'a> {
    let mut out = Imports {
        state: Cow::Borrowed(state),
        remote: Cow::Borrowed(remote),
        pending: BTreeMap::new(),
    };
    for import in &model.imports {
        let address = import.to.to_string();
        if done(import, state.resources.get(&address)) {
            continue;
        }
        match check(model, state, remote, moves, import) {
            Ok((remote_id, rs, attrs)) => {
                if let Some(first) = twice(&out, &rs) {
                    let id = match &import.by {
                        ImportBy::Id(_) => String::new(),
                        ImportBy::Name(_) => format!(" (id {remote_id})"),
                    };
                    errors.push(PlanError::import(
                        &address,
                        format!(
                            "{} {}{id} is also imported at `{first}`",
                            rs.kind, import.by
                        ),
                        "one object has one address: remove one `import`",
                    ));
                    continue;
                }
                let rs = record(model, import, rs);
                let remote = out.remote.to_mut();
                if let Some(names) = remote.unmanaged.get_mut(&rs.kind) {
                    names.remove(&rs.name);
                }
                remote
                    .resources
                    .insert(address.clone(), Observed::Present { attrs });
                out.state.to_mut().resources.insert(address.clone(), rs);
                out.pending.insert(address, remote_id);
            }
            Err(e) => errors.push(*e),
        }
    }
    out
}

/// The address an earlier `import` block of this plan brings the same object to (one by
/// id and one by name look different to the config).
fn twice(out: &Imports<'_>, rs: &ResourceState) -> Option<String> {
    out.pending
        .iter()
        .find(|(address, id)| {
            **id == rs.remote_id.as_str()
                && out
                    .state
                    .resources
                    .get(*address)
                    .is_some_and(|p| p.kind == rs.kind)
        })
        .map(|(address, _)| address.clone())
}

/// The state already holds the import's object at its address: imported by an earlier
/// apply, and the block can be removed.
fn done(import: &Import, rs: Option<&ResourceState>) -> bool {
    rs.is_some_and(|rs| match &import.by {
        ImportBy::Id(id) => rs.remote_id.as_str() == id,
        ImportBy::Name(name) => &rs.name == name,
    })
}

/// The import's object, or why it cannot be imported.
fn check(
    model: &Model,
    state: &StateDoc,
    remote: &RemoteView,
    moves: &BTreeMap<String, String>,
    import: &Import,
) -> Result<(String, ResourceState, crate::desired::Attrs), Box<PlanError>> {
    let address = import.to.to_string();
    let kind = import.to.kind;
    let refuse =
        |message: String, hint: &str| Err(Box::new(PlanError::import(&address, message, hint)));
    if let Some(rs) = state.resources.get(&address) {
        return refuse(
            format!(
                "cannot import {kind} {}: the state already manages another object here (id {})",
                import.by, rs.remote_id
            ),
            "import to another address, or `garrison state rm` this one first",
        );
    }
    if moves.contains_key(&address) {
        return refuse(
            format!(
                "cannot import {kind} {}: a `moved` block also moves an object here",
                import.by
            ),
            "keep one of the `import` and `moved` blocks",
        );
    }
    if !remote.refreshed {
        return refuse(
            format!(
                "cannot import {kind} {} without reading the cloud",
                import.by
            ),
            "plan without `--refresh=false`",
        );
    }
    let Some(ImportFound::Object {
        remote_id,
        name,
        region,
        created_at,
        attrs,
    }) = remote.imports.get(&address)
    else {
        return refuse(
            format!("there is no {kind} with {} in the account", import.by),
            "`garrison import --all --out FILE` lists every object Garrison does not manage yet",
        );
    };
    if let Some(other) = state
        .resources
        .values()
        .find(|rs| rs.kind == kind && rs.remote_id.as_str() == remote_id)
    {
        return refuse(
            format!(
                "{kind} {} is already managed at `{}`",
                shown(import, remote_id),
                other.address
            ),
            &format!(
                "to give it this address, write `moved from={} to={}` instead",
                crate::suggest::quoted(&other.address),
                crate::suggest::quoted(&address)
            ),
        );
    }
    if model.resource(&import.to).is_none() {
        // A block with `count` / `for-each` (or an index it does not have): its instances.
        let block = import.to.block();
        if let Some(instance) = model
            .resources
            .iter()
            .find(|r| r.address.index.is_some() && r.address.block() == block)
        {
            return refuse(
                format!("`{address}` is not an instance of `{block}`"),
                &format!(
                    "import into one of its instances, e.g. `{}`",
                    instance.address
                ),
            );
        }
        return refuse(
            format!(
                "the config declares no `{address}` to import {kind} {} into",
                import.by
            ),
            "write its block, or let `garrison plan --generate-config-out FILE` write it",
        );
    }
    let rs = ResourceState {
        address: import.to.clone().into(),
        kind,
        remote_id: RemoteId::from(remote_id.as_str()),
        name: name.clone(),
        region: region.clone(),
        attributes: attrs.clone(),
        input_hashes: BTreeMap::new(),
        dependencies: Vec::new(),
        protect: false,
        private_key_lost: false,
        not_ready: false,
        created_at: created_at.clone(),
    };
    Ok((remote_id.clone(), rs, attrs.clone()))
}

/// The object as a message names it: `id 7`, or `name "x" (id 7)`.
fn shown(import: &Import, remote_id: &str) -> String {
    match &import.by {
        ImportBy::Id(_) => import.by.to_string(),
        ImportBy::Name(_) => format!("{} (id {remote_id})", import.by),
    }
}

/// The state entry as apply will record it (dependencies and protection from the config).
fn record(model: &Model, import: &Import, mut rs: ResourceState) -> ResourceState {
    if let Some(resource) = model.resource(&import.to) {
        rs.dependencies = crate::graph::dependencies(resource).into_iter().collect();
        rs.protect = resource.protect;
    }
    rs
}
