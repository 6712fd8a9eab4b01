//! Snapshot operations, including restore (a new VM) and image creation.

use crate::client::{to_body, Client};
use crate::create::{first, Created};
use crate::error::Error;
use crate::id::Id;
use crate::routes::Op;
use crate::wire::{
    Billing, CreateImageRequest, CreateSnapshotRequest, Image, ImageRelationship, Instance,
    NameRequest, Snapshot, SnapshotIdsRequest,
};

impl Client {
    /// `GET /snapshots`, every page.
    pub async fn list_snapshots(&self) -> Result<Vec<Snapshot>, Error> {
        self.all(Op::ListSnapshots, &[]).await
    }

    /// `POST /snapshots`. Never duplicates (unknown outcome -> lookup by name).
    pub async fn create_snapshot(
        &self,
        request: &CreateSnapshotRequest,
    ) -> Result<Created<Snapshot>, Error> {
        let body = to_body(Op::CreateSnapshot, request)?;
        self.create_adopting(
            Op::CreateSnapshot,
            &[],
            &body,
            Op::ListSnapshots,
            &request.name,
            first,
        )
        .await
    }

    /// `GET /snapshots/{id}`.
    pub async fn get_snapshot(&self, id: &Id) -> Result<Snapshot, Error> {
        self.on(Op::GetSnapshot, id, None).await
    }

    /// `DELETE /snapshots/{id}`.
    pub async fn delete_snapshot(&self, id: &Id) -> Result<(), Error> {
        self.unit_on(Op::DeleteSnapshot, id, None).await
    }

    /// `POST /snapshots/{id}/restore` with `{"name": ..}`: a NEW instance. Never duplicates
    /// (unknown outcome -> lookup of the name among the instances).
    pub async fn restore_snapshot(&self, id: &Id, name: &str) -> Result<Created<Instance>, Error> {
        let body = to_body(
            Op::RestoreSnapshot,
            &NameRequest {
                name: name.to_owned(),
            },
        )?;
        self.create_adopting(
            Op::RestoreSnapshot,
            &[id.as_str()],
            &body,
            Op::ListInstances,
            name,
            first,
        )
        .await
    }

    /// `GET /snapshots/eligible-instances`: instances that can be snapshotted now.
    pub async fn list_snapshot_eligible_instances(&self) -> Result<Vec<Instance>, Error> {
        self.all(Op::ListSnapshotEligibleInstances, &[]).await
    }

    /// `GET /snapshots/{id}/billing`.
    pub async fn get_snapshot_billing(&self, id: &Id) -> Result<Billing, Error> {
        self.on(Op::GetSnapshotBilling, id, None).await
    }

    /// `POST /snapshots/{id}/image`. Never duplicates (unknown outcome -> lookup of the
    /// name among the images).
    pub async fn create_image_from_snapshot(
        &self,
        id: &Id,
        request: &CreateImageRequest,
    ) -> Result<Created<Image>, Error> {
        let body = to_body(Op::CreateImageFromSnapshot, request)?;
        self.create_adopting(
            Op::CreateImageFromSnapshot,
            &[id.as_str()],
            &body,
            Op::ListImages,
            &request.name,
            first,
        )
        .await
    }

    /// `GET /snapshots/{id}/image-relationship`.
    pub async fn get_snapshot_image_relationship(
        &self,
        id: &Id,
    ) -> Result<ImageRelationship, Error> {
        self.on(Op::GetSnapshotImageRelationship, id, None).await
    }

    /// `POST /snapshots/image-relationships` with `{"snapshot_ids": [..]}` (a read).
    pub async fn list_snapshot_image_relationships(
        &self,
        snapshot_ids: &[Id],
    ) -> Result<Vec<ImageRelationship>, Error> {
        let body = to_body(
            Op::ListSnapshotImageRelationships,
            &SnapshotIdsRequest {
                snapshot_ids: snapshot_ids.to_vec(),
            },
        )?;
        self.call(Op::ListSnapshotImageRelationships, &[], &[], Some(&body))
            .await
    }
}
