//! `garrison import ADDRESS ID`: record one existing object at a config address, under the
//! lock and through the journal, without changing the cloud. The planner checks it exactly
//! as it checks an `import` block (missing, managed elsewhere, address taken, no config, or
//! a config that would replace it), so the two can never disagree.

use barrack_api::Client;
use garrison_config::model::{Address, Import, ImportBy, Model};
use garrison_plan::{Action, PlanOptions};
use garrison_state::{Backend, LockInfo, Outcome, Store};

use crate::error::EngineError;
use crate::record::resource_state;
use crate::refresh::refresh;

/// What `import_one` recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedOne {
    /// The object's remote id and cloud name.
    pub remote_id: String,
    pub name: String,
    /// It was already recorded at this address: nothing was written.
    pub already: bool,
    /// What the next plan does to it: no-op, or an update in place.
    pub then: Action,
    /// The attributes that plan changes.
    pub differences: Vec<String>,
}

/// Locks the state, reads the cloud, checks the import as a plan would and records it.
pub async fn import_one(
    model: &Model,
    client: &Client,
    backend: Box<dyn Backend>,
    to: Address,
    id: String,
) -> Result<ImportedOne, EngineError> {
    // An address the config does not declare at all (an undeclared instance of a declared
    // block is the planner's to explain).
    if !model
        .resources
        .iter()
        .any(|r| r.address.block() == to.block())
    {
        return Err(EngineError::Plan(garrison_plan::PlanFailure {
            errors: vec![garrison_plan::PlanError::Import {
                address: to.to_string(),
                message: format!("the config declares no `{to}` to import {} {id} into", to.kind),
                hint: "write its block first (`garrison plan --generate-config-out FILE` writes it from an `import` block)".into(),
                src: None,
                at: None,
            }],
        }));
    }
    let mut store = Store::open(backend, LockInfo::new("garrison import"))?;
    let refreshed = refresh(client).await?;
    let mut model = model.clone();
    model.imports = vec![Import {
        span: model
            .resource(&to)
            .map(|r| r.span.clone())
            .unwrap_or_default(),
        to: to.clone(),
        by: ImportBy::Id(id.clone()),
    }];
    let view = refreshed.view_for(store.state(), &model);
    if let Some(kept) = garrison_plan::keep_existing_names(&model, store.state(), &view) {
        model = kept;
    }
    let options = PlanOptions {
        target: vec![garrison_core::Target::Resource(to.clone())],
        ..PlanOptions::default()
    };
    let plan = garrison_plan::plan(&model, store.state(), &view, options)?;
    let change = plan.change(&to.to_string());
    let outcome = |already, name: String| ImportedOne {
        remote_id: id.clone(),
        name,
        already,
        then: change.map_or(Action::NoOp, |c| c.action),
        differences: change
            .map(|c| c.attrs.iter().map(|a| a.name().to_string()).collect())
            .unwrap_or_default(),
    };
    let key = to.clone().into();
    let Some(object) = refreshed.inventory.by_id(to.kind, &id) else {
        return Err(EngineError::Internal(format!(
            "{} {id} vanished while importing",
            to.kind
        )));
    };
    if change.and_then(|c| c.imported.as_ref()).is_none() {
        return Ok(outcome(true, object.name().to_string()));
    }
    let rs = resource_state(&key, &object, model.resource(&to), None);
    let op = store.next_op();
    store.record_completion(op, &key, Outcome::Upserted(rs))?;
    store.checkpoint()?;
    Ok(outcome(false, object.name().to_string()))
}
