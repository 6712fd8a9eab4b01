//! The main loop: documents in, diagnostics out (debounced, checked on the worker),
//! requests answered at once (`requests.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, PublishDiagnosticsParams,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::documents::{is_config_file, path_of, url_of, Documents};
use crate::schedule::Schedule;
use crate::worker::{Done, Job, Worker};
use crate::{LspError, Settings};

/// The server's state.
struct Server<'a> {
    conn: &'a Connection,
    settings: &'a Settings,
    docs: Documents,
    schedule: Schedule,
    /// Each directory's generation: bumped by every change of its documents.
    generations: BTreeMap<PathBuf, u64>,
    worker: Worker,
    /// The files each directory's last check published diagnostics for.
    published: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
}

/// Serves an initialized connection until `shutdown` and `exit` (or the client leaves).
pub(crate) fn serve(conn: &Connection, settings: &Settings) -> Result<(), LspError> {
    let mut server = Server {
        conn,
        settings,
        docs: Documents::default(),
        schedule: Schedule::default(),
        generations: BTreeMap::new(),
        worker: Worker::start()?,
        published: BTreeMap::new(),
    };
    loop {
        // Nothing scheduled: wait for a message or a result as long as it takes.
        let wait = server.schedule.wait().unwrap_or(IDLE);
        crossbeam_channel::select! {
            recv(conn.receiver) -> msg => match msg {
                Ok(Message::Request(req)) => {
                    if conn.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    let resp = crate::requests::answer(&server.docs, req);
                    server.send(resp.into())?;
                }
                Ok(Message::Notification(n)) => server.notification(n),
                Ok(Message::Response(_)) => {}
                Err(_) => return Ok(()),
            },
            recv(server.worker.done) -> done => {
                if let Ok(done) = done {
                    server.publish(done)?;
                }
            },
            default(wait) => {},
        }
        for dir in server.schedule.take_due() {
            server.submit(dir);
        }
    }
}

/// How long the loop sleeps when nothing is scheduled (it wakes earlier for any message).
const IDLE: std::time::Duration = std::time::Duration::from_secs(3600);

fn params<P: DeserializeOwned>(value: Value) -> Option<P> {
    serde_json::from_value(value).ok()
}

impl Server<'_> {
    fn send(&self, msg: Message) -> Result<(), LspError> {
        self.conn
            .sender
            .send(msg)
            .map_err(|_| LspError::Disconnected)
    }

    fn notification(&mut self, n: Notification) {
        let (path, delay) = match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Some(p) = params::<DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return;
                };
                let doc = p.text_document;
                self.docs.set(path.clone(), doc.text, doc.version);
                (path, std::time::Duration::ZERO)
            }
            DidChangeTextDocument::METHOD => {
                let Some(p) = params::<DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return;
                };
                // Full sync: the last change holds the whole text.
                let Some(change) = p.content_changes.into_iter().last() else {
                    return;
                };
                self.docs
                    .set(path.clone(), change.text, p.text_document.version);
                (path, self.settings.debounce)
            }
            DidSaveTextDocument::METHOD => {
                let Some(p) = params::<DidSaveTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return;
                };
                (path, std::time::Duration::ZERO)
            }
            DidCloseTextDocument::METHOD => {
                let Some(p) = params::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = path_of(&p.text_document.uri) else {
                    return;
                };
                self.docs.close(&path);
                (path, std::time::Duration::ZERO)
            }
            _ => return,
        };
        if let (true, Some(dir)) = (is_config_file(&path), path.parent()) {
            // A module's file is checked as part of the config that calls it.
            let dir = crate::calling::config_root(dir, &self.docs);
            *self.generations.entry(dir.clone()).or_default() += 1;
            self.schedule.after(&dir, delay);
        }
    }

    /// Queues a check of `dir` as its documents are now.
    fn submit(&self, dir: PathBuf) {
        self.worker.submit(Job {
            generation: self.generations.get(&dir).copied().unwrap_or_default(),
            docs: self.docs.clone(),
            inputs: (self.settings.inputs)(&dir),
            offered: (self.settings.offered)(&dir),
            dir,
        });
    }

    /// Publishes a finished check to the open documents and the files that have or had
    /// diagnostics (clearing those that no longer have any); drops it
    /// when a newer change superseded it (that change's own check follows).
    fn publish(&mut self, done: Done) -> Result<(), LspError> {
        let current = self.generations.get(&done.dir).copied().unwrap_or_default();
        if done.generation != current {
            return Ok(());
        }
        let before = self.published.remove(&done.dir).unwrap_or_default();
        let now: BTreeSet<PathBuf> = done.by_file.keys().cloned().collect();
        // Every open document hears the result, empty or not (with the version checked).
        let mut to_tell = self.docs.open_in(&done.dir);
        to_tell.extend(before.union(&now).cloned());
        for path in &to_tell {
            let Some(uri) = url_of(path) else { continue };
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics: done.by_file.get(path).cloned().unwrap_or_default(),
                version: self.docs.get(path).map(|d| d.version),
            };
            self.send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into())?;
        }
        self.published.insert(done.dir, now);
        Ok(())
    }
}
