//! Progress on stderr: one line per operation with its elapsed time, and on a terminal a
//! live status line (done / running, with each running operation's elapsed time).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use garrison_engine::{Event, EventSink};

use crate::console::Console;

/// Progress of one run. On a terminal a ticker redraws the status line until [`finish`].
///
/// [`finish`]: Progress::finish
pub(crate) struct Progress {
    shared: Arc<Shared>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    console: Console,
    color: bool,
    live: bool,
    /// Set when the user pressed Ctrl-C (cancelled steps say so).
    ctrl_c: Arc<AtomicBool>,
    stop: AtomicBool,
    view: Mutex<View>,
}

#[derive(Default)]
struct View {
    total: usize,
    done: usize,
    running: BTreeMap<usize, (String, String, Instant)>,
    status_shown: bool,
}

impl Progress {
    /// Progress for a run of `total` operations.
    pub(crate) fn new(console: &Console, total: usize) -> Progress {
        let shared = Arc::new(Shared {
            console: *console,
            color: console.err_color(),
            // The live line needs escape sequences on a terminal (each operation's start is
            // printed instead).
            live: console.err_live() && total > 0,
            ctrl_c: Arc::new(AtomicBool::new(false)),
            stop: AtomicBool::new(false),
            view: Mutex::new(View {
                total,
                ..View::default()
            }),
        });
        let ticker = shared.live.then(|| {
            let shared = shared.clone();
            std::thread::spawn(move || {
                while !shared.stop.load(Ordering::Relaxed) {
                    shared.redraw();
                    std::thread::sleep(Duration::from_millis(200));
                }
            })
        });
        Progress { shared, ticker }
    }

    /// The sink to give the engine.
    pub(crate) fn sink(&self) -> EventSink {
        let shared = self.shared.clone();
        Arc::new(move |event| shared.event(&event))
    }

    /// The flag to set when the user presses Ctrl-C.
    pub(crate) fn ctrl_c_flag(&self) -> Arc<AtomicBool> {
        self.shared.ctrl_c.clone()
    }

    /// Stops the live line and clears it.
    pub(crate) fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        self.shared.clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Shared {
    fn view(&self) -> std::sync::MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn clear(&self) {
        let mut view = self.view();
        if view.status_shown {
            err!(self.console, "\r\x1b[2K");
            view.status_shown = false;
        }
    }

    fn redraw(&self) {
        if !self.live {
            return;
        }
        let mut view = self.view();
        let running: Vec<String> = view
            .running
            .values()
            .take(4)
            .map(|(address, what, at)| {
                format!("{address} {what} {:.0}s", at.elapsed().as_secs_f64())
            })
            .collect();
        let more = view.running.len().saturating_sub(4);
        let mut line = format!(
            "  [{}/{}] running: {}",
            view.done,
            view.total,
            running.join(", ")
        );
        if more > 0 {
            line.push_str(&format!(" (+{more})"));
        }
        line.truncate(160);
        err!(self.console, "\r\x1b[2K{}", self.paint("2", &line));
        view.status_shown = true;
    }

    fn event(&self, event: &Event) {
        let line = match event {
            Event::Started { step, address, what } => {
                self.view()
                    .running
                    .insert(*step, (address.clone(), what.clone(), Instant::now()));
                if self.live {
                    return; // the status line shows it
                }
                format!("  {} {address}: {what} started", self.paint("36", "…"))
            }
            Event::Finished { step, address, what, elapsed } => {
                self.finished(*step);
                format!(
                    "  {} {address}: {what} done ({:.1}s)",
                    self.paint("32", "✓"),
                    elapsed.as_secs_f64()
                )
            }
            Event::Failed { step, address, what, message } => {
                self.finished(*step);
                format!("  {} {address}: {what} FAILED: {message}", self.paint("31", "✗"))
            }
            Event::Skipped { step, address, what, because } => {
                self.finished(*step);
                let ending = crate::commands::Ending {
                    ctrl_c: self.ctrl_c.load(Ordering::SeqCst),
                    panicked: crate::panic::happened(),
                };
                format!(
                    "  {} {address}: {what} not started ({})",
                    self.paint("33", "-"),
                    crate::commands::why_not_started(because, ending)
                )
            }
            Event::Adopted { address, name, remote_id, .. } => format!(
                "  {} {address}: found `{name}` (id {remote_id}) from an interrupted run and adopted it",
                self.paint("35", "↺")
            ),
            Event::Resolved { address, action, outcome } => format!(
                "  {} {address}: interrupted {action} resolved: {outcome}",
                self.paint("35", "↺")
            ),
            Event::Waiting { .. } => return,
            Event::Warning { address, message } => format!("  {} {address}: {message}", self.paint("33", "!")),
        };
        self.clear();
        errln!(self.console, "{line}");
        self.redraw();
    }

    fn finished(&self, step: usize) {
        let mut view = self.view();
        view.running.remove(&step);
        view.done += 1;
    }
}
