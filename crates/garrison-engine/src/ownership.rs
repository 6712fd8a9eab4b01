//! What Garrison may adopt (D3): an object found by the name of one of its create intents
//! is its own only if it was created at or after the intent was written (less
//! [`barrack_api::ownership::CLOCK_SKEW`]) and its attributes fixed at creation are the
//! config's. An unresolved create whose object is not there stays pending for
//! [`PENDING_BOUND`] after its intent, since a create accepted by the API may land late.

use barrack_api::ownership::{self, NotOurs};
use garrison_config::model::Resource;

use crate::remote::RemoteObject;

/// How long after its intent an unresolved create may still land (a load balancer or API
/// queue that accepted it). Until a re-check later than this finds nothing of ours, the
/// intent stays pending; then it is recorded as not having happened.
pub const PENDING_BOUND: chrono::Duration = chrono::Duration::minutes(10);

/// Why `object` is not the result of the create of `resource` whose intent was written at
/// `intent_at` (RFC 3339); `Ok` when it is. Without the config's resource nothing can be
/// shown, so nothing is adopted.
pub(crate) fn check(
    object: &RemoteObject,
    resource: Option<&Resource>,
    intent_at: &str,
) -> Result<(), String> {
    let Some(resource) = resource else {
        return Err("it is not in the config any more, so its attributes cannot be checked".into());
    };
    let Some(since) = ownership::parse_time(intent_at) else {
        return Err(format!("the intent's time `{intent_at}` cannot be read"));
    };
    ownership::check(
        &crate::kinds::wire_json(object),
        &crate::kinds::expected(resource),
        since,
    )
    .map_err(|e: NotOurs| e.to_string())
}

/// Whether a re-check at `now` is late enough to declare a create of `intent_at` that left
/// nothing of ours as not having happened.
pub(crate) fn past_bound(intent_at: &str, now: chrono::DateTime<chrono::Utc>) -> bool {
    ownership::parse_time(intent_at).is_some_and(|at| now > at + PENDING_BOUND)
}

/// `id 12, created 2026-…` of a foreign object, for messages.
pub(crate) fn describe(object: &RemoteObject) -> String {
    let wire = crate::kinds::wire_json(object);
    format!(
        "{} id {} (created {})",
        object.kind(),
        object.id().as_str(),
        wire["created_at"].as_str().unwrap_or("at an unknown time")
    )
}
