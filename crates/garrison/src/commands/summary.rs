//! The end-of-run summary of `apply` and `destroy`: what succeeded, failed and did not
//! start, and why (a failed dependency, Ctrl-C, or an internal error: a bug), and the exit
//! code that goes with it.

use std::fmt::Write;

use garrison_engine::ApplyReport;

use crate::exit::{codes, BUG_HINT};

/// How the run ended, beyond the report itself.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ending {
    /// The user pressed Ctrl-C.
    pub(crate) ctrl_c: bool,
    /// Something panicked (a bug): never reported as a mere interruption.
    pub(crate) panicked: bool,
}

/// The summary text (for stderr) and the exit code.
pub(crate) fn render(report: &ApplyReport, destroy: bool, ending: Ending) -> (String, u8) {
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
    (out, if complete { codes::OK } else { codes::ERROR })
}

/// Why a step did not start, truthfully.
pub(crate) fn why_not_started(because: &str, ending: Ending) -> String {
    match because {
        "cancelled" if ending.panicked => "the run stopped after an internal error".into(),
        "cancelled" if ending.ctrl_c => "cancelled by Ctrl-C".into(),
        "cancelled" => "the run stopped early".into(),
        dependency => format!("it waits for `{dependency}`, which failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ApplyReport {
        ApplyReport {
            succeeded: vec!["vm.a".into()],
            skipped: vec![
                ("firewall.train-fw".into(), "cancelled".into()),
                ("vm.b".into(), "volume.v".into()),
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
        let (text, code) = render(&report(), false, ending);
        assert_eq!(code, codes::ERROR);
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
        let (text, code) = render(&report(), false, ending);
        assert_eq!(code, codes::ERROR);
        assert!(text.contains("internal error"), "{text}");
        assert!(text.contains("this is a bug"), "{text}");
        assert!(!text.contains("Interrupted"), "{text}");
        assert!(!text.contains("Ctrl-C"), "{text}");
        let clean = ApplyReport {
            succeeded: vec!["vm.a".into()],
            ..ApplyReport::default()
        };
        assert_eq!(render(&clean, false, ending).1, codes::ERROR);
        assert_eq!(render(&clean, false, Ending::default()).1, codes::OK);
    }
}
