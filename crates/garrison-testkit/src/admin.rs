//! A tiny HTTP/1.0 client for the emulator's `/_sim` admin surface (no auth, no faults).

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request to the admin surface at `addr`; panics (failing the test) on a non-2xx.
pub async fn admin(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Value {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("connect to the emulator at {addr}: {e}"));
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("send {method} {path}: {e}"));
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .unwrap_or_else(|e| panic!("read {method} {path}: {e}"));
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    assert!(
        head.starts_with("HTTP/1.0 2") || head.starts_with("HTTP/1.1 2"),
        "{method} {path}: {head}\n{body}"
    );
    serde_json::from_str(body).unwrap_or(Value::Null)
}
