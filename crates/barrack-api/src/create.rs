//! Creates that never duplicate: an unknown outcome is resolved by looking the name up,
//! and only an object this create can be shown to have made is adopted (D3: created at or
//! after the request, less [`crate::ownership::CLOCK_SKEW`], with the requested attributes).

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::client::Client;
use crate::error::Error;
use crate::retry::Budget;
use crate::routes::Op;
use crate::wire::{Firewall, Image, Instance, Script, Snapshot, SshKey, Volume};

/// The result of a create. `adopted` is true when the create's outcome was unknown (timeout,
/// dropped connection, 5xx, unreadable answer) and the resource was then found by its
/// unique name: it was created by this call, but its one-time fields (an SSH key's
/// `private_key`, a deployment id) are lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Created<T> {
    pub value: T,
    pub adopted: bool,
}

impl<T> Created<T> {
    /// Maps the value, keeping `adopted`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Created<U> {
        Created {
            value: f(self.value),
            adopted: self.adopted,
        }
    }
}

/// A resource with an account-unique name, found by listing its kind.
pub trait Named {
    fn name(&self) -> &str;
}

macro_rules! named {
    ($($t:ty),*) => {$(
        impl Named for $t {
            fn name(&self) -> &str {
                &self.name
            }
        }
    )*};
}
named!(Instance, SshKey, Script, Firewall, Volume, Snapshot, Image);

impl Client {
    /// Every resource of the list `list_op` whose name is `name` (all pages).
    pub async fn find_by_name<R: DeserializeOwned + Named>(
        &self,
        list_op: Op,
        name: &str,
    ) -> Result<Vec<R>, Error> {
        let listing = self.list_all::<R>(list_op, &[], &[]).await?;
        Ok(listing
            .items
            .into_iter()
            .filter(|r| r.name() == name)
            .collect())
    }

    /// Sends the create `op`. Connect failures and 429s are retried by [`Client::send`]
    /// (they never reached the server). When the outcome is unknown, the kind is listed
    /// (`list_op`) and a resource named `name` is adopted; only when none exists is the
    /// create sent again, within the retry budget. A 409 or 400 after an unknown outcome
    /// is also resolved by the lookup (our earlier attempt may have taken the name). An
    /// object with the name that this create cannot have made (older than the request, or
    /// other attributes) is never adopted: [`Error::NameConflict`].
    pub(crate) async fn create_adopting<T, R>(
        &self,
        op: Op,
        params: &[&str],
        body: &Value,
        list_op: Op,
        name: &str,
        adopt: impl Fn(Vec<R>) -> Option<T>,
    ) -> Result<Created<T>, Error>
    where
        T: DeserializeOwned,
        R: DeserializeOwned + Named + Serialize,
    {
        let since = Utc::now();
        let mut budget = Budget::new(&self.config().retry);
        let mut unknown_before = false;
        loop {
            let failure = match self.send(op, params, &[], Some(body)).await {
                Ok(mut response) => match response.decode::<T>() {
                    Ok(value) => {
                        return Ok(Created {
                            value,
                            adopted: false,
                        })
                    }
                    // Created, but the answer is unreadable: find it rather than orphan it.
                    Err(decode) => {
                        return match self
                            .adopt(op, params, body, since, list_op, name, &adopt)
                            .await?
                        {
                            Some(created) => Ok(created),
                            None => Err(decode),
                        }
                    }
                },
                Err(e) => e,
            };
            // After an unknown outcome, a "name taken" answer (409, or 400 as the emulator
            // sends) may be our own earlier attempt: look before giving up.
            let name_taken = matches!(failure.status(), Some(400 | 409));
            if failure.outcome_unknown() || (unknown_before && name_taken) {
                if let Some(created) = self
                    .adopt(op, params, body, since, list_op, name, &adopt)
                    .await?
                {
                    return Ok(created);
                }
                if !failure.outcome_unknown() {
                    return Err(failure);
                }
                unknown_before = true;
                match budget.next_delay(failure.retry_after()) {
                    Some(delay) => {
                        tracing::debug!(op = ?op, name, error = %failure,
                            "create outcome unknown and no resource by that name; sending again");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    None => {
                        let route = op.route();
                        return Err(Error::RetryBudgetExhausted {
                            method: route.method,
                            url: self.url(op, params)?,
                            attempts: budget.attempts(),
                            elapsed: budget.elapsed(),
                            last: Box::new(failure),
                        });
                    }
                }
            }
            return Err(failure);
        }
    }

    /// Looks `name` up and adopts what this create made; a name held by anything else is
    /// [`Error::NameConflict`].
    #[allow(clippy::too_many_arguments)]
    async fn adopt<T, R>(
        &self,
        op: Op,
        params: &[&str],
        body: &Value,
        since: DateTime<Utc>,
        list_op: Op,
        name: &str,
        adopt: &impl Fn(Vec<R>) -> Option<T>,
    ) -> Result<Option<Created<T>>, Error>
    where
        R: DeserializeOwned + Named + Serialize,
    {
        let found = self.find_by_name::<R>(list_op, name).await?;
        let mut ours = Vec::new();
        let mut foreign = None;
        for r in found {
            let wire = serde_json::to_value(&r).unwrap_or(Value::Null);
            match crate::ownership::check(&wire, body, since) {
                Ok(()) => ours.push(r),
                Err(reason) => foreign = foreign.or(Some((wire, reason))),
            }
        }
        if ours.is_empty() {
            if let Some((wire, reason)) = foreign {
                tracing::warn!(op = ?op, name, %reason, "a resource holds the name but this create did not make it; not adopted");
                return Err(Error::NameConflict {
                    method: op.route().method,
                    url: self.url(op, params)?,
                    name: name.to_string(),
                    id: text(&wire["id"]),
                    created_at: text(&wire["created_at"]),
                    reason: reason.to_string(),
                });
            }
        }
        Ok(adopt(ours).map(|value| {
            tracing::info!(op = ?op, name, "create outcome was unknown; adopted the existing resource");
            Created {
                value,
                adopted: true,
            }
        }))
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first match: names are unique per account and kind.
pub(crate) fn first<R>(found: Vec<R>) -> Option<R> {
    found.into_iter().next()
}
