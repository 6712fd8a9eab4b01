//! Startup script operations.

use crate::client::{to_body, Client};
use crate::create::{first, Created};
use crate::error::Error;
use crate::id::Id;
use crate::routes::Op;
use crate::wire::{Script, ScriptIdsRequest, ScriptRequest};

impl Client {
    /// `GET /scripts`, every page.
    pub async fn list_scripts(&self) -> Result<Vec<Script>, Error> {
        self.all(Op::ListScripts, &[]).await
    }

    /// `POST /scripts`. Never duplicates (unknown outcome -> lookup by name).
    pub async fn create_script(&self, request: &ScriptRequest) -> Result<Created<Script>, Error> {
        let body = to_body(Op::CreateScript, request)?;
        self.create_adopting(
            Op::CreateScript,
            &[],
            &body,
            Op::ListScripts,
            &request.name,
            first,
        )
        .await
    }

    /// `GET /scripts/{id}`.
    pub async fn get_script(&self, id: &Id) -> Result<Script, Error> {
        self.on(Op::GetScript, id, None).await
    }

    /// `PUT /scripts/{id}` (idempotent).
    pub async fn update_script(&self, id: &Id, request: &ScriptRequest) -> Result<Script, Error> {
        let body = to_body(Op::UpdateScript, request)?;
        self.on(Op::UpdateScript, id, Some(&body)).await
    }

    /// `DELETE /scripts/{id}`.
    pub async fn delete_script(&self, id: &Id) -> Result<(), Error> {
        self.unit_on(Op::DeleteScript, id, None).await
    }

    /// `POST /scripts/bulk-delete` with `{"script_ids": [..]}`.
    pub async fn bulk_delete_scripts(&self, ids: &[Id]) -> Result<(), Error> {
        let body = to_body(
            Op::BulkDeleteScripts,
            &ScriptIdsRequest {
                script_ids: ids.to_vec(),
            },
        )?;
        self.call_unit(Op::BulkDeleteScripts, &[], Some(&body))
            .await
    }
}
