//! What can end the server.

/// The server stopped on a protocol or transport error.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    /// The client broke the protocol (e.g. a request before `initialize`).
    #[error("language server protocol error: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// The client went away while the server was writing to it.
    #[error("the editor closed the connection")]
    Disconnected,
    /// Reading or writing stdio failed.
    #[error("language server stdio: {0}")]
    Io(#[from] std::io::Error),
    /// A message could not be encoded.
    #[error("encoding a language server message: {0}")]
    Json(#[from] serde_json::Error),
}
