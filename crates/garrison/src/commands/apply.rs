//! `garrison apply` and `garrison destroy`: lock, refresh, recover, plan, confirm, execute.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use garrison_engine::{
    prepare, CancelToken, ExecuteOptions, PrepareOptions, SavedPlan, Scheduling,
};
use garrison_plan::render;
use miette::miette;

use crate::cli::{Global, VarArgs};
use crate::exit::codes;
use crate::{context, progress};

/// What to apply and how.
pub(crate) struct ApplyArgs {
    /// A config directory or a saved plan file.
    pub(crate) target: Option<PathBuf>,
    pub(crate) vars: VarArgs,
    pub(crate) auto_approve: bool,
    pub(crate) parallelism: usize,
    pub(crate) destroy: bool,
}

pub(crate) async fn run(global: &Global, args: ApplyArgs) -> miette::Result<u8> {
    let target = context::dir_or_cwd(args.target);
    let (dir, expected) = if target.is_file() {
        let saved = SavedPlan::read(&target)?;
        (saved.config_dir.clone(), Some(saved))
    } else {
        (target, None)
    };
    let model = match context::load_model(&dir, &args.vars, global.no_color) {
        Ok(model) => model,
        Err(code) => return Ok(code),
    };
    let backend = context::backend(&model)?;
    let remote = context::connect(global, &dir).await?;
    let verb = if args.destroy { "destroy" } else { "apply" };
    let reviewed = expected.is_some();
    let prepared = prepare(
        model,
        remote.client.clone(),
        backend,
        PrepareOptions {
            destroy: args.destroy,
            command: format!("garrison {verb}"),
            expected,
        },
    )
    .await;
    let prepared = match prepared {
        Ok(p) => p,
        Err(e) => {
            remote.close().await;
            return Err(e.into());
        }
    };
    {
        // Operations from an interrupted run resolved while preparing (no live line yet).
        let recovered = progress::Progress::new(global.no_color, 0);
        let sink = recovered.sink();
        for event in prepared.recovered() {
            sink(event.clone());
        }
    }
    let plan = prepared.plan().clone();
    let text = render::to_text(
        &plan,
        render::TextStyle {
            color: context::stdout_color(global),
        },
    );
    let _ = writeln!(std::io::stdout().lock(), "{}", text.trim_end());

    if plan.summary.has_changes() && !reviewed && !args.auto_approve {
        if !std::io::stdin().is_terminal() {
            drop(prepared);
            remote.close().await;
            return Err(miette!(
                help = format!("review the plan above, then run `garrison {verb} --auto-approve`, or save it with `garrison plan --out FILE` and apply the file"),
                "refusing to {verb} without confirmation: stdin is not a terminal"
            ));
        }
        eprint!("\nDo you want to {verb} these changes? Only `yes` is accepted: ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            drop(prepared);
            remote.close().await;
            eprintln!("Cancelled: nothing was changed.");
            return Ok(codes::ERROR);
        }
    }

    let progress = progress::Progress::new(global.no_color, plan.steps.len());
    let sink = progress.sink();
    let cancel = CancelToken::new();
    let watcher = tokio::spawn(ctrl_c(cancel.clone()));
    if plan.summary.has_changes() {
        eprintln!();
    }
    let report = prepared
        .execute(
            ExecuteOptions {
                parallelism: args.parallelism,
                scheduling: Scheduling::CriticalPath,
            },
            sink,
            cancel,
        )
        .await;
    watcher.abort();
    progress.finish();
    remote.close().await;
    let report = report?;

    let mut err = std::io::stderr().lock();
    if report.interrupted {
        let _ = writeln!(err, "\nInterrupted: in-flight operations finished and were recorded; run `garrison {verb}` again to continue.");
    }
    let done = if args.destroy { "Destroy" } else { "Apply" };
    let _ = writeln!(
        err,
        "\n{done} {}: {} operation{} succeeded, {} failed, {} skipped in {:.1}s.",
        if report.is_success() && !report.interrupted {
            "complete"
        } else {
            "incomplete"
        },
        report.succeeded.len(),
        if report.succeeded.len() == 1 { "" } else { "s" },
        report.failed.len(),
        report.skipped.len(),
        report.elapsed.as_secs_f64()
    );
    for (address, message) in &report.failed {
        let _ = writeln!(err, "  failed:  {address}: {message}");
    }
    for (address, because) in &report.skipped {
        let _ = writeln!(err, "  skipped: {address} (because `{because}` failed)");
    }
    for (address, reason) in &report.blocked {
        let _ = writeln!(err, "  blocked: {address}: {reason}");
    }
    drop(err);
    if !args.destroy && !report.outputs.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "\nOutputs:");
        for (name, value) in &report.outputs {
            let shown = if value.sensitive {
                "(sensitive)".to_string()
            } else {
                garrison_plan::render::format_value(&value.value)
            };
            let _ = writeln!(out, "  {name} = {shown}");
        }
    }
    Ok(if report.is_success() && !report.interrupted {
        codes::OK
    } else {
        codes::ERROR
    })
}

/// First Ctrl-C: start nothing new and let in-flight operations finish. Second: abort now
/// (the journal keeps every intent, so the next run resolves what was in flight).
async fn ctrl_c(cancel: CancelToken) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    cancel.cancel();
    eprintln!(
        "\nStopping: no new operations; waiting for those in flight (Ctrl-C again to abort now)."
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("Aborted. The journal is intact: the next run resolves interrupted operations.");
        std::process::exit(130);
    }
}
