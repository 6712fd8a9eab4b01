//! Creating a snapshot (C4): the API snapshots only an ACTIVE VM. A stopped or hibernated VM
//! (it stays so after the plan) is woken for the snapshot and put back once the snapshot is
//! done, or failed; the plan says so.

use std::time::Duration;

use barrack_api::wire::{self, CreateSnapshotRequest};
use garrison_config::model::{Kind, Op, Power, Resource, SnapshotSpec};
use garrison_plan::Step;

use super::{classify, exists, CreateFailure, Ctx};
use crate::observe::power_of;
use crate::remote::RemoteObject;

impl Ctx {
    pub(super) async fn create_snapshot(
        &self,
        step: &Step,
        resource: &Resource,
        spec: &SnapshotSpec,
        name: String,
        timeout: Duration,
    ) -> Result<RemoteObject, CreateFailure> {
        let c = &self.client;
        let vm = self
            .id_of(&spec.vm.to_string())
            .map_err(CreateFailure::NotCreated)?;
        let vm_timeout = self.timeout(Kind::Vm, Op::Update);
        // The VM may still be settling (e.g. adopted from an interrupted run).
        let instance = self
            .settle_instance(step, &vm, vm_timeout)
            .await
            .map_err(classify)?;
        let asleep = power_of(&instance.status).filter(|p| *p != Power::Running);
        if asleep.is_some() {
            self.set_power(step, &vm, Power::Running, vm_timeout)
                .await
                .map_err(CreateFailure::NotCreated)?;
        }
        let request = CreateSnapshotRequest {
            instance_id: vm.clone(),
            name,
            description: spec.description.clone(),
        };
        let created = self
            .or_adopt(
                step,
                resource,
                c.create_snapshot(&request).await,
                |o| match o {
                    RemoteObject::Snapshot(x) => Some(x),
                    _ => None,
                },
            )
            .await;
        let result = match created {
            Ok(created) => {
                let id = created.value.id.clone();
                self.waiting(step, wire::snapshot_status::SUCCESS);
                c.wait_snapshot_ready(&id, timeout)
                    .await
                    .map(RemoteObject::Snapshot)
                    .map_err(exists(&id))
            }
            Err(e) => Err(e),
        };
        let Some(power) = asleep else {
            return result;
        };
        // Back to sleep, even when the snapshot failed.
        match (self.set_power(step, &vm, power, vm_timeout).await, result) {
            (Ok(()), result) => result,
            (Err(message), Ok(RemoteObject::Snapshot(snapshot))) => Err(CreateFailure::Exists {
                id: snapshot.id.clone(),
                message: format!("the snapshot was made but {message}"),
            }),
            (Err(_), result) => result,
        }
    }
}
