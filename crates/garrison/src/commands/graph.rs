//! `garrison graph [DIR] [--plan] [--format dot|mermaid]`: the config's dependency graph
//! (loaded like `validate`, no cloud call), or with `--plan` the steps of the plan
//! `garrison plan` would show (refreshed from the cloud), drawn as DOT or Mermaid.

use garrison_config::Model;
use garrison_engine::plan_only;
use garrison_plan::render::{self, Diagram};
use garrison_plan::Plan;

use crate::cli::{Global, GraphArgs, GraphFormat};
use crate::console::Console;
use crate::context;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;

pub(crate) fn run(global: &Global, console: &Console, args: &GraphArgs) -> Ended {
    let dir = args.config.dir.path();
    let model = context::load_model(&dir, &args.config.vars, console)?;
    let diagram = if args.plan {
        let plan = super::runtime()?.block_on(plan(global, console, args, &model))?;
        Diagram::of_plan(&plan)
    } else {
        Diagram::of_model(&model)
    };
    let text = match args.format {
        GraphFormat::Dot => render::to_dot(&diagram),
        GraphFormat::Mermaid => render::to_mermaid(&diagram),
    };
    outln!(console, "{}", text.trim_end());
    Ok(Outcome::Success)
}

/// Refreshes and plans like `garrison plan` (no lock), and says the plan's summary line on
/// stderr.
async fn plan(
    global: &Global,
    console: &Console,
    args: &GraphArgs,
    model: &Model,
) -> Result<Plan, Failure> {
    let dir = args.config.dir.path();
    let backend = context::backend(model)?;
    if let Some(notice) = super::lock_notice::lock_notice(backend.as_ref()) {
        err!(console, "{notice}");
    }
    let remote = context::connect(global, &dir, model.rate_limit_per_minute).await?;
    // Object data sources are read from the account, as `garrison plan` reads them.
    let live = if model.account_needs.is_empty() {
        None
    } else {
        let loaded =
            context::load_model_live(&dir, &args.config.vars, console, &remote.client).await;
        match loaded {
            Ok(live) => Some(live),
            Err(failure) => {
                remote.close().await;
                return Err(failure);
            }
        }
    };
    let planned = plan_only(
        live.as_ref().unwrap_or(model),
        backend.as_ref(),
        Some(&remote.client),
        Default::default(),
    )
    .await;
    remote.close().await;
    let plan = planned?;
    errln!(console, "{}", render::summary_line(&plan));
    Ok(plan)
}
