//! The PostgreSQL backend: state, backup, journal and lock rows per workspace in one
//! database, served by a dedicated thread that owns the session.
//!
//! The [`Backend`] trait is synchronous and the engine calls it from inside a tokio
//! runtime, so this backend never blocks on a runtime on the caller's thread. It owns a
//! std thread running a current-thread tokio runtime with the `tokio_postgres::Client` and
//! its connection task; each trait call sends a job over a std channel and blocks on the
//! reply. Dropping the backend stops the thread, which ends the session.
//!
//! TLS follows libpq's `sslmode` (`pg_tls.rs`, `pg_connect.rs`). A job that finds the
//! connection lost is run again on a new session (up to [`RECONNECTS`] times, with
//! backoff), after the lock is taken back (`pg_session/reconnect.rs`).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::backend::Backend;
use crate::codec::{decode, encode};
use crate::crypt::{Keyring, Purpose};
use crate::doc::StateDoc;
use crate::error::Error;
use crate::journal::{
    check_mixed, open_record, seal_record, JournalRead, JournalRecord, RecordError,
};
use crate::lock::{LockGuard, LockInfo, LockStatus};
use crate::pg_connect::Connector;
use crate::pg_session::Session;
use crate::pg_tls::split_tls;
use crate::pg_url::{redact_url, scrub};

/// One call on the session; it answers `false` when the connection was lost before it
/// could reply (it is run again after a reconnection), `true` once it replied.
type Job = Box<
    dyn for<'a> FnMut(&'a mut Session, bool) -> Pin<Box<dyn Future<Output = bool> + 'a>> + Send,
>;

/// How many times a job whose connection was lost runs again on a new session.
const RECONNECTS: u32 = 4;
/// The pause before the first reconnection; it doubles each time.
const RECONNECT_PAUSE: Duration = Duration::from_millis(200);

enum Msg {
    Job(Job),
    Shutdown,
}

/// A cloneable way to run jobs on the session thread (the lock guard keeps one).
#[derive(Clone)]
struct Handle {
    tx: mpsc::Sender<Msg>,
    location: String,
}

impl Handle {
    fn call<T, F>(&self, action: &'static str, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: for<'a> Fn(&'a mut Session) -> Pin<Box<dyn Future<Output = Result<T, Error>> + 'a>>
            + Send
            + Sync
            + 'static,
    {
        let (reply_tx, reply_rx) = mpsc::channel();
        let f = Arc::new(f);
        let job: Job = Box::new(move |session, last| {
            let (f, reply) = (f.clone(), reply_tx.clone());
            Box::pin(async move {
                let result = f(&mut *session).await;
                if result.is_err() && session.take_lost() && !last {
                    return false;
                }
                let _ = reply.send(result);
                true
            })
        });
        let stopped = || {
            Error::Postgres {
            action,
            location: self.location.clone(),
            message: "the backend's session thread has stopped (the backend was dropped or its thread failed)".into(),
        }
        };
        self.tx.send(Msg::Job(job)).map_err(|_| stopped())?;
        reply_rx.recv().map_err(|_| stopped())?
    }
}

/// State in PostgreSQL, keyed by workspace. See `docs/state.md` ("PostgreSQL").
///
/// - Tables `garrison_state`, `garrison_journal`, `garrison_lock` are created on connect.
/// - The document is stored as the exact bytes of [`crate::encode`], so [`crate::decode`]
///   verifies its checksum on read; the previous document is kept in the same row.
/// - The lock is `pg_try_advisory_lock` on this backend's session plus a holder row; a row
///   whose advisory lock is free is stale and taken over.
pub struct PostgresBackend {
    handle: Handle,
    workspace: String,
    redacted_url: String,
    thread: Option<JoinHandle<()>>,
    /// Encryption at rest: seals what is written, opens what is read.
    keys: Keyring,
}

impl std::fmt::Debug for PostgresBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresBackend")
            .field("url", &self.redacted_url)
            .field("workspace", &self.workspace)
            .finish_non_exhaustive()
    }
}

/// `postgres:<workspace>`, the location named in messages.
fn location_of(workspace: &str) -> String {
    format!("postgres:{workspace}")
}

/// Where the previous document (the backup) of `location` lives.
fn previous_location(location: &str) -> String {
    format!("{location} (column `previous` of table `garrison_state`)")
}

impl PostgresBackend {
    /// Connect to `url` (a `postgres://` URL or `key=value` string; TLS is not supported)
    /// for `workspace`, creating the tables if needed. Blocks until connected; callable
    /// from sync code and from inside a tokio runtime. Errors never contain the password.
    pub fn connect(url: &str, workspace: &str) -> Result<Self, Error> {
        let redacted_url = redact_url(url);
        let location = location_of(workspace);
        let connect_err = |message: String| Error::Postgres {
            action: "connect",
            location: format!("{redacted_url} (workspace `{workspace}`)"),
            message,
        };
        if workspace.is_empty() {
            return Err(connect_err("the workspace name is empty".into()));
        }
        let (url_without_tls, tls) = split_tls(url).map_err(connect_err)?;
        let mut config: tokio_postgres::Config = url_without_tls
            .parse()
            .map_err(|e: tokio_postgres::Error| connect_err(format!("invalid URL: {e}")))?;
        let secret = config
            .get_password()
            .map(|p| String::from_utf8_lossy(p).into_owned());
        let scrubbed = |e: &dyn std::fmt::Display| scrub(&e.to_string(), secret.as_deref());
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("garrison");
        }

        let connector = Connector::new(config, &tls).map_err(connect_err)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| connect_err(format!("cannot start the session runtime: {e}")))?;
        let (tx, rx) = mpsc::channel::<Msg>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
        let thread_workspace = workspace.to_string();
        let thread_location = location.clone();
        let thread_secret = secret.clone();
        let thread = std::thread::Builder::new()
            .name(format!("garrison-pg-{workspace}"))
            .spawn(move || {
                serve(
                    runtime,
                    connector,
                    rx,
                    ready_tx,
                    thread_workspace,
                    thread_location,
                    thread_secret,
                )
            })
            .map_err(|e| connect_err(format!("cannot start the session thread: {e}")))?;
        let ready = ready_rx
            .recv()
            .unwrap_or_else(|_| Err("the session thread stopped while connecting".into()));
        if let Err(message) = ready {
            let _ = thread.join();
            return Err(connect_err(scrubbed(&message)));
        }
        Ok(Self {
            handle: Handle { tx, location },
            workspace: workspace.to_string(),
            redacted_url,
            thread: Some(thread),
            keys: Keyring::default(),
        })
    }

    /// This backend sealing the state, its previous copy and its journal records with
    /// `keys` (see [`Keyring`]); without keys (the default) they are stored as plaintext.
    pub fn with_keys(mut self, keys: Keyring) -> Self {
        self.keys = keys;
        self
    }

    /// The server process id of this backend's session (it changes when a lost session is
    /// replaced): for diagnostics, and for tests that end a session on purpose.
    pub fn session_pid(&self) -> Result<i32, Error> {
        self.handle.call("read the session's process id", |s| {
            Box::pin(s.backend_pid())
        })
    }

    /// The workspace this backend stores.
    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// The connection URL with its password replaced by `***`.
    pub fn redacted_url(&self) -> &str {
        &self.redacted_url
    }

    /// Every workspace key stored in this database that starts with `prefix`, sorted (the
    /// keys of a config's other workspaces: `docs/state.md`, "Workspaces").
    pub fn keys_with_prefix(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let prefix = prefix.to_owned();
        self.handle.call("list the workspaces", move |s| {
            let prefix = prefix.clone();
            Box::pin(async move { s.keys_with_prefix(&prefix).await })
        })
    }

    /// The previous document (the backup kept by each write), if any.
    pub fn read_previous(&self) -> Result<Option<StateDoc>, Error> {
        let bytes = self
            .handle
            .call("read the previous state", |s| Box::pin(s.read(true)))?;
        bytes.map(|b| self.decode(b)).transpose()
    }

    fn decode(&self, bytes: Vec<u8>) -> Result<StateDoc, Error> {
        let location = self.handle.location.clone();
        let bytes = self
            .keys
            .open(Purpose::State, bytes)
            .map_err(|source| Error::Crypt {
                what: "the state",
                location: location.clone(),
                source,
            })?;
        let bytes = bytes.as_slice();
        let backup = PathBuf::from(previous_location(&location));
        decode(Path::new(&location), bytes).map_err(|e| match e {
            Error::Corrupt { path, reason, .. } => Error::Corrupt {
                path,
                backup,
                reason,
            },
            Error::ChecksumMismatch {
                path,
                stored,
                actual,
                ..
            } => Error::ChecksumMismatch {
                path,
                backup,
                stored,
                actual,
            },
            Error::FutureVersion {
                path,
                found,
                supported,
                ..
            } => Error::FutureVersion {
                path,
                backup,
                found,
                supported,
            },
            other => other,
        })
    }
}

/// The session thread: connect, create the schema, report readiness, then run jobs until
/// told to stop (or every sender is gone).
fn serve(
    runtime: tokio::runtime::Runtime,
    connector: Connector,
    rx: mpsc::Receiver<Msg>,
    ready: mpsc::Sender<Result<(), String>>,
    workspace: String,
    location: String,
    secret: Option<String>,
) {
    let connected = runtime.block_on(Session::open(connector, &workspace, &location, secret));
    let mut session = match connected {
        Ok(session) => session,
        Err(message) => {
            let _ = ready.send(Err(message));
            return;
        }
    };
    if ready.send(Ok(())).is_err() {
        return;
    }
    while let Ok(Msg::Job(job)) = rx.recv() {
        runtime.block_on(run_job(&mut session, job));
    }
    runtime.block_on(async move {
        session.abandon().await;
        session.close().await;
    });
}

/// Run `job`; while it finds the connection lost, reconnect (with backoff) and run it
/// again, the last time replying whatever happens.
async fn run_job(session: &mut Session, mut job: Job) {
    let mut pause = RECONNECT_PAUSE;
    for attempt in 0..=RECONNECTS {
        session.set_retrying(attempt > 0);
        if job(session, attempt == RECONNECTS).await {
            break;
        }
        tokio::time::sleep(pause).await;
        pause *= 2;
        session.reconnect().await;
    }
    session.set_retrying(false);
}

impl Drop for PostgresBackend {
    fn drop(&mut self) {
        let _ = self.handle.tx.send(Msg::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Backend for PostgresBackend {
    fn location(&self) -> String {
        self.handle.location.clone()
    }

    fn backup_location(&self) -> String {
        previous_location(&self.handle.location)
    }

    fn read(&self) -> Result<Option<StateDoc>, Error> {
        let bytes = self
            .handle
            .call("read the state", |s| Box::pin(s.read(false)))?;
        bytes.map(|b| self.decode(b)).transpose()
    }

    fn write(&self, doc: &StateDoc) -> Result<u64, Error> {
        let bytes = self.keys.seal(Purpose::State, encode(doc)?, true);
        let len = bytes.len() as u64;
        let serial = doc.serial;
        self.handle.call("write the state", move |s| {
            let bytes = bytes.clone();
            Box::pin(async move { s.write(&bytes, serial).await })
        })?;
        Ok(len)
    }

    fn lock(&self, info: LockInfo) -> Result<LockGuard, Error> {
        let request = info.clone();
        let took_over = self
            .handle
            .call("take the lock", move |s| Box::pin(s.lock(request.clone())))?;
        let handle = self.handle.clone();
        let id = info.id;
        Ok(LockGuard::new(info, took_over, move || {
            handle.call("release the lock", move |s| Box::pin(s.unlock(id)))
        }))
    }

    fn lock_status(&self) -> Result<Option<LockStatus>, Error> {
        self.handle
            .call("read the lock holder", |s| Box::pin(s.lock_status()))
    }

    fn force_unlock(&self, id: uuid::Uuid) -> Result<LockInfo, Error> {
        self.handle
            .call("force-unlock", move |s| Box::pin(s.force_unlock(id)))
    }

    fn journal_append(&self, record: &JournalRecord) -> Result<u64, Error> {
        let bytes = seal_record(&self.keys, record)?;
        let len = bytes.len() as u64;
        self.handle.call("append to the journal", move |s| {
            let bytes = bytes.clone();
            Box::pin(async move { s.journal_append(&bytes).await })
        })?;
        Ok(len)
    }

    fn journal_read(&self) -> Result<JournalRead, Error> {
        let rows = self
            .handle
            .call("read the journal", |s| Box::pin(s.journal_read()))?;
        let path = PathBuf::from(&self.handle.location);
        let mut read = JournalRead::default();
        let mut checked = Vec::new();
        let mut lines = Vec::new();
        for (i, (seq, bytes)) in rows.into_iter().enumerate() {
            match open_record(&self.keys, &bytes) {
                Ok((record, has_sum)) => {
                    read.records.push(record);
                    checked.push(has_sum);
                    lines.push(i + 1);
                }
                Err(RecordError::Mismatch { stored, actual }) => {
                    return Err(Error::JournalChecksumMismatch {
                        path,
                        line: i + 1,
                        stored,
                        actual,
                    })
                }
                Err(RecordError::Crypt(source)) => {
                    return Err(Error::Crypt {
                        what: "the journal",
                        location: format!("{}, record seq {seq}", self.handle.location),
                        source,
                    })
                }
                Err(RecordError::Malformed(e)) => {
                    return Err(Error::JournalCorrupt {
                        path,
                        line: i + 1,
                        reason: format!("record seq {seq} does not decode: {e}"),
                    })
                }
            }
        }
        check_mixed(&path, &checked, &lines)?;
        Ok(read)
    }

    fn erase(&self) -> Result<(), Error> {
        self.handle
            .call("delete the workspace", |s| Box::pin(s.erase()))
    }

    fn journal_clear(&self) -> Result<(), Error> {
        self.handle
            .call("clear the journal", |s| Box::pin(s.journal_clear()))
    }
}
