//! The rehearsal step of `plan --rehearse` and `apply`: calls `garrison_rehearse`, attaches
//! the result to the plan, and renders a refusal (one line per failing step, a hint).

use garrison_config::Model;
use garrison_engine::Refreshed;
use garrison_plan::{render, Plan};
use garrison_rehearse::{rehearse, RehearseOptions};
use garrison_state::StateDoc;
use miette::miette;

use crate::console::Console;
use crate::failure::{Class, Failure};

/// Rehearses `plan` (at `parallelism`, under the rate limit `client` keeps) and returns it
/// with the rehearsal attached.
pub(crate) async fn attach(
    model: &Model,
    state: &StateDoc,
    refreshed: &Refreshed,
    mut plan: Plan,
    (parallelism, client): (usize, &barrack_api::Client),
) -> Result<Plan, Failure> {
    let options = RehearseOptions {
        parallelism,
        rate_limit_per_minute: client.rate_limit().map(|l| per_minute(&l)),
        ..RehearseOptions::default()
    };
    let rehearsal = rehearse(model, state, refreshed, None, &plan, &options)
        .await
        .map_err(|e| Failure::internal(miette!("{e}")))?;
    plan.rehearsal = Some(rehearsal);
    Ok(plan)
}

/// A limit as requests per minute, rounded up.
fn per_minute(limit: &barrack_api::RateLimit) -> u32 {
    (limit.per_second() * 60.0).ceil() as u32
}

/// When the plan's rehearsal failed: says why on stderr (one line per failing step) and
/// returns the failure to exit with; `force` only warns.
pub(crate) fn refuse(
    console: &Console,
    plan: &Plan,
    verb: &str,
    force: bool,
) -> Result<(), Failure> {
    let Some(rehearsal) = plan.rehearsal.as_ref().filter(|r| !r.passed()) else {
        return Ok(());
    };
    let lead = if force {
        "warning: applying anyway (`--force`):"
    } else {
        "error:"
    };
    errln!(
        console,
        "\n{lead} {}",
        render::rehearsal::verdict(rehearsal)
    );
    for line in render::rehearsal::failure_lines(rehearsal) {
        errln!(console, "  {line}");
    }
    if !rehearsal.converges {
        for line in &rehearsal.not_converged {
            errln!(console, "  would still need: {line}");
        }
    }
    if force {
        return Ok(());
    }
    errln!(
        console,
        "hint: nothing was changed; fix the config (or the order it implies), or run `garrison {verb} --force` to {verb} anyway"
    );
    Err(Failure::reported(Class::Config))
}
