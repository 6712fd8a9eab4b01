//! Re-opening a lost session, and taking back the lock it held only if nobody took it
//! over meanwhile (the holder row still carries our lock id): otherwise the lock is lost
//! and every later write is refused ([`crate::Error::LockLost`]).

use super::{Session, ROWLESS_PAUSE, ROWLESS_RETRIES};
use crate::error::Error;
use crate::lock::LockInfo;

impl Session {
    /// Mark the job about to run as a retry (or not): see [`Session::write`].
    pub(crate) fn set_retrying(&mut self, retrying: bool) {
        self.retrying = retrying;
    }

    /// Replace the lost connection with a new one and take our lock back if we held it.
    /// A failure is kept for the caller's error ([`Session::take_lost`] stays meaningful:
    /// the next statement on the dead client fails as lost again).
    pub(crate) async fn reconnect(&mut self) {
        let result = self.try_reconnect().await;
        *self.reconnect_error.borrow_mut() = result.err();
    }

    async fn try_reconnect(&mut self) -> Result<(), String> {
        self.task.abort();
        let (client, task) = self
            .connector
            .connect()
            .await
            .map_err(|e| super::describe(&e))?;
        self.client = client;
        self.task = task;
        let new_pid = self.backend_pid().await.map_err(|e| e.to_string())?;
        let old_pid = std::mem::replace(&mut self.pid, new_pid);
        if let Some(info) = self.held.clone() {
            self.relock(&info, old_pid)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Take the advisory lock again and check the holder row is still ours. Our old
    /// server process may not have noticed it is gone yet: it is terminated (a role may
    /// end its own sessions) so the lock frees at once.
    async fn relock(&mut self, info: &LockInfo, old_pid: i32) -> Result<(), Error> {
        let mut attempts = 0;
        while !self.try_advisory_lock().await? {
            if attempts >= ROWLESS_RETRIES {
                let reason = match self.read_lock_row().await? {
                    Some(Ok(holder)) if holder.id != info.id => format!("{holder} took it over"),
                    _ => "another session holds the workspace's advisory lock".into(),
                };
                return self.lose(reason);
            }
            if self.advisory_holder_pid().await? == Some(old_pid) {
                self.terminate(old_pid).await?;
            }
            attempts += 1;
            tokio::time::sleep(ROWLESS_PAUSE).await;
        }
        match self.read_lock_row().await? {
            Some(Ok(holder)) if holder.id == info.id => Ok(()),
            found => {
                self.advisory_unlock().await?;
                let reason = match found {
                    Some(Ok(holder)) => format!("{holder} took it over"),
                    Some(Err(reason)) => format!("the holder row is unreadable: {reason}"),
                    None => "another run took it over and released it".into(),
                };
                self.lose(reason)
            }
        }
    }

    fn lose(&mut self, reason: String) -> Result<(), Error> {
        self.held = None;
        self.lock_lost = Some(reason);
        Ok(())
    }

    async fn terminate(&self, pid: i32) -> Result<(), Error> {
        self.client
            .query_one("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .map_err(|e| self.err("end this run's lost session", &e))?;
        Ok(())
    }
}
