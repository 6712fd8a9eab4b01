//! SSH key operations.

use crate::client::{to_body, Client};
use crate::create::{first, Created};
use crate::error::Error;
use crate::id::Id;
use crate::routes::Op;
use crate::wire::{CreateSshKeyRequest, SshKey};

impl Client {
    /// `GET /ssh-keys`, every page.
    pub async fn list_ssh_keys(&self) -> Result<Vec<SshKey>, Error> {
        self.all(Op::ListSshKeys, &[]).await
    }

    /// `POST /ssh-keys`. Never duplicates (unknown outcome -> lookup by name). An adopted
    /// key has no `private_key`: a server-generated private key is then lost.
    pub async fn create_ssh_key(
        &self,
        request: &CreateSshKeyRequest,
    ) -> Result<Created<SshKey>, Error> {
        let body = to_body(Op::CreateSshKey, request)?;
        self.create_adopting(
            Op::CreateSshKey,
            &[],
            &body,
            Op::ListSshKeys,
            &request.name,
            first,
        )
        .await
    }

    /// `GET /ssh-keys/{id}`.
    pub async fn get_ssh_key(&self, id: &Id) -> Result<SshKey, Error> {
        self.on(Op::GetSshKey, id, None).await
    }

    /// `DELETE /ssh-keys/{id}` (409 while a live VM uses it).
    pub async fn delete_ssh_key(&self, id: &Id) -> Result<(), Error> {
        self.unit_on(Op::DeleteSshKey, id, None).await
    }
}
