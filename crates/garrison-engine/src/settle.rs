//! Waiting for an adopted object to reach its steady state before it is recorded (C6): a
//! VM adopted while still CREATING has no address yet, and recording it as done would give
//! outputs built from nulls and plans that see nothing left to do.

use std::time::Duration;

use barrack_api::{Client, Error};

use crate::remote::RemoteObject;

/// Whether `object` is in a transitional status (being created, changing power, ...).
/// A VM being deleted is not waited for: it is not going to settle into something usable.
pub fn is_transitional(object: &RemoteObject) -> bool {
    crate::kinds::is_transitional(object)
}

/// `object` once it has left every transitional status (re-read), or at once when it is
/// steady already. Fails when the wait times out or the object ends in a failed state.
pub async fn settle(
    client: &Client,
    object: RemoteObject,
    timeout: Duration,
) -> Result<RemoteObject, Error> {
    if !is_transitional(&object) {
        return Ok(object);
    }
    crate::kinds::settle(client, object, timeout).await
}
