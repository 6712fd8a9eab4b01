//! A VM's `ready-when` (docs/language.md, "Readiness"): after the create, the local
//! command is run every `interval` until it exits 0 or `timeout` passes; the create step
//! completes only then, so its dependents (a snapshot of a provisioned builder) wait. The
//! command runs in the config directory without `BARRACK_API_KEY` in its environment; on
//! failure only its last stderr line is shown, never the command (it may hold secrets).

use std::process::Stdio;
use std::time::Duration;

use garrison_config::model::Spec;
use garrison_config::readiness::{self, Readiness};
use garrison_plan::Step;
use garrison_state::Outcome;
use tokio::time::Instant;

use super::Ctx;
use crate::outcome::StepError;

/// The longest stderr line a failure shows.
const LINE_MAX: usize = 300;

impl Ctx {
    /// Runs the `ready-when` of `step`'s VM, if it has one, until it succeeds.
    pub(crate) async fn ready(&self, step: &Step) -> Result<(), StepError> {
        let Some(resource) = self.resource(&step.address) else {
            return Ok(());
        };
        let Spec::Vm(vm) = &resource.spec else {
            return Ok(());
        };
        let Some(r) = &vm.ready_when else {
            return Ok(());
        };
        let this = self
            .previous(&step.address)
            .map(|rs| garrison_plan::outputs::as_referenced(step.kind, &rs.attributes))
            .unwrap_or_default();
        let index = resource.address.index.as_ref();
        let argv = readiness::command(&self.model, r, index, &this)
            .map_err(|why| StepError::from(format!("`ready-when` of `{}`: {why}", step.address)))?;
        self.retry(step, r, &argv).await
    }

    /// Records that `step`'s VM never became ready: the next plan replaces it.
    pub(crate) fn mark_not_ready(&self, step: &Step) -> Result<(), StepError> {
        let Some(mut rs) = self.previous(&step.address) else {
            return Ok(());
        };
        rs.not_ready = true;
        let op = self.with_store(|s| Ok(s.next_op()))?;
        self.record(op, &step.address, Outcome::Upserted(rs))
    }

    async fn retry(&self, step: &Step, r: &Readiness, argv: &[String]) -> Result<(), StepError> {
        let deadline = Instant::now() + r.timeout();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.waiting(step, &format!("ready-when (run {attempt})"));
            let left = deadline.saturating_duration_since(Instant::now());
            let last = match run_once(argv, &self.model.dir, left).await {
                Ok(()) => return Ok(()),
                Err(Failure::Fatal(why)) => {
                    return Err(format!("`ready-when` of `{}`: {why}", step.address).into())
                }
                Err(Failure::NotYet(line)) => line,
            };
            if Instant::now() + r.interval() >= deadline {
                let shown = if last.is_empty() {
                    String::new()
                } else {
                    format!("; last error: {last}")
                };
                return Err(format!(
                    "`{}` was not ready after {}s: `ready-when` failed {attempt} time{}{shown}",
                    step.address,
                    r.timeout_secs,
                    if attempt == 1 { "" } else { "s" },
                )
                .into());
            }
            tokio::time::sleep(r.interval()).await;
        }
    }
}

/// Why one run did not succeed.
enum Failure {
    /// It cannot succeed (the program cannot be started): no retry.
    Fatal(String),
    /// It exited non-zero (or ran out of time): its last stderr line.
    NotYet(String),
}

/// One run of `argv` in `dir`, for at most `left`.
async fn run_once(argv: &[String], dir: &std::path::Path, left: Duration) -> Result<(), Failure> {
    let Some((program, args)) = argv.split_first() else {
        return Err(Failure::Fatal("the command is empty".to_owned()));
    };
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .current_dir(if dir.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            dir
        })
        .env_remove("BARRACK_API_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd
        .spawn()
        .map_err(|e| Failure::Fatal(format!("could not start `{program}`: {e}")))?;
    let output = match tokio::time::timeout(left, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return Err(Failure::NotYet(format!("waiting for `{program}`: {e}"))),
        Err(_) => {
            return Err(Failure::NotYet(
                "it was still running at the timeout".to_owned(),
            ))
        }
    };
    if output.status.success() {
        return Ok(());
    }
    Err(Failure::NotYet(last_line(&output.stderr)))
}

/// The last non-empty line of `stderr`, bounded.
fn last_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim();
    line.chars().take(LINE_MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_non_empty_stderr_line_is_shown() {
        assert_eq!(last_line(b"first\nstatus: running\n\n"), "status: running");
        assert_eq!(last_line(b""), "");
        assert_eq!(last_line(&[b'x'; 1000]).len(), LINE_MAX);
    }
}
