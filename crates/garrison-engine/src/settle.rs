//! Waiting for an adopted object to reach its steady state before it is recorded (C6): a
//! VM adopted while still CREATING has no address yet, and recording it as done would give
//! outputs built from nulls and plans that see nothing left to do.

use std::time::Duration;

use barrack_api::wire::{firewall_status, instance_status, snapshot_status, volume_status};
use barrack_api::{Client, Error, Poll};

use crate::remote::RemoteObject;

/// Whether `object` is in a transitional status (being created, changing power, ...).
/// A VM being deleted is not waited for: it is not going to settle into something usable.
pub fn is_transitional(object: &RemoteObject) -> bool {
    match object {
        RemoteObject::Vm(i) => {
            instance_status::is_transitional(&i.status) && i.status != instance_status::DELETING
        }
        RemoteObject::Volume(v) => v.status == volume_status::CREATING,
        RemoteObject::Firewall(f) => {
            f.status == firewall_status::CREATING || f.status == firewall_status::ATTACHING
        }
        RemoteObject::Snapshot(s) => s.status == snapshot_status::CREATING,
        RemoteObject::Image(i) => i.status == snapshot_status::CREATING,
        RemoteObject::SshKey(_) | RemoteObject::Script(_) => false,
    }
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
    let id = object.id().clone();
    Ok(match object {
        RemoteObject::Vm(_) => RemoteObject::Vm(
            client
                .wait_until(
                    &format!("instance {id} to settle"),
                    timeout,
                    || client.get_instance(&id),
                    |i: &barrack_api::wire::Instance| {
                        if instance_status::is_transitional(&i.status) {
                            Poll::Pending(i.status.clone())
                        } else {
                            Poll::Done
                        }
                    },
                )
                .await?,
        ),
        RemoteObject::Volume(_) => RemoteObject::Volume(
            client
                .wait_volume_status(
                    &id,
                    &[volume_status::AVAILABLE, volume_status::IN_USE],
                    timeout,
                )
                .await?,
        ),
        RemoteObject::Firewall(_) => {
            RemoteObject::Firewall(client.wait_firewall_ready(&id, timeout).await?)
        }
        RemoteObject::Snapshot(_) => {
            RemoteObject::Snapshot(client.wait_snapshot_ready(&id, timeout).await?)
        }
        RemoteObject::Image(_) => RemoteObject::Image(client.wait_image_ready(&id, timeout).await?),
        steady => steady,
    })
}
