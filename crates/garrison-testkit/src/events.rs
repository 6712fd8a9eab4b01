//! An event sink that keeps every event the engine reports.

use std::sync::{Arc, Mutex};

use garrison_engine::{Event, EventSink};

/// A sink and the events it has kept so far.
pub fn collector() -> (EventSink, Arc<Mutex<Vec<Event>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let keep = events.clone();
    let sink: EventSink = Arc::new(move |e| {
        if let Ok(mut v) = keep.lock() {
            v.push(e);
        }
    });
    (sink, events)
}
