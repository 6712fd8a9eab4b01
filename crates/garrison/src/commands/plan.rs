//! `garrison plan`: refresh (one list per kind), diff, print text / JSON / Markdown.

use garrison_engine::{generate_flows, pins, plan_for_saving, plan_only, PlanInputs, SavedPlan};
use garrison_plan::{render, Plan};
use miette::miette;

use crate::cli::{Global, PlanArgs};
use crate::console::Console;
use crate::context;
use crate::exit::{Ended, Outcome};
use crate::failure::{Class, Failure};

pub(crate) async fn run(global: &Global, console: &Console, args: &PlanArgs) -> Ended {
    let dir = args.config.dir.path();
    if let Some(out) = &args.generate_config_out {
        super::import_all::refuse_existing(out)?;
        generate_config(global, console, args, out).await?;
    }
    let remote = if args.refresh {
        let limit = context::configured_rate_limit(&dir, &args.config.vars);
        Some(context::connect(global, &dir, limit).await?)
    } else {
        None
    };
    let model = match &remote {
        // A destroy plan must work for values the cloud no longer offers.
        Some(remote) if !args.destroy => {
            context::load_model_live(&dir, &args.config.vars, console, &remote.client).await
        }
        _ => context::load_model(&dir, &args.config.vars, console),
    };
    let (model, backend) = match model.and_then(|m| context::backend(&m).map(|b| (m, b))) {
        Ok(loaded) => loaded,
        Err(failure) => {
            if let Some(remote) = remote {
                remote.close().await;
            }
            return Err(failure);
        }
    };
    if remote.is_none() && !args.destroy && !model.account_needs.is_empty() {
        return Err(Failure::usage(miette!(
            help = "drop `--refresh=false`: object data sources are read from the cloud",
            "the config's data sources read the account, which `--refresh=false` does not"
        )));
    }
    if let Some(notice) = super::lock_notice::lock_notice(backend.as_ref()) {
        err!(console, "{notice}");
    }
    let client = remote.as_ref().map(|r| &r.client);
    let options = args.scope.options(args.destroy);
    if args.rehearse {
        let ended = rehearsed_plan(console, args, &model, backend.as_ref(), client, options).await;
        if let Some(remote) = remote {
            remote.close().await;
        }
        return ended;
    }
    let planned = if args.out.is_some() {
        plan_for_saving(&model, backend.as_ref(), client, options).await
    } else {
        plan_only(&model, backend.as_ref(), client, options)
            .await
            .map(|plan| (plan, PlanInputs::default()))
    };
    // `garrison.lock`'s pins that moved, as plan hints (only when the cloud is read).
    let planned = match (planned, client) {
        (Ok((mut plan, inputs)), Some(client)) => {
            pins::pin_warnings(&model, client).await.map(|warnings| {
                plan.hints.extend(warnings);
                (plan, inputs)
            })
        }
        (planned, _) => planned,
    };
    if let Some(remote) = remote {
        remote.close().await;
    }
    let (mut plan, inputs) = planned?;
    plan.violations = super::policy::violations(&model, &plan, &args.policy)?;
    print(console, args, &plan);
    if !plan.violations.is_empty() {
        super::policy::report(console, &plan.violations);
        return Err(Failure::reported(Class::Config));
    }
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
        plan.summary.has_changes() || !plan.outputs.is_empty()
    };
    Ok(if args.detailed_exitcode && changes {
        Outcome::Changes
    } else {
        Outcome::Success
    })
}

/// `plan --rehearse`: the plan, rehearsed against an emulator seeded from the refreshed
/// account, printed with its rehearsal; exits 1 when the rehearsal fails.
async fn rehearsed_plan(
    console: &Console,
    args: &PlanArgs,
    model: &garrison_config::Model,
    backend: &dyn garrison_state::Backend,
    client: Option<&barrack_api::Client>,
    options: garrison_plan::PlanOptions,
) -> Ended {
    let Some(client) = client else {
        return Err(Failure::usage(miette!(
            help =
                "drop `--refresh=false`: a rehearsal seeds its emulator from the refreshed account",
            "`--rehearse` needs a refresh"
        )));
    };
    let planned = garrison_engine::plan_with_inputs(model, backend, Some(client), options).await?;
    let refreshed = planned.refreshed.unwrap_or_default();
    let mut plan = super::rehearse::attach(
        model,
        &planned.state,
        &refreshed,
        planned.plan,
        (garrison_engine::DEFAULT_PARALLELISM, client),
    )
    .await?;
    plan.violations = super::policy::violations(model, &plan, &args.policy)?;
    print(console, args, &plan);
    if !plan.violations.is_empty() {
        super::policy::report(console, &plan.violations);
        return Err(Failure::reported(Class::Config));
    }
    super::rehearse::refuse(console, &plan, "apply", false)?;
    Ok(Outcome::Success)
}

fn print(console: &Console, args: &PlanArgs, plan: &Plan) {
    let text = if args.json {
        render::to_json(plan)
    } else if args.markdown {
        render::to_markdown(plan)
    } else {
        let style = render::TextStyle {
            color: console.out_color(),
        };
        render::to_text(plan, style)
    };
    outln!(console, "{}", text.trim_end());
}

/// `--generate-config-out FILE`: config for the `import` blocks that have none, written
/// before the plan is made (so the plan, when FILE is in the directory, includes it).
async fn generate_config(
    global: &Global,
    console: &Console,
    args: &PlanArgs,
    out: &std::path::Path,
) -> Result<(), Failure> {
    let dir = args.config.dir.path();
    let model = context::load_model(&dir, &args.config.vars, console)?;
    let backend = context::backend(&model)?;
    let remote = context::connect(global, &dir, model.rate_limit_per_minute).await?;
    let result = generate_flows::config_for_imports(&model, backend.as_ref(), &remote.client).await;
    remote.close().await;
    let Some(generated) = result? else {
        errln!(
            console,
            "Nothing to generate: every `import` block has its config, or names an object the account does not have (the plan says which)."
        );
        return Ok(());
    };
    super::import_all::write_new(out, &generated.text)?;
    super::import_all::notes(console, &generated);
    errln!(
        console,
        "Wrote the config of the `import` targets to `{}` ({} more object{} they use imported with it).",
        out.display(),
        generated.imports.len(),
        if generated.imports.len() == 1 { "" } else { "s" }
    );
    let inside = std::fs::canonicalize(out)
        .ok()
        .and_then(|f| f.parent().map(std::path::Path::to_path_buf))
        == std::fs::canonicalize(&dir).ok();
    if !inside {
        errln!(
            console,
            "hint: `{}` is outside `{}`: move it there, then plan again",
            out.display(),
            dir.display()
        );
    }
    Ok(())
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
