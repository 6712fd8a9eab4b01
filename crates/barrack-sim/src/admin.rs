//! The admin surface under `/_sim` (no auth, never part of Barrack's API): counters, state,
//! drift (patch or delete a resource behind the client's back, rename a stock OS image),
//! faults, reset, clock.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use barrack_wire::wire::AccountState;
use barrack_wire::Id;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::config::FaultConfig;
use crate::counters::Counters;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::{image_rate, instance_rate, snapshot_rate, volume_rate};
use crate::shared::{lock, Shared};
use crate::sim::Sim;

/// Where the admin routes live.
pub(crate) const ADMIN_PREFIX: &str = "/_sim";

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/counters", get(counters))
        .route("/counters/reset", post(reset_counters))
        .route("/state", get(state).put(seed_state))
        .route(
            "/resources/{kind}/{id}",
            patch(patch_resource).delete(delete_resource),
        )
        .route("/os-images/{id}", patch(patch_os_image))
        .route("/faults", get(get_faults).put(set_faults))
        .route("/reset", post(reset))
        .route("/clock/advance", post(advance))
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

fn respond(result: ApiResult<Value>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn counters(State(shared): State<Arc<Shared>>) -> Json<Counters> {
    Json(lock(&shared.counters).clone())
}

async fn reset_counters(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let mut counters = lock(&shared.counters);
    // Mutations held right now are still held.
    let held = counters.late.held;
    *counters = Counters::default();
    counters.late.held = held;
    drop(counters);
    Json(json!({"status": true, "message": "counters reset"}))
}

async fn state(State(shared): State<Arc<Shared>>) -> Json<AccountState> {
    Json(crate::account::dump(&mut lock(&shared.sim)))
}

/// Replaces the account with the body (the shape `GET /_sim/state` returns), ids preserved.
async fn seed_state(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let result = parse::<AccountState>(&body).and_then(|account| {
        let mut sim = lock(&shared.sim);
        sim.seed_account(account)
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        Ok(json!({"status": true, "message": "account seeded"}))
    });
    shared.persist().await;
    respond(result)
}

/// Merges `patch` into `target`: objects recursively, anything else replaced.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(slot) if value.is_object() => merge(slot, value),
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Applies a JSON merge patch to a wire object; the id never changes.
fn patch_wire<T: Serialize + DeserializeOwned>(
    wire: &mut T,
    patch: &Map<String, Value>,
) -> ApiResult<Value> {
    let mut value = serde_json::to_value(&*wire)
        .map_err(|e| ApiError::bad_request(format!("cannot patch: {e}")))?;
    let id = value.get("id").cloned();
    merge(&mut value, &Value::Object(patch.clone()));
    if let (Some(id), Some(obj)) = (id, value.as_object_mut()) {
        obj.insert("id".to_owned(), id);
    }
    *wire = serde_json::from_value(value.clone())
        .map_err(|e| ApiError::bad_request(format!("patch does not fit the resource: {e}")))?;
    Ok(value)
}

fn patch_in(sim: &mut Sim, kind: &str, id: u64, patch: &Map<String, Value>) -> ApiResult<Value> {
    let now = sim.settle();
    let status_changed = patch.contains_key("status");
    let missing = || ApiError::not_found(kind, id);
    let w = &mut sim.world;
    let value = match kind {
        "instances" => {
            let rec = w.instances.get_mut(&id).ok_or_else(missing)?;
            rec.meter.account(now);
            let value = patch_wire(&mut rec.wire, patch)?;
            if status_changed {
                rec.pending = None;
            }
            let rate = instance_rate(&rec.wire);
            rec.meter.set(now, &rec.wire.status, rate);
            value
        }
        "volumes" => {
            let rec = w.volumes.get_mut(&id).ok_or_else(missing)?;
            rec.meter.account(now);
            let value = patch_wire(&mut rec.wire, patch)?;
            if status_changed {
                rec.pending = None;
            }
            let rate = volume_rate(&rec.wire);
            rec.meter.set(now, &rec.wire.status, rate);
            value
        }
        "firewalls" => {
            let rec = w.firewalls.get_mut(&id).ok_or_else(missing)?;
            let value = patch_wire(&mut rec.wire, patch)?;
            if status_changed {
                rec.pending = None;
            }
            value
        }
        "ssh-keys" => patch_wire(w.ssh_keys.get_mut(&id).ok_or_else(missing)?, patch)?,
        "scripts" => patch_wire(w.scripts.get_mut(&id).ok_or_else(missing)?, patch)?,
        "snapshots" => {
            let rec = w.snapshots.get_mut(&id).ok_or_else(missing)?;
            rec.meter.account(now);
            let value = patch_wire(&mut rec.wire, patch)?;
            if status_changed {
                rec.pending = None;
            }
            let rate = snapshot_rate(&rec.wire);
            rec.meter.set(now, &rec.wire.status, rate);
            value
        }
        "images" => {
            let rec = w.images.get_mut(&id).ok_or_else(missing)?;
            rec.meter.account(now);
            let value = patch_wire(&mut rec.wire, patch)?;
            if status_changed {
                rec.pending = None;
            }
            let rate = image_rate(&rec.wire);
            rec.meter.set(now, &rec.wire.status, rate);
            value
        }
        other => return Err(unknown_kind(other)),
    };
    sim.dirty = true;
    Ok(value)
}

fn unknown_kind(kind: &str) -> ApiError {
    ApiError::bad_request(format!(
        "unknown kind `{kind}`: expected instances, volumes, firewalls, ssh-keys, scripts, \
         snapshots or images"
    ))
}

fn parse_id(kind: &str, id: &str) -> ApiResult<u64> {
    id.parse().map_err(|_| ApiError::not_found(kind, id))
}

async fn patch_resource(
    State(shared): State<Arc<Shared>>,
    Path((kind, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let patch: Map<String, Value> = parse(&body)?;
        let id = parse_id(&kind, &id)?;
        patch_in(&mut lock(&shared.sim), &kind, id, &patch)
    })();
    shared.persist().await;
    respond(result)
}

/// Merges a JSON object into a stock OS image (`{"name": ".."}` renames it, as a provider
/// republishing an image under a new name would); the id never changes.
fn patch_os_image_in(sim: &mut Sim, id: &str, patch: &Map<String, Value>) -> ApiResult<Value> {
    let image = sim
        .world
        .os_images
        .iter_mut()
        .find(|i| i.id.as_str() == id)
        .ok_or_else(|| ApiError::not_found("os-images", id))?;
    let value = patch_wire(image, patch)?;
    sim.dirty = true;
    Ok(value)
}

async fn patch_os_image(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let result =
        parse(&body).and_then(|patch| patch_os_image_in(&mut lock(&shared.sim), &id, &patch));
    shared.persist().await;
    respond(result)
}

fn delete_in(sim: &mut Sim, kind: &str, id: u64) -> ApiResult<()> {
    let now = sim.settle();
    let missing = || ApiError::not_found(kind, id);
    let wire_id = Id::from(id);
    let w = &mut sim.world;
    match kind {
        "instances" => {
            if !w.instances.contains_key(&id) {
                return Err(missing());
            }
            sim.remove_instance(id, now);
        }
        "volumes" => {
            let mut rec = w.volumes.remove(&id).ok_or_else(missing)?;
            rec.meter.account(now);
            w.closed_bills += rec.meter.incurred();
            for instance in w.instances.values_mut() {
                instance
                    .wire
                    .volume_attachments
                    .retain(|a| a.volume_id != wire_id);
            }
        }
        "firewalls" => {
            w.firewalls.remove(&id).ok_or_else(missing)?;
            for instance in w.instances.values_mut() {
                instance.wire.firewall_ids.retain(|f| f != &wire_id);
            }
        }
        "ssh-keys" => {
            w.ssh_keys.remove(&id).ok_or_else(missing)?;
        }
        "scripts" => {
            w.scripts.remove(&id).ok_or_else(missing)?;
        }
        "snapshots" => {
            let mut rec = w.snapshots.remove(&id).ok_or_else(missing)?;
            rec.meter.account(now);
            w.closed_bills += rec.meter.incurred();
        }
        "images" => {
            let mut rec = w.images.remove(&id).ok_or_else(missing)?;
            rec.meter.account(now);
            w.closed_bills += rec.meter.incurred();
        }
        other => return Err(unknown_kind(other)),
    }
    sim.dirty = true;
    Ok(())
}

async fn delete_resource(
    State(shared): State<Arc<Shared>>,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let result = parse_id(&kind, &id)
        .and_then(|id| delete_in(&mut lock(&shared.sim), &kind, id))
        .map(|()| json!({"status": true, "message": format!("{kind} {id} deleted")}));
    shared.persist().await;
    respond(result)
}

async fn get_faults(State(shared): State<Arc<Shared>>) -> Json<FaultConfig> {
    Json(lock(&shared.faults).config().clone())
}

async fn set_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let result = parse::<FaultConfig>(&body).and_then(|faults| {
        let rates = [
            faults.error_5xx,
            faults.drop_after_processing,
            faults.too_many_requests,
            faults.extra_latency_rate,
            faults.operation_error,
            faults.late_delivery,
        ];
        if rates.iter().all(|r| (0.0..=1.0).contains(r)) {
            lock(&shared.faults).set(faults.clone());
            Ok(json!({"status": true, "message": "faults updated", "faults": faults}))
        } else {
            Err(ApiError::bad_request(
                "fault rates must be between 0.0 and 1.0",
            ))
        }
    });
    respond(result)
}

/// Empties the account (seed stock and balance) and restarts the fault sequence and the
/// rate-limit windows. Counters have their own reset.
async fn reset(State(shared): State<Arc<Shared>>) -> Json<Value> {
    lock(&shared.sim).reset();
    lock(&shared.faults).reseed();
    lock(&shared.limiter).clear();
    shared.persist().await;
    Json(json!({"status": true, "message": "account reset"}))
}

#[derive(Debug, Deserialize)]
struct Advance {
    minutes: f64,
}

/// Moves simulated time forward; due transitions settle and billing accrues.
async fn advance(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let result = parse::<Advance>(&body).and_then(|advance| {
        if !advance.minutes.is_finite() || advance.minutes < 0.0 {
            return Err(ApiError::bad_request(
                "minutes must be a non-negative number",
            ));
        }
        let mut sim = lock(&shared.sim);
        sim.clock
            .advance((advance.minutes * 60_000.0).round() as u64);
        let now = sim.settle();
        sim.dirty = true;
        Ok(json!({"status": true, "message": "clock advanced", "clock_ms": now}))
    });
    shared.persist().await;
    respond(result)
}
