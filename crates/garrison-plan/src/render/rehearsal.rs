//! The rehearsal section of the plan's text and Markdown: verdict, failing operations with
//! the API's message, predicted makespan and critical path, convergence, guesses relied on,
//! and each step's predicted duration.

use std::fmt::Write as _;

use crate::rehearsal::{Rehearsal, RehearsedOutcome};

/// `42s`, `3m 05s`, `1h 02m`; tenths under ten seconds.
pub fn duration(secs: f64) -> String {
    let secs = secs.max(0.0);
    if secs < 10.0 {
        return format!("{secs:.1}s");
    }
    let whole = secs.round() as u64;
    match whole {
        0..=59 => format!("{whole}s"),
        60..=3599 => format!("{}m {:02}s", whole / 60, whole % 60),
        _ => format!("{}h {:02}m", whole / 3600, whole % 3600 / 60),
    }
}

/// The one-line verdict.
pub fn verdict(r: &Rehearsal) -> String {
    let n = r.failures.len();
    match (n, r.converges) {
        (0, true) => "Rehearsal passed: nothing would fail and the end state matches the config."
            .to_string(),
        (0, false) => {
            "Rehearsal FAILED: every operation succeeds, but the end state would not match the config (the plan would not converge).".to_string()
        }
        _ => format!(
            "Rehearsal FAILED: {n} operation{} would fail{}.",
            if n == 1 { "" } else { "s" },
            if r.converges {
                ""
            } else {
                " and the plan would not converge"
            }
        ),
    }
}

/// One line per failing operation: step, what, address, the API's message.
pub fn failure_lines(r: &Rehearsal) -> Vec<String> {
    r.failures
        .iter()
        .map(|f| {
            let status = f
                .status
                .filter(|s| !f.message.contains(&format!("HTTP {s}")))
                .map(|s| format!(" (HTTP {s})"))
                .unwrap_or_default();
            let skipped = match f.skipped {
                0 => String::new(),
                1 => "; 1 step waiting on it would not run".to_string(),
                n => format!("; {n} steps waiting on it would not run"),
            };
            format!(
                "step {} ({} {}) would fail: {}{status}{skipped}",
                f.step, f.what, f.address, f.message
            )
        })
        .collect()
}

/// `Predicted duration: ... at parallelism N (...)` and the critical path.
fn timing_lines(r: &Rehearsal) -> (String, String) {
    let limit = r
        .rate_limit_per_minute
        .map_or("no rate limit".to_string(), |n| format!("{n} requests/min"));
    let makespan = format!(
        "Predicted duration: {} at parallelism {}, {limit} ({} changing requests)",
        duration(r.makespan_secs),
        r.parallelism,
        r.mutations
    );
    let path: Vec<String> = r
        .critical_path
        .iter()
        .filter_map(|id| r.steps.iter().find(|s| s.id == *id))
        .map(|s| format!("{} {} ({})", s.what, s.address, duration(s.predicted_secs)))
        .collect();
    let critical = format!(
        "Critical path: {}{}",
        duration(r.critical_path_secs),
        if path.is_empty() {
            String::new()
        } else {
            format!(": {}", path.join(" -> "))
        }
    );
    (makespan, critical)
}

/// The rehearsal section of the text plan.
pub fn to_text(r: &Rehearsal) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{}", verdict(r));
    for line in failure_lines(r) {
        let _ = writeln!(out, "  ! {line}");
    }
    let (makespan, critical) = timing_lines(r);
    let _ = writeln!(out, "{makespan}");
    let _ = writeln!(out, "{critical}");
    if !r.converges {
        let _ = writeln!(out, "After it, a plan would still do:");
        for line in &r.not_converged {
            let _ = writeln!(out, "  ~ {line}");
        }
    }
    for (title, lines) in [
        ("Relied on guessed API behaviour:", &r.guesses),
        (
            "Where the emulator may differ from the account:",
            &r.caveats,
        ),
    ] {
        if !lines.is_empty() {
            let _ = writeln!(out, "{title}");
            for line in lines {
                let _ = writeln!(out, "  - {line}");
            }
        }
    }
    if !r.steps.is_empty() {
        let _ = writeln!(out, "Predicted step durations:");
        for s in &r.steps {
            let _ = writeln!(
                out,
                "  {:>4}  {:<8} {} {}",
                s.id,
                step_time(s),
                s.what,
                s.address
            );
        }
    }
    out
}

fn step_time(s: &crate::rehearsal::RehearsedStep) -> String {
    match s.outcome {
        RehearsedOutcome::Succeeded => duration(s.predicted_secs),
        RehearsedOutcome::Failed => "FAILED".to_string(),
        RehearsedOutcome::Skipped => "skipped".to_string(),
    }
}

/// The rehearsal section of the Markdown plan.
pub fn to_markdown(r: &Rehearsal) -> String {
    let mut out = String::new();
    let icon = if r.passed() { "✅" } else { "⛔" };
    let _ = writeln!(out, "\n#### Rehearsal\n\n{icon} {}\n", verdict(r));
    for line in failure_lines(r) {
        let _ = writeln!(out, "- {}", line.replace('|', "\\|"));
    }
    if !r.failures.is_empty() {
        out.push('\n');
    }
    let (makespan, critical) = timing_lines(r);
    let _ = writeln!(out, "{makespan}.\n\n{critical}.\n");
    if !r.converges {
        let _ = writeln!(out, "After it, a plan would still do:\n");
        for line in &r.not_converged {
            let _ = writeln!(out, "- `{line}`");
        }
        out.push('\n');
    }
    for (title, lines) in [
        ("Relied on guessed API behaviour", &r.guesses),
        ("Where the emulator may differ from the account", &r.caveats),
    ] {
        if !lines.is_empty() {
            let _ = writeln!(out, "{title}:\n");
            for line in lines {
                let _ = writeln!(out, "- {line}");
            }
            out.push('\n');
        }
    }
    if !r.steps.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Predicted step durations ({} steps)</summary>\n",
            r.steps.len()
        );
        let _ = writeln!(out, "| step | operation | predicted |\n|---:|---|---:|");
        for s in &r.steps {
            let _ = writeln!(
                out,
                "| {} | {} `{}` | {} |",
                s.id,
                s.what,
                s.address,
                step_time(s)
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration(0.04), "0.0s");
        assert_eq!(duration(4.25), "4.2s");
        assert_eq!(duration(42.4), "42s");
        assert_eq!(duration(185.0), "3m 05s");
        assert_eq!(duration(3720.0), "1h 02m");
    }
}
