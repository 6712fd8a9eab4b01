//! `garrison apply` and `garrison destroy`: lock, refresh, recover, plan, confirm, execute.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use garrison_engine::{
    prepare, ApplyReport, CancelToken, ExecuteOptions, PrepareOptions, Prepared, SavedPlan,
    Scheduling,
};
use garrison_plan::{render, Plan};
use miette::miette;

use crate::cli::{ApplyArgs, DestroyArgs, DirArg, Global, RunArgs, ScopeArgs, VarArgs};
use crate::commands::summary::{self, Ending};
use crate::console::Console;
use crate::exit::{Ended, Outcome};
use crate::failure::Failure;
use crate::{context, progress};

/// What to apply and how: `apply` and `destroy` alike.
pub(crate) struct Run {
    /// A config directory or a saved plan file.
    target: PathBuf,
    vars: VarArgs,
    options: RunArgs,
    destroy: bool,
    scope: ScopeArgs,
    /// `--policy DIR`: Rego policies the plan must pass.
    policy: Vec<PathBuf>,
}

impl Run {
    /// `garrison apply [DIR|PLANFILE]`.
    pub(crate) fn apply(args: ApplyArgs) -> Run {
        Run {
            target: DirArg { dir: args.target }.path(),
            vars: args.vars,
            options: args.run,
            destroy: false,
            scope: args.scope,
            policy: args.policy,
        }
    }

    /// `garrison destroy [DIR]`.
    pub(crate) fn destroy(args: DestroyArgs) -> Run {
        Run {
            target: args.config.dir.path(),
            vars: args.config.vars,
            options: args.run,
            destroy: true,
            scope: ScopeArgs::default(),
            policy: Vec::new(),
        }
    }
}

pub(crate) async fn run(global: &Global, console: &Console, args: Run) -> Ended {
    let (dir, expected, destroy) = resolve_target(&args)?;
    if args.options.json && !args.options.auto_approve && expected.is_none() {
        return Err(Failure::usage(miette!(
            help =
                "add `--auto-approve`, or apply a reviewed plan file (`garrison plan --out FILE`)",
            "`--json` streams events: it cannot ask for confirmation"
        )));
    }
    let limit = context::configured_rate_limit(&dir, &args.vars);
    let remote = context::connect(global, &dir, limit).await?;
    // A destroy must work for values the cloud no longer offers: the cached catalog.
    let model = if destroy {
        context::load_model(&dir, &args.vars, console)
    } else {
        context::load_model_live(&dir, &args.vars, console, &remote.client).await
    };
    let (model, backend) = match model.and_then(|m| context::backend(&m).map(|b| (m, b))) {
        Ok(loaded) => loaded,
        Err(failure) => {
            remote.close().await;
            return Err(failure);
        }
    };
    // Kept for the policy check after planning (only when there is a policy to check).
    let policy_model = (model.policy.is_some() || !args.policy.is_empty()).then(|| model.clone());
    let model_for_pins = model.clone();
    let verb = if destroy { "destroy" } else { "apply" };
    let reviewed = expected.is_some();
    let preparing = prepare(
        model,
        remote.client.clone(),
        backend,
        PrepareOptions {
            destroy,
            command: format!("garrison {verb}"),
            expected,
            plan: args.scope.options(destroy),
        },
    );
    // Ctrl-C while locking, refreshing or recovering: drop it all (the lock with it).
    let prepared = tokio::select! {
        prepared = preparing => Some(prepared),
        _ = tokio::signal::ctrl_c() => None,
    };
    let mut prepared = match prepared {
        Some(Ok(p)) => p,
        Some(Err(e)) => {
            remote.close().await;
            return Err(e.into());
        }
        None => {
            remote.close().await;
            errln!(
                console,
                "\nInterrupted before any change: nothing was changed; the lock is released."
            );
            return Ok(Outcome::Aborted);
        }
    };
    let warnings = if destroy {
        Ok(Vec::new())
    } else {
        garrison_engine::pins::pin_warnings(&model_for_pins, &remote.client).await
    };
    match warnings {
        Ok(warnings) => prepared.add_hints(warnings),
        Err(e) => {
            drop(prepared);
            remote.close().await;
            return Err(e.into());
        }
    }
    let parallelism = usize::from(args.options.parallelism);
    let prepared = match rehearsed(console, prepared, &args, (parallelism, &remote.client)).await {
        Ok(p) => p,
        Err(failure) => {
            remote.close().await;
            return Err(failure);
        }
    };
    show_plan(console, &prepared, args.options.json);
    if let Err(refusal) =
        super::rehearse::refuse(console, prepared.plan(), verb, args.options.force)
    {
        drop(prepared);
        remote.close().await;
        return Err(refusal);
    }
    if prepared.plan().options.refresh_only {
        let ended = accept_drift(console, prepared, &args, reviewed).await;
        remote.close().await;
        return ended;
    }
    if let Some(refused) = policy_refusal(
        console,
        policy_model.as_ref(),
        prepared.plan(),
        &args.policy,
    ) {
        drop(prepared);
        remote.close().await;
        return refused;
    }
    let plan = prepared.plan();
    if plan.summary.has_changes() && !reviewed && !args.options.auto_approve {
        if let Err(refusal) = confirm(console, plan, verb, verb).await {
            drop(prepared);
            remote.close().await;
            return refusal;
        }
    }
    let ended = execute(console, prepared, parallelism, destroy, args.options.json).await;
    remote.close().await;
    ended
}

/// The policies (the config's `policy` block, `--policy` files) against the plan: `Some`
/// refusal, already reported, when it breaks a rule or a policy cannot be read.
fn policy_refusal(
    console: &Console,
    model: Option<&garrison_config::Model>,
    plan: &Plan,
    dirs: &[PathBuf],
) -> Option<Ended> {
    let model = model?;
    match super::policy::violations(model, plan, dirs) {
        Ok(v) if v.is_empty() => None,
        Ok(v) => {
            super::policy::report(console, &v);
            Some(Err(Failure::reported(crate::failure::Class::Config)))
        }
        Err(e) => Some(Err(e)),
    }
}

/// The prepared run with its plan rehearsed, unless `--no-rehearse`, `provider "barrack" {
/// rehearse #false }`, a refresh-only run or a plan with nothing to do.
async fn rehearsed(
    console: &Console,
    prepared: Prepared,
    args: &Run,
    at: (usize, &barrack_api::Client),
) -> Result<Prepared, Failure> {
    let plan = prepared.plan();
    if args.options.no_rehearse
        || !prepared.model().rehearse
        || plan.options.refresh_only
        || !plan.summary.has_changes()
    {
        return Ok(prepared);
    }
    errln!(
        console,
        "Rehearsing {} operations against an emulator seeded from the account (nothing touches the cloud)...",
        plan.steps.len()
    );
    let state = prepared.state()?;
    let plan = super::rehearse::attach(
        prepared.model(),
        &state,
        prepared.refreshed(),
        plan.clone(),
        at,
    )
    .await?;
    Ok(prepared.with_plan(plan))
}

/// `apply --refresh-only`: record what changed outside Garrison in the state, after asking
/// unless the plan was saved and reviewed (the cloud is not changed).
async fn accept_drift(console: &Console, prepared: Prepared, args: &Run, reviewed: bool) -> Ended {
    let drift = prepared.plan().drift.len();
    if drift > 0 && !reviewed && !args.options.auto_approve {
        let asked = confirm(console, prepared.plan(), "record", "apply --refresh-only");
        if let Err(refusal) = asked.await {
            return refusal;
        }
    }
    prepared.refresh_only()?;
    errln!(
        console,
        "\nRefresh only: {drift} change{} outside Garrison recorded in the state; nothing in the cloud was changed.",
        if drift == 1 { "" } else { "s" }
    );
    Ok(Outcome::Success)
}

/// The config directory, the saved plan (if the target is a file) and whether to destroy:
/// a saved plan says itself whether it destroys, so `apply destroy.plan` applies it.
fn resolve_target(args: &Run) -> Result<(PathBuf, Option<SavedPlan>, bool), Failure> {
    let target = &args.target;
    if !target.is_file() {
        return Ok((target.clone(), None, args.destroy));
    }
    let scope = &args.scope;
    if !scope.replace.is_empty()
        || !scope.target.is_empty()
        || !scope.exclude.is_empty()
        || scope.refresh_only
    {
        return Err(Failure::usage(miette!(
            help = "a saved plan is applied exactly as it was made: pass these flags to `garrison plan --out FILE` instead",
            "`--replace`, `--target`, `--exclude` and `--refresh-only` cannot change a saved plan"
        )));
    }
    let saved = SavedPlan::read(target)?;
    if args.destroy && !saved.plan.destroy {
        return Err(Failure::usage(miette!(
            help = format!("apply it with `garrison apply {}`, or make a destroy plan with `garrison plan --destroy --out FILE`", target.display()),
            "`{}` is a plan to apply, not a destroy plan", target.display()
        )));
    }
    let destroy = saved.plan.destroy;
    Ok((saved.config_dir.clone(), Some(saved), destroy))
}

/// Runs the plan with live progress; the first Ctrl-C stops starting operations, the
/// second drops the run (releasing the lock) and exits 130. Prints the summary.
async fn execute(
    console: &Console,
    prepared: Prepared,
    parallelism: usize,
    destroy: bool,
    json: bool,
) -> Ended {
    let has_changes = prepared.plan().summary.has_changes();
    let progress = progress::Progress::new(console, prepared.plan().steps.len());
    let sink = if json {
        super::events::sink(console)
    } else {
        progress.sink()
    };
    let cancel = CancelToken::new();
    let ctrl_c_flag = progress.ctrl_c_flag();
    let (abort_tx, abort_rx) = tokio::sync::oneshot::channel();
    let watcher = tokio::spawn(ctrl_c(
        *console,
        cancel.clone(),
        ctrl_c_flag.clone(),
        abort_tx,
    ));
    if has_changes {
        errln!(console);
    }
    let options = ExecuteOptions {
        parallelism,
        scheduling: Scheduling::CriticalPath,
    };
    let report = tokio::select! {
        report = prepared.execute(options, sink, cancel) => Some(report),
        _ = abort_rx => None,
    };
    watcher.abort();
    progress.finish();
    let Some(report) = report else {
        // The second Ctrl-C: the run (and with it the state store and its lock) is dropped
        // here; the journal keeps every intent for the next run.
        errln!(console, "Aborted. The lock is released and the journal is intact: the next run resolves interrupted operations.");
        return Ok(Outcome::Aborted);
    };
    let report = report?;
    let ending = Ending {
        ctrl_c: ctrl_c_flag.load(Ordering::SeqCst),
        panicked: crate::panic::happened(),
    };
    let (text, ended) = summary::render(&report, destroy, ending);
    err!(console, "{text}");
    if json {
        super::events::summary(console, &report);
    } else if !destroy {
        print_outputs(console, &report);
    }
    ended
}

/// Prints operations resolved while preparing, then the plan.
fn show_plan(console: &Console, prepared: &Prepared, json: bool) {
    // Operations from an interrupted run resolved while preparing (no live line yet).
    let sink = if json {
        super::events::sink(console)
    } else {
        progress::Progress::new(console, 0).sink()
    };
    for event in prepared.recovered() {
        sink(event.clone());
    }
    let text = render::to_text(
        prepared.plan(),
        render::TextStyle {
            color: if json {
                console.err_color()
            } else {
                console.out_color()
            },
        },
    );
    if json {
        err!(console, "{}\n", text.trim_end());
        super::events::planned(console, prepared.plan());
    } else {
        outln!(console, "{}", text.trim_end());
    }
}

/// Asks on the terminal, repeating the summary and the cost right above the question (the
/// plan may have scrolled away). `Err` carries what to return: a refusal or a cancel.
async fn confirm(console: &Console, plan: &Plan, verb: &str, command: &str) -> Result<(), Ended> {
    if !console.can_ask() {
        return Err(Err(Failure::usage(miette!(
            help = format!("review the plan above, then run `garrison {command} --auto-approve`, or save it with `garrison plan --out FILE` and apply the file"),
            "refusing to {verb} without confirmation: stdin is not a terminal"
        ))));
    }
    // Listen for Ctrl-C before asking: a Ctrl-C that came between the question and the
    // listener would be lost (the process's handler is installed, so nothing else acts).
    let mut interrupt = Interrupt::listen();
    err!(console, "{}", prompt_text(plan, verb));
    // Read on a plain thread (never joined: a Ctrl-C leaves it blocked on the terminal),
    // so that Ctrl-C at the question cancels and releases the lock.
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        let _ = tx.send(answer);
    });
    let answer = tokio::select! {
        answer = rx => answer.unwrap_or_default(),
        () = interrupt.recv() => {
            errln!(console);
            String::new()
        }
    };
    if answer.trim() != "yes" {
        errln!(console, "Cancelled: nothing was changed.");
        return Err(Ok(Outcome::Declined));
    }
    Ok(())
}

/// A Ctrl-C listener that exists from the moment it is made (`tokio::signal::ctrl_c()`
/// only starts listening when first polled).
struct Interrupt(Option<tokio::signal::unix::Signal>);

impl Interrupt {
    fn listen() -> Self {
        Interrupt(tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok())
    }

    async fn recv(&mut self) {
        match self.0.as_mut() {
            Some(signal) => {
                signal.recv().await;
            }
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

/// The summary line, the cost line and the question.
pub(crate) fn prompt_text(plan: &Plan, verb: &str) -> String {
    format!(
        "\n{}\n{}\nDo you want to {verb} these changes? Only `yes` is accepted: ",
        render::summary_line(plan),
        render::cost_line(plan)
    )
}

fn print_outputs(console: &Console, report: &ApplyReport) {
    if report.outputs.is_empty() {
        return;
    }
    outln!(console, "\nOutputs:");
    for (name, value) in &report.outputs {
        let shown = if value.sensitive {
            "(sensitive)".to_string()
        } else {
            garrison_plan::render::format_value(&value.value)
        };
        outln!(console, "  {name} = {shown}");
    }
}

/// First Ctrl-C: start nothing new and let in-flight operations finish. Second: abort now
/// by telling the run to drop everything (which releases the lock) and exit 130; the
/// journal keeps every intent, so the next run resolves what was in flight.
async fn ctrl_c(
    console: Console,
    cancel: CancelToken,
    pressed: Arc<AtomicBool>,
    abort: tokio::sync::oneshot::Sender<()>,
) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    pressed.store(true, Ordering::SeqCst);
    cancel.cancel();
    errln!(
        console,
        "\nStopping: no new operations; waiting for those in flight (Ctrl-C again to abort now)."
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        let _ = abort.send(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// U15: the question repeats the one-line summary and the cost delta.
    #[test]
    fn the_prompt_repeats_summary_and_cost() {
        let plan = Plan {
            format_version: garrison_plan::PLAN_FORMAT_VERSION,
            basis: garrison_plan::Basis::default(),
            destroy: false,
            summary: garrison_plan::Summary {
                add: 2,
                destroy: 1,
                ..garrison_plan::Summary::default()
            },
            changes: Vec::new(),
            outputs: Vec::new(),
            drift: Vec::new(),
            blocked: Vec::new(),
            notes: Default::default(),
            options: Default::default(),
            hints: Vec::new(),
            violations: Vec::new(),
            warnings: Vec::new(),
            cost: Some(garrison_plan::Cost {
                before_per_hour: 1.0,
                after_per_hour: 22.52,
                delta_per_hour: 21.52,
            }),
            steps: Vec::new(),
            rehearsal: None,
        };
        let text = prompt_text(&plan, "apply");
        assert!(
            text.contains("2 to add, 0 to change, 0 to replace, 1 to destroy"),
            "{text}"
        );
        assert!(text.contains("+$21.52/h"), "{text}");
        assert!(
            text.trim_end().ends_with("Only `yes` is accepted:"),
            "{text}"
        );
    }
}
