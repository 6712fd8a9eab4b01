//! `apply --json` / `destroy --json`: the run as NDJSON on stdout, one event per line, for a
//! dashboard or a CI log to follow (schema: docs/events.md). Each line has `"type"`; the
//! types are `planned_change`, `operation_started`, `operation_waiting`,
//! `operation_finished`, `operation_failed`, `operation_skipped`, `adopted`, `resolved`,
//! `warning` and, last, `summary`. Sensitive values never appear (plans are redacted when
//! made; outputs marked sensitive are `"(sensitive)"`).

use garrison_engine::{ApplyReport, Event, EventSink};
use garrison_plan::Plan;
use serde_json::{json, Value};

use crate::console::Console;

/// Version of the event lines' schema (docs/events.md).
pub(crate) const EVENTS_FORMAT_VERSION: u32 = 1;

/// One line.
fn emit(console: &Console, event: &Value) {
    outln!(console, "{event}");
}

/// A `planned_change` line per change of the plan.
pub(crate) fn planned(console: &Console, plan: &Plan) {
    for c in &plan.changes {
        emit(
            console,
            &json!({
                "type": "planned_change",
                "format_version": EVENTS_FORMAT_VERSION,
                "address": c.address.to_string(),
                "kind": c.kind.as_str(),
                "action": c.action,
                "name": c.name,
                "reasons": c.reasons,
                "cost_before": c.cost_before,
                "cost_after": c.cost_after,
            }),
        );
    }
}

/// The sink that writes each engine event as a line.
pub(crate) fn sink(console: &Console) -> EventSink {
    let console = *console;
    std::sync::Arc::new(move |event: Event| emit(&console, &line(&event)))
}

fn line(event: &Event) -> Value {
    let mut v = match event {
        Event::Started {
            step,
            address,
            what,
        } => {
            json!({"type": "operation_started", "step": step, "address": address, "operation": what})
        }
        Event::Waiting {
            step,
            address,
            status,
        } => {
            json!({"type": "operation_waiting", "step": step, "address": address, "for_status": status})
        }
        Event::Finished {
            step,
            address,
            what,
            elapsed,
        } => json!({
            "type": "operation_finished", "step": step, "address": address, "operation": what,
            "elapsed_ms": elapsed.as_millis() as u64,
        }),
        Event::Failed {
            step,
            address,
            what,
            message,
        } => json!({
            "type": "operation_failed", "step": step, "address": address, "operation": what,
            "message": message,
        }),
        Event::Skipped {
            step,
            address,
            what,
            because,
        } => json!({
            "type": "operation_skipped", "step": step, "address": address, "operation": what,
            "because": because.to_string(),
        }),
        Event::Adopted {
            address,
            kind,
            name,
            remote_id,
        } => json!({
            "type": "adopted", "address": address, "kind": kind.as_str(), "name": name,
            "remote_id": remote_id,
        }),
        Event::Resolved {
            address,
            action,
            outcome,
        } => {
            json!({"type": "resolved", "address": address, "action": action, "outcome": outcome})
        }
        Event::Warning { address, message } => {
            json!({"type": "warning", "address": address, "message": message})
        }
    };
    v["format_version"] = json!(EVENTS_FORMAT_VERSION);
    v
}

/// The last line: counts, failures with the API's status and request id, and the outputs.
pub(crate) fn summary(console: &Console, report: &ApplyReport) {
    let failed: Vec<Value> = report
        .failed
        .iter()
        .map(|(address, e)| {
            json!({"address": address, "message": e.message, "status": e.status, "request_id": e.request_id})
        })
        .collect();
    let outputs: serde_json::Map<String, Value> = report
        .outputs
        .iter()
        .map(|(name, o)| {
            let value = if o.sensitive {
                json!("(sensitive)")
            } else {
                o.value.clone()
            };
            (name.clone(), value)
        })
        .collect();
    emit(
        console,
        &json!({
            "type": "summary",
            "format_version": EVENTS_FORMAT_VERSION,
            "success": report.is_success(),
            "succeeded": report.succeeded.len(),
            "failed": failed,
            "skipped": report.skipped.len(),
            "blocked": report.blocked.iter().map(|(a, why)| json!({"address": a, "reason": why})).collect::<Vec<_>>(),
            "interrupted": report.interrupted,
            "elapsed_ms": report.elapsed.as_millis() as u64,
            "outputs": outputs,
        }),
    );
}
