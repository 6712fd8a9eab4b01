//! Convergence: after the rehearsed apply, plan again against the emulator; a plan that
//! still has something to do would not converge, and what it would do is reported.

use std::path::Path;

use barrack_api::Client;
use garrison_config::model::Model;
use garrison_engine::{plan_only, EngineError};
use garrison_plan::{Plan, PlanError, PlanOptions};
use garrison_state::LocalBackend;

use crate::error::RehearseError;

/// What a plan made now (same options as `plan`, but `--replace`: a replacement asked for
/// is done once) would still do, one line per change:
/// empty when the rehearsed end state matches the config. A resource the rehearsed apply
/// destroyed without making its replacement says so (the cloud would be left without it).
pub(crate) async fn check(
    model: &Model,
    dir: &Path,
    client: &Client,
    plan: &Plan,
) -> Result<Vec<String>, RehearseError> {
    let backend = LocalBackend::in_config_dir(dir);
    let options = PlanOptions {
        destroy: plan.destroy,
        replace: Vec::new(),
        ..plan.options.clone()
    };
    let Some(again) = replan(model, &backend, client, options).await? else {
        return Ok(Vec::new());
    };
    if !again.summary.has_changes() {
        return Ok(Vec::new());
    }
    Ok(again
        .changes
        .iter()
        .map(|c| {
            let address = c.address.to_string();
            let lost = c.action == garrison_plan::Action::Create
                && plan.change(&address).is_some_and(|was| {
                    matches!(
                        was.action,
                        garrison_plan::Action::Replace | garrison_plan::Action::Delete
                    )
                });
            if lost {
                format!("{address}: create (destroyed by this apply and not made again)")
            } else {
                format!("{address}: {}", c.action.verb())
            }
        })
        .collect())
}

/// The plan again; addresses of `--target`/`--exclude` the apply deleted name nothing now
/// and are dropped (`None` when every target is gone: nothing of the partial plan is left).
async fn replan(
    model: &Model,
    backend: &LocalBackend,
    client: &Client,
    mut options: PlanOptions,
) -> Result<Option<Plan>, RehearseError> {
    match plan_only(model, backend, Some(client), options.clone()).await {
        Ok(plan) => Ok(Some(plan)),
        Err(EngineError::Plan(failure)) if gone_only(&failure) => {
            let gone: Vec<String> = failure
                .errors
                .iter()
                .filter_map(|e| match e {
                    PlanError::UnknownAddress { address, .. } => Some(address.clone()),
                    _ => None,
                })
                .collect();
            let had_targets = !options.target.is_empty();
            options.target.retain(|a| !gone.contains(&a.to_string()));
            options.exclude.retain(|a| !gone.contains(&a.to_string()));
            if had_targets && options.target.is_empty() {
                return Ok(None);
            }
            Ok(Some(
                plan_only(model, backend, Some(client), options).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

fn gone_only(failure: &garrison_plan::PlanFailure) -> bool {
    failure
        .errors
        .iter()
        .all(|e| matches!(e, PlanError::UnknownAddress { .. }))
}
