//! The PostgreSQL session behind [`crate::PostgresBackend`]: schema, SQL and the advisory
//! lock, run on the backend's own thread (see `postgres.rs`). A lost connection is
//! noticed here ([`Session::take_lost`]) and re-opened by `reconnect.rs`.

mod reconnect;

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio_postgres::Client;

use crate::error::Error;
use crate::lock::{LockInfo, LockStatus};
use crate::pg_connect::{ConnectionTask, Connector};
use crate::pg_url::scrub;

/// Created idempotently on connect, under a transaction-scoped advisory lock so that
/// concurrent first connections do not race on the catalog.
const SCHEMA: &str = "
BEGIN;
SELECT pg_advisory_xact_lock(7306086707425436013);
CREATE TABLE IF NOT EXISTS garrison_state (
    workspace       text PRIMARY KEY,
    serial          bigint NOT NULL,
    doc             bytea NOT NULL,
    previous_serial bigint,
    previous        bytea,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS garrison_journal (
    seq       bigserial PRIMARY KEY,
    workspace text NOT NULL,
    record    bytea NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS garrison_journal_workspace_seq ON garrison_journal (workspace, seq);
CREATE TABLE IF NOT EXISTS garrison_lock (
    workspace text PRIMARY KEY,
    lock_id   text NOT NULL,
    info      text NOT NULL,
    locked_at timestamptz NOT NULL DEFAULT now()
);
COMMIT;
";

/// How long a locker waits for a holder row when the advisory lock is held without one
/// (the holder is between taking the lock and writing its row, or between the reverse).
const ROWLESS_RETRIES: u32 = 20;
const ROWLESS_PAUSE: Duration = Duration::from_millis(25);

/// The stable 64-bit advisory lock key of a workspace: the first 8 bytes of
/// `sha256("garrison-state:" + workspace)`, big-endian.
pub(crate) fn lock_key(workspace: &str) -> i64 {
    let digest = Sha256::digest(format!("garrison-state:{workspace}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// One connected session for one workspace. Only its own thread touches it.
pub(crate) struct Session {
    client: Client,
    task: ConnectionTask,
    connector: Connector,
    /// The server process of this session (`pg_backend_pid()`).
    pid: i32,
    workspace: String,
    location: String,
    key: i64,
    secret: Option<String>,
    /// Our lock, while held on this session.
    held: Option<LockInfo>,
    /// Set when an error showed the connection is gone; the thread then reconnects.
    lost: Cell<bool>,
    /// Why the last reconnection failed, for the error the caller finally gets.
    reconnect_error: RefCell<Option<String>>,
    /// Set when a reconnection found our lock taken: every write is refused.
    lock_lost: Option<String>,
    /// Whether the current job runs again after a lost connection (writes made
    /// idempotent: the first attempt may have committed before the answer was lost).
    retrying: bool,
}

/// What went wrong, in full: the server's message for a refused statement, else the
/// error and its causes (a TLS failure says why the certificate was refused).
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// Whether `e` means the connection is gone (closed, an IO error, or the server shutting
/// the session down: SQLSTATE class 57P), rather than a refused statement.
fn is_connection_lost(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(db) = e.as_db_error() {
        return db.code().code().starts_with("57P");
    }
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

impl Session {
    /// Connect with `connector` and create the schema.
    pub(crate) async fn open(
        connector: Connector,
        workspace: &str,
        location: &str,
        secret: Option<String>,
    ) -> Result<Self, String> {
        let (client, task) = connector.connect().await.map_err(|e| describe(&e))?;
        let mut session = Self {
            client,
            task,
            connector,
            pid: 0,
            workspace: workspace.to_string(),
            location: location.to_string(),
            key: lock_key(workspace),
            secret,
            held: None,
            lost: Cell::new(false),
            reconnect_error: RefCell::new(None),
            lock_lost: None,
            retrying: false,
        };
        session.create_schema().await.map_err(|e| e.to_string())?;
        session.pid = session.backend_pid().await.map_err(|e| e.to_string())?;
        Ok(session)
    }

    /// Whether the last error lost the connection (and clears the mark).
    pub(crate) fn take_lost(&self) -> bool {
        self.lost.replace(false)
    }

    /// This session's server process id.
    pub(crate) async fn backend_pid(&self) -> Result<i32, Error> {
        let row = self
            .client
            .query_one("SELECT pg_backend_pid()", &[])
            .await
            .map_err(|e| self.err("read the session's process id", &e))?;
        row.try_get(0)
            .map_err(|e| self.err("read the session's process id", &e))
    }

    fn err(&self, action: &'static str, e: &tokio_postgres::Error) -> Error {
        let mut message = describe(e);
        if is_connection_lost(e) {
            self.lost.set(true);
            if let Some(why) = self.reconnect_error.borrow().as_deref() {
                message = format!("{message}; the session was lost and reconnecting failed: {why}");
            }
        }
        Error::Postgres {
            action,
            location: self.location.clone(),
            message: scrub(&message, self.secret.as_deref()),
        }
    }

    /// Refuses a write once our lock was lost with a session.
    fn check_lock(&self) -> Result<(), Error> {
        match &self.lock_lost {
            Some(reason) => Err(Error::LockLost {
                location: self.location.clone(),
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    fn other(&self, action: &'static str, message: impl Into<String>) -> Error {
        Error::Postgres {
            action,
            location: self.location.clone(),
            message: message.into(),
        }
    }

    fn lock_path(&self) -> PathBuf {
        PathBuf::from(&self.location)
    }

    pub(crate) async fn create_schema(&self) -> Result<(), Error> {
        self.client
            .batch_execute(SCHEMA)
            .await
            .map_err(|e| self.err("create the state tables", &e))
    }

    /// The stored document bytes (`previous`: the backup instead), if any.
    pub(crate) async fn read(&self, previous: bool) -> Result<Option<Vec<u8>>, Error> {
        let sql = if previous {
            "SELECT previous FROM garrison_state WHERE workspace = $1"
        } else {
            "SELECT doc FROM garrison_state WHERE workspace = $1"
        };
        let row = self
            .client
            .query_opt(sql, &[&self.workspace])
            .await
            .map_err(|e| self.err("read the state", &e))?;
        match row {
            None => Ok(None),
            Some(row) => row
                .try_get::<_, Option<Vec<u8>>>(0)
                .map_err(|e| self.err("read the state", &e)),
        }
    }

    /// Move the current document to `previous` and store `bytes`, in one statement. Run
    /// again after a lost connection, it leaves a document already stored as it is (the
    /// first attempt committed; moving it to `previous` would lose the backup).
    pub(crate) async fn write(&self, bytes: &[u8], serial: u64) -> Result<(), Error> {
        self.check_lock()?;
        let serial = i64::try_from(serial).map_err(|_| {
            self.other("write the state", format!("serial {serial} exceeds bigint"))
        })?;
        let sql = if self.retrying {
            "INSERT INTO garrison_state (workspace, serial, doc) VALUES ($1, $2, $3)
             ON CONFLICT (workspace) DO UPDATE SET
                 previous_serial = CASE WHEN garrison_state.doc = EXCLUDED.doc
                     THEN garrison_state.previous_serial ELSE garrison_state.serial END,
                 previous = CASE WHEN garrison_state.doc = EXCLUDED.doc
                     THEN garrison_state.previous ELSE garrison_state.doc END,
                 serial = EXCLUDED.serial,
                 doc = EXCLUDED.doc,
                 updated_at = now()"
        } else {
            "INSERT INTO garrison_state (workspace, serial, doc) VALUES ($1, $2, $3)
             ON CONFLICT (workspace) DO UPDATE SET
                 previous_serial = garrison_state.serial,
                 previous = garrison_state.doc,
                 serial = EXCLUDED.serial,
                 doc = EXCLUDED.doc,
                 updated_at = now()"
        };
        self.client
            .execute(sql, &[&self.workspace, &serial, &bytes])
            .await
            .map_err(|e| self.err("write the state", &e))?;
        Ok(())
    }

    async fn read_lock_row(&self) -> Result<Option<Result<LockInfo, String>>, Error> {
        let row = self
            .client
            .query_opt(
                "SELECT info FROM garrison_lock WHERE workspace = $1",
                &[&self.workspace],
            )
            .await
            .map_err(|e| self.err("read the lock holder", &e))?;
        let Some(row) = row else { return Ok(None) };
        let text: String = row
            .try_get(0)
            .map_err(|e| self.err("read the lock holder", &e))?;
        Ok(Some(
            serde_json::from_str::<LockInfo>(&text).map_err(|e| e.to_string()),
        ))
    }

    async fn try_advisory_lock(&self) -> Result<bool, Error> {
        let row = self
            .client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&self.key])
            .await
            .map_err(|e| self.err("take the advisory lock", &e))?;
        row.try_get(0)
            .map_err(|e| self.err("take the advisory lock", &e))
    }

    async fn advisory_unlock(&self) -> Result<(), Error> {
        self.client
            .query_one("SELECT pg_advisory_unlock($1)", &[&self.key])
            .await
            .map_err(|e| self.err("release the advisory lock", &e))?;
        Ok(())
    }

    /// Take the lock; returns the stale holder taken over, if any.
    pub(crate) async fn lock(&mut self, info: LockInfo) -> Result<Option<LockInfo>, Error> {
        if let Some(held) = &self.held {
            // Advisory locks are re-entrant per session: refuse a second acquisition here.
            return Err(Error::Locked {
                path: self.lock_path(),
                holder: Box::new(held.clone()),
            });
        }
        let mut attempts = 0;
        while !self.try_advisory_lock().await? {
            match self.read_lock_row().await? {
                Some(Ok(holder)) => {
                    return Err(Error::Locked {
                        path: self.lock_path(),
                        holder: Box::new(holder),
                    })
                }
                Some(Err(reason)) => {
                    return Err(Error::LockUnreadable {
                        path: self.lock_path(),
                        reason,
                    })
                }
                None if attempts < ROWLESS_RETRIES => {
                    attempts += 1;
                    tokio::time::sleep(ROWLESS_PAUSE).await;
                }
                None => {
                    return Err(Error::LockUnreadable {
                        path: self.lock_path(),
                        reason: format!(
                            "advisory lock {} is held by another session but no holder row exists; another program may use that key",
                            self.key
                        ),
                    })
                }
            }
        }
        // We hold the advisory lock: any row left is from a holder whose session died.
        let result = self.claim(&info).await;
        match result {
            Ok(took_over) => {
                self.held = Some(info);
                Ok(took_over)
            }
            Err(e) => {
                let _ = self.advisory_unlock().await;
                Err(e)
            }
        }
    }

    async fn claim(&self, info: &LockInfo) -> Result<Option<LockInfo>, Error> {
        let took_over = match self.read_lock_row().await? {
            Some(Ok(stale)) => Some(stale),
            // Unreadable and certainly stale (its advisory lock was free): overwrite it.
            Some(Err(_)) | None => None,
        };
        let text = serde_json::to_string(info).map_err(|source| Error::Encode {
            what: "the lock holder",
            source,
        })?;
        self.client
            .execute(
                "INSERT INTO garrison_lock (workspace, lock_id, info) VALUES ($1, $2, $3)
                 ON CONFLICT (workspace) DO UPDATE SET
                     lock_id = EXCLUDED.lock_id, info = EXCLUDED.info, locked_at = now()",
                &[&self.workspace, &info.id.to_string(), &text],
            )
            .await
            .map_err(|e| self.err("record the lock holder", &e))?;
        Ok(took_over)
    }

    /// Release our lock `id`: delete its row, then the advisory lock. A no-op if not held.
    pub(crate) async fn unlock(&mut self, id: uuid::Uuid) -> Result<(), Error> {
        if self.held.as_ref().map(|h| h.id) != Some(id) {
            return Ok(());
        }
        self.client
            .execute(
                "DELETE FROM garrison_lock WHERE workspace = $1 AND lock_id = $2",
                &[&self.workspace, &id.to_string()],
            )
            .await
            .map_err(|e| self.err("remove the lock holder", &e))?;
        self.advisory_unlock().await?;
        self.held = None;
        Ok(())
    }

    /// Whether a session holds the workspace's advisory lock: `None` when none does,
    /// `Some(true)` when it is this session.
    async fn advisory_holder(&self) -> Result<Option<bool>, Error> {
        Ok(self.advisory_holder_pid().await?.map(|pid| pid == self.pid))
    }

    /// The server process holding the workspace's advisory lock, if any.
    async fn advisory_holder_pid(&self) -> Result<Option<i32>, Error> {
        let classid = (self.key >> 32) as u32;
        let objid = self.key as u32;
        let row = self
            .client
            .query_opt(
                "SELECT l.pid FROM pg_locks l
                 JOIN pg_database d ON d.oid = l.database AND d.datname = current_database()
                 WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2
                   AND l.objsubid = 1 AND l.granted",
                &[&classid, &objid],
            )
            .await
            .map_err(|e| self.err("find the session holding the lock", &e))?;
        row.map(|row| {
            row.try_get(0)
                .map_err(|e| self.err("find the session holding the lock", &e))
        })
        .transpose()
    }

    /// The holder row and whether its session is alive (holds the advisory lock).
    pub(crate) async fn lock_status(&self) -> Result<Option<LockStatus>, Error> {
        let holder = match self.read_lock_row().await? {
            None => return Ok(None),
            Some(Ok(holder)) => holder,
            Some(Err(reason)) => {
                return Err(Error::LockUnreadable {
                    path: self.lock_path(),
                    reason,
                })
            }
        };
        let alive = self.advisory_holder().await?.is_some();
        Ok(Some(LockStatus { holder, alive }))
    }

    /// Remove the holder row of lock `id` when its session is gone; refuse a live one.
    pub(crate) async fn force_unlock(&mut self, id: uuid::Uuid) -> Result<LockInfo, Error> {
        let location = self.location.clone();
        let Some(LockStatus { holder, alive }) = self.lock_status().await? else {
            return Err(Error::NotLocked { location });
        };
        if holder.id != id {
            return Err(Error::LockIdMismatch {
                location,
                given: id,
                holder: Box::new(holder.clone()),
            });
        }
        if alive {
            if self.advisory_holder().await? == Some(true) {
                // Our own lock: release it as the guard would.
                self.unlock(id).await?;
                return Ok(holder);
            }
            return Err(Error::HolderAlive {
                location,
                holder: Box::new(holder),
            });
        }
        self.client
            .execute(
                "DELETE FROM garrison_lock WHERE workspace = $1 AND lock_id = $2",
                &[&self.workspace, &id.to_string()],
            )
            .await
            .map_err(|e| self.err("remove the lock holder", &e))?;
        Ok(holder)
    }

    /// Append one record. Run again after a lost connection, it appends nothing when the
    /// workspace's last record is already these bytes (only the lock holder appends).
    pub(crate) async fn journal_append(&self, bytes: &[u8]) -> Result<(), Error> {
        self.check_lock()?;
        let sql = if self.retrying {
            "INSERT INTO garrison_journal (workspace, record)
             SELECT $1, $2 WHERE NOT EXISTS (
                 SELECT 1 FROM garrison_journal WHERE workspace = $1 AND record = $2
                   AND seq = (SELECT max(seq) FROM garrison_journal WHERE workspace = $1))"
        } else {
            "INSERT INTO garrison_journal (workspace, record) VALUES ($1, $2)"
        };
        self.client
            .execute(sql, &[&self.workspace, &bytes])
            .await
            .map_err(|e| self.err("append to the journal", &e))?;
        Ok(())
    }

    /// Every record of the workspace as `(seq, bytes)`, in append order.
    pub(crate) async fn journal_read(&self) -> Result<Vec<(i64, Vec<u8>)>, Error> {
        let rows = self
            .client
            .query(
                "SELECT seq, record FROM garrison_journal WHERE workspace = $1 ORDER BY seq",
                &[&self.workspace],
            )
            .await
            .map_err(|e| self.err("read the journal", &e))?;
        rows.iter()
            .map(|row| {
                let seq: i64 = row
                    .try_get(0)
                    .map_err(|e| self.err("read the journal", &e))?;
                let bytes: Vec<u8> = row
                    .try_get(1)
                    .map_err(|e| self.err("read the journal", &e))?;
                Ok((seq, bytes))
            })
            .collect()
    }

    pub(crate) async fn journal_clear(&self) -> Result<(), Error> {
        self.check_lock()?;
        self.client
            .execute(
                "DELETE FROM garrison_journal WHERE workspace = $1",
                &[&self.workspace],
            )
            .await
            .map_err(|e| self.err("clear the journal", &e))?;
        Ok(())
    }

    /// Deletes the workspace's state row and journal in one transaction (the workspace is
    /// deleted; the lock row goes when the lock is released).
    pub(crate) async fn erase(&mut self) -> Result<(), Error> {
        self.check_lock()?;
        let (location, secret) = (self.location.clone(), self.secret.clone());
        let failed = |e: tokio_postgres::Error| Error::Postgres {
            action: "delete the workspace",
            location: location.clone(),
            message: scrub(&e.to_string(), secret.as_deref()),
        };
        let workspace = self.workspace.clone();
        let tx = self.client.transaction().await.map_err(failed)?;
        for sql in [
            "DELETE FROM garrison_journal WHERE workspace = $1",
            "DELETE FROM garrison_state WHERE workspace = $1",
        ] {
            tx.execute(sql, &[&workspace]).await.map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }

    /// Every stored workspace key that starts with `prefix`, sorted.
    pub(crate) async fn keys_with_prefix(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let rows = self
            .client
            .query(
                "SELECT workspace FROM garrison_state
                 WHERE left(workspace, length($1)) = $1 ORDER BY workspace",
                &[&prefix],
            )
            .await
            .map_err(|e| self.err("list the workspaces", &e))?;
        rows.iter()
            .map(|row| {
                row.try_get(0)
                    .map_err(|e| self.err("list the workspaces", &e))
            })
            .collect()
    }

    /// Before the session closes: free the advisory lock at once (the server would free it
    /// moments later anyway) and leave any holder row, which the next locker takes over.
    pub(crate) async fn abandon(&mut self) {
        let _ = self
            .client
            .simple_query("SELECT pg_advisory_unlock_all()")
            .await;
        self.held = None;
    }

    /// End the session: drop the client and let the connection send its Terminate.
    pub(crate) async fn close(self) {
        let Self { client, task, .. } = self;
        drop(client);
        let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
    }
}
