//! Convergence: after the rehearsed apply, plan again against the emulator; a plan that
//! still has something to do would not converge, and what it would do is reported.

use std::path::Path;

use barrack_api::Client;
use garrison_config::model::Model;
use garrison_engine::plan_only;
use garrison_plan::{Plan, PlanOptions};
use garrison_state::LocalBackend;

use crate::error::RehearseError;

/// What a plan made now (same options as `plan`) would still do, one line per change:
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
        ..plan.options.clone()
    };
    let again = plan_only(model, &backend, Some(client), options).await?;
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
