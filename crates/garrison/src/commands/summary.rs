//! The end-of-run summary of `apply` and `destroy`: what succeeded, failed and did not
//! start, and why (a failed dependency, Ctrl-C, or an internal error: a bug), and how the
//! run ended: complete, incomplete, interrupted, or an internal error.

use std::fmt::Write;

use garrison_engine::{ApplyReport, SkipReason};

use crate::exit::{Ended, Outcome};
use crate::failure::{Class, Failure, BUG_HINT};

/// How the run ended, beyond the report itself.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ending {
    /// The user pressed Ctrl-C.
    pub(crate) ctrl_c: bool,
    /// Something panicked (a bug): never reported as a mere interruption.
    pub(crate) panicked: bool,
}

/// The summary text (for stderr) and how the run ended.
pub(crate) fn render(report: &ApplyReport, destroy: bool, ending: Ending) -> (String, Ended) {
    let verb = if destroy { "destroy" } else { "apply" };
    let mut out = String::new();
    if ending.panicked {
        let _ = writeln!(
            out,
            "\nerror: internal error: an operation crashed and the run stopped early"
        );
        let _ = writeln!(out, "hint: {BUG_HINT}");
    } else if ending.ctrl_c && report.interrupted {
        let _ = writeln!(out, "\nInterrupted by Ctrl-C: in-flight operations finished and were recorded; run `garrison {verb}` again to continue.");
    }
    let complete = report.is_success() && !report.interrupted && !ending.panicked;
    let _ = writeln!(
        out,
        "\n{} {}: {} operation{} succeeded, {} failed, {} not started in {:.1}s.",
        if destroy { "Destroy" } else { "Apply" },
        if complete { "complete" } else { "incomplete" },
        report.succeeded.len(),
        if report.succeeded.len() == 1 { "" } else { "s" },
        report.failed.len(),
        report.skipped.len(),
        report.elapsed.as_secs_f64()
    );
    for (address, message) in &report.failed {
        let _ = writeln!(out, "  failed:      {address}: {message}");
    }
    for (address, because) in &report.skipped {
        let _ = writeln!(
            out,
            "  not started: {address} ({})",
            why_not_started(because, ending)
        );
    }
    for (address, reason) in &report.blocked {
        let _ = writeln!(out, "  blocked:     {address}: {reason}");
    }
    (out, ended(report, ending))
}

/// How the run ended. A panic is an internal error whatever else happened: the engine
/// leaves a panicked step's dependents "cancelled" and the run "interrupted", as a Ctrl-C
/// would. Only blocked resources (nothing failed or skipped) is the config's error.
fn ended(report: &ApplyReport, ending: Ending) -> Ended {
    if ending.panicked {
        return Err(Failure::reported(Class::Internal));
    }
    if report.is_success() && !report.interrupted {
        return Ok(Outcome::Success);
    }
    if ending.ctrl_c && report.interrupted {
        return Ok(Outcome::Interrupted);
    }
    if report.failed.is_empty() && report.skipped.is_empty() && !report.interrupted {
        return Err(Failure::reported(Class::Config));
    }
    Ok(Outcome::Incomplete)
}

/// Why a step did not start, truthfully.
pub(crate) fn why_not_started(because: &SkipReason, ending: Ending) -> String {
    match because {
        SkipReason::Cancelled if ending.panicked => {
            "the run stopped after an internal error".into()
        }
        SkipReason::Cancelled if ending.ctrl_c => "cancelled by Ctrl-C".into(),
        SkipReason::Cancelled => "the run stopped early".into(),
        SkipReason::DependencyFailed(dependency) => {
            format!("it waits for `{dependency}`, which failed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::{codes, exit_code};

    fn report() -> ApplyReport {
        ApplyReport {
            succeeded: vec!["vm.a".into()],
            skipped: vec![
                ("firewall.train-fw".into(), SkipReason::Cancelled),
                (
                    "vm.b".into(),
                    SkipReason::DependencyFailed("volume.v".into()),
                ),
            ],
            failed: vec![("volume.v".into(), "409 conflict".into())],
            interrupted: true,
            ..ApplyReport::default()
        }
    }

    /// U10: a step cancelled by Ctrl-C is "not started: cancelled by Ctrl-C", never
    /// "skipped (because `cancelled` failed)".
    #[test]
    fn ctrl_c_is_reported_as_ctrl_c() {
        let ending = Ending {
            ctrl_c: true,
            panicked: false,
        };
        let (text, ended) = render(&report(), false, ending);
        assert_eq!(exit_code(&ended), codes::ERROR);
        assert_eq!(ended.ok(), Some(Outcome::Interrupted));
        assert!(
            text.contains("not started: firewall.train-fw (cancelled by Ctrl-C)"),
            "{text}"
        );
        assert!(
            text.contains("not started: vm.b (it waits for `volume.v`, which failed)"),
            "{text}"
        );
        assert!(!text.contains("`cancelled`"), "{text}");
        assert!(text.contains("Interrupted by Ctrl-C"), "{text}");
    }

    /// U10: a panicked step is an internal error (a bug, exit 1), not "Interrupted ... run
    /// again".
    #[test]
    fn a_panic_is_an_internal_error() {
        let ending = Ending {
            ctrl_c: false,
            panicked: true,
        };
        let (text, ended) = render(&report(), false, ending);
        assert_eq!(exit_code(&ended), codes::ERROR);
        assert_eq!(ended.err().map(|f| f.class()), Some(Class::Internal));
        assert!(text.contains("internal error"), "{text}");
        assert!(text.contains("this is a bug"), "{text}");
        assert!(!text.contains("Interrupted"), "{text}");
        assert!(!text.contains("Ctrl-C"), "{text}");
        let clean = ApplyReport {
            succeeded: vec!["vm.a".into()],
            ..ApplyReport::default()
        };
        assert_eq!(exit_code(&render(&clean, false, ending).1), codes::ERROR);
        assert_eq!(
            exit_code(&render(&clean, false, Ending::default()).1),
            codes::OK
        );
    }

    /// A failed operation is an incomplete run; only blocked resources are the config's
    /// error (as `plan` says).
    #[test]
    fn failures_and_blocks_end_the_run_apart() {
        let failed = ApplyReport {
            failed: vec![("volume.v".into(), "409 conflict".into())],
            ..ApplyReport::default()
        };
        let (_, ended) = render(&failed, false, Ending::default());
        assert_eq!(ended.ok(), Some(Outcome::Incomplete));
        let blocked = ApplyReport {
            blocked: vec![("vm.a".into(), "protected".into())],
            ..ApplyReport::default()
        };
        let (_, ended) = render(&blocked, false, Ending::default());
        assert_eq!(ended.err().map(|f| f.class()), Some(Class::Config));
    }
}
