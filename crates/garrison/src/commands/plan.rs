//! `garrison plan`: refresh (one list per kind), diff, print text / JSON / Markdown.

use std::io::Write;
use std::path::PathBuf;

use garrison_engine::{plan_for_saving, plan_only, PlanInputs, SavedPlan};
use garrison_plan::render;
use miette::miette;

use crate::cli::{Global, VarArgs};
use crate::context;
use crate::exit::codes;

/// What `plan` prints and where it saves.
pub(crate) struct PlanArgs {
    pub(crate) dir: Option<PathBuf>,
    pub(crate) vars: VarArgs,
    pub(crate) out: Option<PathBuf>,
    pub(crate) json: bool,
    pub(crate) markdown: bool,
    pub(crate) detailed_exitcode: bool,
    pub(crate) refresh: bool,
    pub(crate) destroy: bool,
}

pub(crate) async fn run(global: &Global, args: PlanArgs) -> miette::Result<u8> {
    let dir = context::dir_or_cwd(args.dir);
    let model = match context::load_model(&dir, &args.vars, global.no_color) {
        Ok(model) => model,
        Err(code) => return Ok(code),
    };
    let backend = context::backend(&model)?;
    if let Some(notice) = super::lock_notice::lock_notice(backend.as_ref()) {
        eprint!("{notice}");
    }
    let remote = if args.refresh {
        Some(context::connect(global, &dir).await?)
    } else {
        None
    };
    let client = remote.as_ref().map(|r| &r.client);
    let planned = if args.out.is_some() {
        plan_for_saving(&model, backend.as_ref(), client, args.destroy).await
    } else {
        plan_only(&model, backend.as_ref(), client, args.destroy)
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
        render::to_text(
            &plan,
            render::TextStyle {
                color: context::stdout_color(global),
            },
        )
    };
    let _ = writeln!(std::io::stdout().lock(), "{}", text.trim_end());
    if let Some(out) = &args.out {
        let dir = std::fs::canonicalize(&dir)
            .map_err(|e| miette!("resolving `{}`: {e}", dir.display()))?;
        SavedPlan::new(dir, plan.clone())
            .with_inputs(inputs)
            .write(out)?;
        eprintln!(
            "Saved the plan to `{}`; apply it with `garrison apply {}`.",
            out.display(),
            out.display()
        );
    }
    // Blocked resources: the plan is shown (and can be applied: it does everything else),
    // but it does not do what the config says, so the exit code says so.
    if !plan.blocked.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ =
            writeln!(
            err,
            "\nerror: {} resource{} blocked; `garrison apply` does everything else and exits 1:",
            plan.blocked.len(),
            if plan.blocked.len() == 1 { " is" } else { "s are" }
        );
        for b in &plan.blocked {
            let _ = writeln!(err, "  blocked: {}: {}", b.address, b.reason);
            if !b.hint.is_empty() {
                let _ = writeln!(err, "  hint: {}", b.hint);
            }
        }
        return Ok(codes::ERROR);
    }
    Ok(if args.detailed_exitcode && plan.summary.has_changes() {
        codes::CHANGES
    } else {
        codes::OK
    })
}
