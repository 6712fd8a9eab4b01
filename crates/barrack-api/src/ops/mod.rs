//! One typed method per operation of the routing table, grouped by resource kind.

mod account;
mod firewalls;
mod images;
mod instances;
mod scripts;
mod snapshots;
mod ssh_keys;
mod volumes;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::error::Error;
use crate::id::Id;
use crate::routes::Op;

impl Client {
    /// `op` on one resource, decoded under its envelope key.
    async fn on<T: DeserializeOwned>(
        &self,
        op: Op,
        id: &Id,
        body: Option<&Value>,
    ) -> Result<T, Error> {
        self.call(op, &[id.as_str()], &[], body).await
    }

    /// A delete (or other acknowledgement) on one resource.
    async fn unit_on(&self, op: Op, id: &Id, body: Option<&Value>) -> Result<(), Error> {
        self.call_unit(op, &[id.as_str()], body).await
    }

    /// Every item of a list route (paginated when the server paginates).
    async fn all<T: DeserializeOwned>(&self, op: Op, params: &[&str]) -> Result<Vec<T>, Error> {
        Ok(self.list_all(op, params, &[]).await?.items)
    }
}

/// Names from a list of strings or of objects with a `name` (the real shape is GUESSED).
fn names(values: Vec<Value>) -> Vec<String> {
    values
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s),
            Value::Object(mut o) => match o.remove("name") {
                Some(Value::String(s)) => Some(s),
                _ => None,
            },
            _ => None,
        })
        .collect()
}
