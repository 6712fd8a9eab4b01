//! Volume operations.

use serde_json::Value;

use crate::client::{to_body, Client};
use crate::create::{first, Created};
use crate::error::Error;
use crate::id::Id;
use crate::routes::Op;
use crate::wire::{Billing, CreateVolumeRequest, NameRequest, ResizeVolumeRequest, Volume};

impl Client {
    /// `GET /volumes`, every page.
    pub async fn list_volumes(&self) -> Result<Vec<Volume>, Error> {
        self.all(Op::ListVolumes, &[]).await
    }

    /// `POST /volumes`. Never duplicates (unknown outcome -> lookup by name).
    pub async fn create_volume(
        &self,
        request: &CreateVolumeRequest,
    ) -> Result<Created<Volume>, Error> {
        let body = to_body(Op::CreateVolume, request)?;
        self.create_adopting(
            Op::CreateVolume,
            &[],
            &body,
            Op::ListVolumes,
            &request.name,
            first,
        )
        .await
    }

    /// `GET /volumes/{id}`.
    pub async fn get_volume(&self, id: &Id) -> Result<Volume, Error> {
        self.on(Op::GetVolume, id, None).await
    }

    /// `DELETE /volumes/{id}` (409 while attached).
    pub async fn delete_volume(&self, id: &Id) -> Result<(), Error> {
        self.unit_on(Op::DeleteVolume, id, None).await
    }

    /// `POST /volumes/{id}/resize` with `{"size": N}` (grow only; idempotent: the target
    /// size is absolute).
    pub async fn resize_volume(&self, id: &Id, size_gb: u64) -> Result<Volume, Error> {
        let body = to_body(Op::ResizeVolume, &ResizeVolumeRequest { size: size_gb })?;
        self.on(Op::ResizeVolume, id, Some(&body)).await
    }

    /// `POST /volumes/{id}/clone` with `{"name": ..}`. Never duplicates (unknown outcome ->
    /// lookup of the new name among the volumes).
    pub async fn clone_volume(&self, id: &Id, name: &str) -> Result<Created<Volume>, Error> {
        let body = to_body(
            Op::CloneVolume,
            &NameRequest {
                name: name.to_owned(),
            },
        )?;
        self.create_adopting(
            Op::CloneVolume,
            &[id.as_str()],
            &body,
            Op::ListVolumes,
            name,
            first,
        )
        .await
    }

    /// `GET /volumes/types`: volume type names.
    pub async fn list_volume_types(&self) -> Result<Vec<String>, Error> {
        let values: Vec<Value> = self.all(Op::ListVolumeTypes, &[]).await?;
        Ok(super::names(values))
    }

    /// `GET /volumes/{id}/billing`.
    pub async fn get_volume_billing(&self, id: &Id) -> Result<Billing, Error> {
        self.on(Op::GetVolumeBilling, id, None).await
    }
}
