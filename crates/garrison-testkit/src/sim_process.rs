//! The `barrack-sim` binary as a child process on 127.0.0.1 on a free port (`--addr
//! 127.0.0.1:0`), its stderr read line by line, killed when the handle drops.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Instant;

/// A running `barrack-sim` process.
pub struct SimProcess {
    child: Child,
    /// Its stderr, a line at a time.
    pub lines: Receiver<String>,
    /// The API's base URL from its `listening` line (`.../v1`).
    pub base_url: String,
}

impl SimProcess {
    /// Starts `bin --addr 127.0.0.1:0 ARGS` with `NO_COLOR=1` and `RUST_LOG=info`, and
    /// waits until `deadline` for the line that names its API URL (`api=...`); `configure`
    /// may add arguments and environment.
    pub fn start(bin: &Path, deadline: Instant, configure: impl FnOnce(&mut Command)) -> Self {
        let mut cmd = Command::new(bin);
        cmd.args(["--addr", "127.0.0.1:0"]);
        configure(&mut cmd);
        let mut child = cmd
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("binary starts");
        let stderr = child.stderr.take().expect("stderr piped");
        let (tx, lines) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut process = SimProcess {
            child,
            lines,
            base_url: String::new(),
        };
        process.base_url = loop {
            let line = process.next_line(deadline);
            if let Some(start) = line.find("api=") {
                break line[start + 4..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
            }
        };
        process
    }

    /// The next line of stderr; panics (failing the test) when none comes by `deadline`.
    pub fn next_line(&self, deadline: Instant) -> String {
        self.lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("a log line before the deadline")
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
