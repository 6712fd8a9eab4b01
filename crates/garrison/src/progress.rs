//! Progress on stderr: one line per operation with its elapsed time.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use garrison_engine::{Event, EventSink};

/// An event sink that prints one line per event to stderr.
pub(crate) fn stderr_sink(no_color: bool) -> EventSink {
    let color =
        !no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    Arc::new(move |event| {
        let line = match &event {
            Event::Started { address, what, .. } => format!("  {} {address}: {what} started", paint(color, "36", "…")),
            Event::Finished { address, what, elapsed, .. } => format!(
                "  {} {address}: {what} done ({:.1}s)",
                paint(color, "32", "✓"),
                elapsed.as_secs_f64()
            ),
            Event::Failed { address, what, message, .. } => {
                format!("  {} {address}: {what} FAILED: {message}", paint(color, "31", "✗"))
            }
            Event::Skipped { address, what, because, .. } => format!(
                "  {} {address}: {what} skipped ({})",
                paint(color, "33", "-"),
                if because == "cancelled" { "cancelled".to_string() } else { format!("`{because}` failed") }
            ),
            Event::Adopted { address, name, remote_id, .. } => format!(
                "  {} {address}: found `{name}` (id {remote_id}) from an interrupted run and adopted it",
                paint(color, "35", "↺")
            ),
            Event::Resolved { address, action, outcome } => format!(
                "  {} {address}: interrupted {action} resolved: {outcome}",
                paint(color, "35", "↺")
            ),
            Event::Waiting { address, status, .. } => {
                if !color {
                    return;
                }
                format!("  {} {address}: waiting for {status}", paint(color, "2", "…"))
            }
            Event::Warning { address, message } => format!("  {} {address}: {message}", paint(color, "33", "!")),
        };
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    })
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}
