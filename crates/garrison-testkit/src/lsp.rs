//! A minimal Language Server Protocol client for tests: starts `garrison lsp` as a process
//! and speaks JSON-RPC with `Content-Length` framing over its stdio.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a test waits for one answer before failing.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// A running `garrison lsp`.
pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else, oldest first.
    pub notifications: Vec<Value>,
}

impl LspClient {
    /// Starts `bin lsp` in `cwd` and initializes it (panics, failing the test, on error).
    pub fn start(bin: &Path, cwd: &Path) -> LspClient {
        let mut child = Command::new(bin)
            .arg("lsp")
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {} lsp: {e}", bin.display()));
        let stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut client = LspClient {
            child,
            stdin,
            messages,
            next_id: 0,
            notifications: Vec::new(),
        };
        let root = url(cwd);
        client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        client.notify("initialized", json!({}));
        client
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends several notifications in one write (a burst of keystrokes).
    pub fn notify_burst(&mut self, notifications: &[(&str, Value)]) {
        let frames: String = notifications
            .iter()
            .map(|(method, params)| {
                frame(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            })
            .collect();
        self.write(&frames);
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + ANSWER_WITHIN;
        loop {
            let msg = self.next_before(deadline, method);
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.notifications.push(msg);
        }
    }

    /// Waits for the next `textDocument/publishDiagnostics` for `uri` and returns its
    /// diagnostics.
    pub fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let msg = self.diagnostics_message_for(uri);
        msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits for the next `textDocument/publishDiagnostics` for `uri` and returns the whole
    /// notification (with its `version`).
    pub fn diagnostics_message_for(&mut self, uri: &str) -> Value {
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.notifications.iter().position(is_for) {
            return self.notifications.remove(i);
        }
        let deadline = Instant::now() + ANSWER_WITHIN;
        loop {
            let msg = self.next_before(deadline, "publishDiagnostics");
            if is_for(&msg) {
                return msg;
            }
            self.notifications.push(msg);
        }
    }

    /// `shutdown` then `exit`; returns the process's exit status.
    pub fn shutdown(mut self) -> std::process::ExitStatus {
        let resp = self.request("shutdown", Value::Null);
        assert!(resp.get("error").is_none(), "shutdown failed: {resp}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + ANSWER_WITHIN;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(Instant::now() < deadline, "garrison lsp did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn next_before(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => {
                panic!("no answer to `{waiting_for}` within {ANSWER_WITHIN:?}")
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("garrison lsp closed stdout while waiting for `{waiting_for}`")
            }
        }
    }

    fn send(&mut self, msg: &Value) {
        self.write(&frame(msg));
    }

    fn write(&mut self, framed: &str) {
        self.stdin
            .write_all(framed.as_bytes())
            .and_then(|()| self.stdin.flush())
            .unwrap_or_else(|e| panic!("writing to garrison lsp: {e}"));
    }
}

/// One message with its `Content-Length` header.
fn frame(msg: &Value) -> String {
    let body = msg.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads one framed message; `None` at the end of the stream or on a malformed frame.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file:` URL of an absolute path (test paths are plain ASCII).
pub fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}
