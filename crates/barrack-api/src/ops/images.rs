//! Custom image operations (images are created from snapshots, see `snapshots.rs`).

use crate::client::Client;
use crate::error::Error;
use crate::id::Id;
use crate::routes::Op;
use crate::wire::Image;

impl Client {
    /// `GET /images`, every page.
    pub async fn list_images(&self) -> Result<Vec<Image>, Error> {
        self.all(Op::ListImages, &[]).await
    }

    /// `GET /images/{id}`.
    pub async fn get_image(&self, id: &Id) -> Result<Image, Error> {
        self.on(Op::GetImage, id, None).await
    }

    /// `DELETE /images/{id}`.
    pub async fn delete_image(&self, id: &Id) -> Result<(), Error> {
        self.unit_on(Op::DeleteImage, id, None).await
    }
}
