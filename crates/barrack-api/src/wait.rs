//! Waiting until a resource leaves its transitional states, with backoff and a deadline:
//! the generic poll loop, and each kind's waits (answered by the shared watcher, `watch.rs`).

use std::future::Future;
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::error::Error;
use crate::id::Id;
use crate::watch::Watched;
use crate::wire::{
    firewall_status, instance_status, snapshot_status, volume_status, Firewall, Image, Instance,
    Snapshot, Volume,
};

/// How often to poll: `initial`, multiplied by `multiplier` after each poll, capped at `max`.
#[derive(Clone, Debug, PartialEq)]
pub struct PollPolicy {
    pub initial: Duration,
    pub max: Duration,
    pub multiplier: f64,
}

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            initial: Duration::from_millis(50),
            max: Duration::from_secs(3),
            multiplier: 1.5,
        }
    }
}

impl PollPolicy {
    /// The delay after poll number `n` (0-based).
    pub fn delay(&self, n: u32) -> Duration {
        let factor = self.multiplier.max(1.0).powi(n.min(64) as i32);
        let secs = (self.initial.as_secs_f64() * factor).min(self.max.as_secs_f64());
        Duration::try_from_secs_f64(secs).unwrap_or(self.max)
    }
}

/// What one poll saw. The strings are the status, for errors and logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Poll {
    Done,
    Pending(String),
    Failed(String),
}

/// Calls `fetch` until `check` says `Done` (returns the value) or `Failed` (returns
/// [`Error::WaitFailed`]), sleeping per `policy` between polls; after `timeout`, returns
/// [`Error::WaitTimeout`] with the last status. A fetch error ends the wait with that error
/// (the fetch itself has already retried what is retryable).
pub async fn wait_until<T, F, Fut, C>(
    what: &str,
    policy: &PollPolicy,
    timeout: Duration,
    mut fetch: F,
    check: C,
) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    C: Fn(&T) -> Poll,
{
    let started = Instant::now();
    let deadline = started + timeout;
    let mut polls = 0u32;
    loop {
        let value = fetch().await?;
        let last_status = match check(&value) {
            Poll::Done => return Ok(value),
            Poll::Failed(status) => {
                return Err(Error::WaitFailed {
                    what: what.to_owned(),
                    status,
                })
            }
            Poll::Pending(status) => status,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(Error::WaitTimeout {
                what: what.to_owned(),
                last_status,
                elapsed: started.elapsed(),
            });
        }
        let pause = policy.delay(polls).min(deadline - now);
        polls = polls.saturating_add(1);
        tokio::time::sleep(pause).await;
    }
}

/// Done when `status` is a target; failed on `error` unless that is a target; pending
/// otherwise (a stable non-target status may still change: the API can lag an action).
fn check_status(status: &str, targets: &[&str], error: &str) -> Poll {
    if targets.iter().any(|t| t.eq_ignore_ascii_case(status)) {
        Poll::Done
    } else if status.eq_ignore_ascii_case(error) {
        Poll::Failed(status.to_owned())
    } else {
        Poll::Pending(status.to_owned())
    }
}

impl Client {
    /// [`wait_until`] with this client's poll policy.
    pub async fn wait_until<T, F, Fut, C>(
        &self,
        what: &str,
        timeout: Duration,
        fetch: F,
        check: C,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
        C: Fn(&T) -> Poll,
    {
        wait_until(what, &self.config().poll, timeout, fetch, check).await
    }

    /// Waits on the watcher until the object's status is one of `targets`; `error` fails
    /// the wait unless it is a target. The one status wait behind every kind's `wait_*`.
    async fn wait_status<T: Watched + HasStatus>(
        &self,
        what: &str,
        id: &Id,
        timeout: Duration,
        targets: &[&str],
        error: &str,
    ) -> Result<T, Error> {
        self.wait_seen(what, id, timeout, |object: &T| {
            check_status(object.status(), targets, error)
        })
        .await
    }

    /// Waits on the watcher until `check` says done with the object as seen (an object no
    /// list shows is read by itself; a 404 ends the wait with that error).
    async fn wait_seen<T: Watched>(
        &self,
        what: &str,
        id: &Id,
        timeout: Duration,
        check: impl Fn(&T) -> Poll,
    ) -> Result<T, Error> {
        let seen = self
            .watch(what, id, timeout, true, |object: Option<&T>| {
                object.map_or(Poll::Pending("not found".into()), &check)
            })
            .await?;
        seen.ok_or_else(|| Error::WaitFailed {
            what: what.to_owned(),
            status: "not found".into(),
        })
    }

    /// Waits until the instance's status is one of `targets` (e.g. `["ACTIVE"]`); `ERROR`
    /// fails the wait unless it is a target.
    pub async fn wait_instance_status(
        &self,
        id: &Id,
        targets: &[&str],
        timeout: Duration,
    ) -> Result<Instance, Error> {
        let what = format!("instance {id} to reach {}", targets.join("|"));
        self.wait_status(&what, id, timeout, targets, instance_status::ERROR)
            .await
    }

    /// Waits until the instance leaves every transitional status (CREATING, HIBERNATING,
    /// ...), whatever it settles in.
    pub async fn wait_instance_settled(
        &self,
        id: &Id,
        timeout: Duration,
    ) -> Result<Instance, Error> {
        let what = format!("instance {id} to settle");
        self.wait_seen(&what, id, timeout, |i: &Instance| {
            if instance_status::is_transitional(&i.status) {
                Poll::Pending(i.status.clone())
            } else {
                Poll::Done
            }
        })
        .await
    }

    /// The instance as the watcher's next round of lists shows it: a read shared with every
    /// other wait, not a GET of its own (one only when no list shows it: a 404 is returned).
    pub async fn observe_instance(&self, id: &Id, timeout: Duration) -> Result<Instance, Error> {
        self.observe(id, timeout).await
    }

    /// [`Client::observe_instance`] for a volume.
    pub async fn observe_volume(&self, id: &Id, timeout: Duration) -> Result<Volume, Error> {
        self.observe(id, timeout).await
    }

    /// [`Client::observe_instance`] for a firewall.
    pub async fn observe_firewall(&self, id: &Id, timeout: Duration) -> Result<Firewall, Error> {
        self.observe(id, timeout).await
    }

    /// [`Client::observe_instance`] for a snapshot.
    pub async fn observe_snapshot(&self, id: &Id, timeout: Duration) -> Result<Snapshot, Error> {
        self.observe(id, timeout).await
    }

    /// [`Client::observe_instance`] for an image.
    pub async fn observe_image(&self, id: &Id, timeout: Duration) -> Result<Image, Error> {
        self.observe(id, timeout).await
    }

    async fn observe<T: Watched>(&self, id: &Id, timeout: Duration) -> Result<T, Error> {
        let what = format!("{id} to be listed");
        self.wait_seen(&what, id, timeout, |_: &T| Poll::Done).await
    }

    /// Waits until the instance is gone (no list shows it, or a 404).
    pub async fn wait_instance_deleted(&self, id: &Id, timeout: Duration) -> Result<(), Error> {
        let what = format!("instance {id} to be deleted");
        self.watch(&what, id, timeout, false, |i: Option<&Instance>| match i {
            None => Poll::Done,
            Some(i) if i.status == instance_status::ERROR => Poll::Failed(i.status.clone()),
            Some(i) => Poll::Pending(i.status.clone()),
        })
        .await
        .map(drop)
    }

    /// Waits until the volume's status is one of `targets` (e.g. `["available"]`).
    pub async fn wait_volume_status(
        &self,
        id: &Id,
        targets: &[&str],
        timeout: Duration,
    ) -> Result<Volume, Error> {
        let what = format!("volume {id} to reach {}", targets.join("|"));
        self.wait_status(&what, id, timeout, targets, volume_status::ERROR)
            .await
    }

    /// Waits until the firewall is `SUCCESS` and none of its attachments is still
    /// `ATTACHING`.
    pub async fn wait_firewall_ready(&self, id: &Id, timeout: Duration) -> Result<Firewall, Error> {
        let what = format!("firewall {id} to be ready");
        self.wait_seen(&what, id, timeout, firewall_ready).await
    }

    /// Waits until the snapshot is `SUCCESS`.
    pub async fn wait_snapshot_ready(&self, id: &Id, timeout: Duration) -> Result<Snapshot, Error> {
        self.wait_success::<Snapshot>("snapshot", id, timeout).await
    }

    /// Waits until the image is `SUCCESS`.
    pub async fn wait_image_ready(&self, id: &Id, timeout: Duration) -> Result<Image, Error> {
        self.wait_success::<Image>("image", id, timeout).await
    }

    /// Waits until a snapshot or an image (`noun`) is `SUCCESS`; `ERROR` fails the wait.
    async fn wait_success<T: Watched + HasStatus>(
        &self,
        noun: &str,
        id: &Id,
        timeout: Duration,
    ) -> Result<T, Error> {
        let what = format!("{noun} {id} to be ready");
        let targets = [snapshot_status::SUCCESS];
        self.wait_status(&what, id, timeout, &targets, snapshot_status::ERROR)
            .await
    }
}

/// Done when the firewall is `SUCCESS` with no attachment `ATTACHING`; failed on an
/// `ERROR` of the firewall or of an attachment.
fn firewall_ready(f: &Firewall) -> Poll {
    if f.status == firewall_status::ERROR {
        return Poll::Failed(f.status.clone());
    }
    if let Some(a) = f
        .attachments
        .iter()
        .find(|a| a.status == firewall_status::ERROR)
    {
        return Poll::Failed(format!("attachment to {} ERROR", a.instance_id));
    }
    let attaching = f
        .attachments
        .iter()
        .any(|a| a.status == firewall_status::ATTACHING);
    if f.status == firewall_status::SUCCESS && !attaching {
        Poll::Done
    } else if attaching {
        Poll::Pending(format!("{} (attachments ATTACHING)", f.status))
    } else {
        Poll::Pending(f.status.clone())
    }
}

/// A wire object with a status a wait can read.
pub(crate) trait HasStatus {
    fn status(&self) -> &str;
}

macro_rules! has_status {
    ($($kind:ty),*) => {
        $(impl HasStatus for $kind {
            fn status(&self) -> &str {
                &self.status
            }
        })*
    };
}

has_status!(Instance, Volume, Snapshot, Image);

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn fast() -> PollPolicy {
        PollPolicy {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(5),
            multiplier: 2.0,
        }
    }

    #[test]
    fn delays_grow_and_cap() {
        let p = PollPolicy::default();
        assert_eq!(p.delay(0), Duration::from_millis(50));
        assert_eq!(p.delay(1), Duration::from_millis(75));
        assert_eq!(p.delay(100), Duration::from_secs(3));
    }

    #[tokio::test]
    async fn returns_when_done() {
        let polls = AtomicU32::new(0);
        let status = ["CREATING", "BUILD", "ACTIVE"];
        let got = wait_until(
            "vm",
            &fast(),
            Duration::from_secs(5),
            || async {
                let n = polls.fetch_add(1, Ordering::SeqCst) as usize;
                Ok(status[n.min(2)].to_owned())
            },
            |s: &String| check_status(s, &["ACTIVE"], "ERROR"),
        )
        .await
        .unwrap();
        assert_eq!(got, "ACTIVE");
        assert_eq!(polls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn fails_on_error_and_times_out_with_last_status() {
        let failed = wait_until(
            "vm 1",
            &fast(),
            Duration::from_secs(5),
            || async { Ok("ERROR".to_owned()) },
            |s: &String| check_status(s, &["ACTIVE"], "ERROR"),
        )
        .await
        .unwrap_err();
        assert!(matches!(failed, Error::WaitFailed { ref status, .. } if status == "ERROR"));

        let started = Instant::now();
        let timed_out = wait_until(
            "vm 2",
            &fast(),
            Duration::from_millis(30),
            || async { Ok("BUILD".to_owned()) },
            |s: &String| check_status(s, &["ACTIVE"], "ERROR"),
        )
        .await
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        match timed_out {
            Error::WaitTimeout {
                last_status, what, ..
            } => {
                assert_eq!(last_status, "BUILD");
                assert_eq!(what, "vm 2");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
