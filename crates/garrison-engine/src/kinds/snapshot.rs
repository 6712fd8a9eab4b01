//! Snapshots of a VM (C4): the API snapshots only an ACTIVE VM. A stopped or hibernated VM
//! (it stays so after the plan) is woken for the snapshot and put back once the snapshot is
//! done, or failed; the plan says so.

use std::time::Duration;

use barrack_api::wire::{self, snapshot_status, CreateSnapshotRequest};
use barrack_api::{Client, Error, Id};
use garrison_config::model::{Kind, Op, Power, Resource, SnapshotSpec};
use garrison_plan::desired::Attrs;
use garrison_plan::schema::{self, snapshot};
use garrison_plan::Step;
use serde_json::{json, Value};

use super::EngineKind;
use crate::observe::{id_or_null, power_of};
use crate::remote::RemoteObject;
use crate::steps::{classify, exists, CreateFailure, Ctx};

/// The `snapshot` kind.
pub(crate) struct Snapshot;

impl EngineKind for Snapshot {
    type Object = wire::Snapshot;
    type Spec = SnapshotSpec;
    const LIST: barrack_api::Op = barrack_api::Op::ListSnapshots;

    super::wire_members!(Snapshot, wire::Snapshot, snapshots);

    async fn fetch(client: &Client, id: &Id) -> Result<wire::Snapshot, Error> {
        client.observe_snapshot(id, super::READ_TIMEOUT).await
    }

    fn observe(s: &wire::Snapshot, out: &mut Attrs) {
        out.insert(snapshot::VM.into(), id_or_null(s.instance_id.as_ref()));
        out.insert(snapshot::DESCRIPTION.into(), json!(s.description));
        out.insert(schema::STATUS.into(), json!(s.status));
        out.insert(snapshot::SIZE_GB.into(), json!(s.size_gb));
    }

    fn is_transitional(s: &wire::Snapshot) -> bool {
        s.status == snapshot_status::CREATING
    }

    async fn settle(
        client: &Client,
        s: wire::Snapshot,
        timeout: Duration,
    ) -> Result<wire::Snapshot, Error> {
        client.wait_snapshot_ready(&s.id, timeout).await
    }

    async fn create(
        ctx: &Ctx,
        step: &Step,
        resource: &Resource,
        spec: &SnapshotSpec,
    ) -> Result<RemoteObject, CreateFailure> {
        let vm = ctx
            .id_of(&spec.vm)
            .map_err(|e| CreateFailure::NotCreated(e.into()))?;
        let vm_timeout = ctx.timeout(Kind::Vm, Op::Update);
        // The VM may still be settling (e.g. adopted from an interrupted run).
        let instance = ctx
            .settle_instance(step, &vm, vm_timeout)
            .await
            .map_err(classify)?;
        let asleep = power_of(&instance.status).filter(|p| *p != Power::Running);
        if asleep.is_some() {
            ctx.set_power(step, &vm, Power::Running, vm_timeout)
                .await
                .map_err(CreateFailure::NotCreated)?;
        }
        let result = snapshot_of(ctx, step, resource, spec, &vm).await;
        let Some(power) = asleep else {
            return result;
        };
        // Back to sleep, even when the snapshot failed.
        match (ctx.set_power(step, &vm, power, vm_timeout).await, result) {
            (Ok(()), result) => result,
            (Err(message), Ok(RemoteObject::Snapshot(snapshot))) => Err(CreateFailure::Exists {
                id: snapshot.id.clone(),
                message: format!("the snapshot was made but {message}").into(),
            }),
            (Err(_), result) => result,
        }
    }

    fn expected(_: &Resource, spec: &SnapshotSpec) -> Value {
        json!({"description": spec.description})
    }

    async fn delete(ctx: &Ctx, step: &Step, id: &Id, _: &mut bool) -> Result<(), Error> {
        ctx.client.delete_snapshot(id).await?;
        ctx.wait_gone(step, Kind::Snapshot, id).await
    }
}

/// Asks for the snapshot of the (ACTIVE) VM `vm` and waits until it is ready.
async fn snapshot_of(
    ctx: &Ctx,
    step: &Step,
    resource: &Resource,
    spec: &SnapshotSpec,
    vm: &Id,
) -> Result<RemoteObject, CreateFailure> {
    let request = CreateSnapshotRequest {
        instance_id: vm.clone(),
        name: resource.name.clone(),
        description: spec.description.clone(),
    };
    let answer = ctx.client.create_snapshot(&request).await;
    let created = ctx.or_adopt(step, resource, answer, Snapshot::pick).await?;
    let id = created.value.id.clone();
    ctx.waiting(step, snapshot_status::SUCCESS);
    ctx.client
        .wait_snapshot_ready(&id, ctx.timeout(Kind::Snapshot, Op::Create))
        .await
        .map(RemoteObject::Snapshot)
        .map_err(exists(&id))
}
