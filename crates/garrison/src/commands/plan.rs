//! `garrison plan`: refresh (one list per kind), diff, print text / JSON / Markdown.

use garrison_engine::{plan_for_saving, plan_only, PlanInputs, SavedPlan};
use garrison_plan::{render, Plan};
use miette::miette;

use crate::cli::{Global, PlanArgs};
use crate::console::Console;
use crate::context;
use crate::exit::{Ended, Outcome};
use crate::failure::{Class, Failure};

pub(crate) async fn run(global: &Global, console: &Console, args: &PlanArgs) -> Ended {
    let dir = args.config.dir.path();
    let model = context::load_model(&dir, &args.config.vars, console)?;
    let backend = context::backend(&model)?;
    if let Some(notice) = super::lock_notice::lock_notice(backend.as_ref()) {
        err!(console, "{notice}");
    }
    let remote = if args.refresh {
        Some(context::connect(global, &dir).await?)
    } else {
        None
    };
    let client = remote.as_ref().map(|r| &r.client);
    let options = args.scope.options(args.destroy);
    let planned = if args.out.is_some() {
        plan_for_saving(&model, backend.as_ref(), client, options).await
    } else {
        plan_only(&model, backend.as_ref(), client, options)
            .await
            .map(|plan| (plan, PlanInputs::default()))
    };
    if let Some(remote) = remote {
        remote.close().await;
    }
    let (plan, inputs) = planned?;
    let text = if args.json {
        render::to_json(&plan)
    } else if args.markdown {
        render::to_markdown(&plan)
    } else {
        let style = render::TextStyle {
            color: console.out_color(),
        };
        render::to_text(&plan, style)
    };
    outln!(console, "{}", text.trim_end());
    if let Some(out) = &args.out {
        let dir = std::fs::canonicalize(&dir)
            .map_err(|e| Failure::config(miette!("resolving `{}`: {e}", dir.display())))?;
        SavedPlan::new(dir, plan.clone())
            .with_inputs(inputs)
            .write(out)?;
        errln!(
            console,
            "Saved the plan to `{}`; apply it with `garrison apply {}`.",
            out.display(),
            out.display()
        );
    }
    if !plan.blocked.is_empty() {
        report_blocked(&plan, console);
        return Err(Failure::reported(Class::Config));
    }
    // `--refresh-only --detailed-exitcode`: a drift check (exit 2 when anything drifted).
    let changes = if plan.options.refresh_only {
        !plan.drift.is_empty()
    } else {
        plan.summary.has_changes()
    };
    Ok(if args.detailed_exitcode && changes {
        Outcome::Changes
    } else {
        Outcome::Success
    })
}

/// Blocked resources: the plan is shown (and can be applied: it does everything else),
/// but it does not do what the config says, so the exit code says so.
fn report_blocked(plan: &Plan, console: &Console) {
    errln!(
        console,
        "\nerror: {} resource{} blocked; `garrison apply` does everything else and exits 1:",
        plan.blocked.len(),
        if plan.blocked.len() == 1 {
            " is"
        } else {
            "s are"
        }
    );
    for b in &plan.blocked {
        errln!(console, "  blocked: {}: {}", b.address, b.reason);
        if !b.hint.is_empty() {
            errln!(console, "  hint: {}", b.hint);
        }
    }
}
