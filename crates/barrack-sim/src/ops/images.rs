//! Custom image operations: list, get, delete (VMs deployed from an image are unaffected).

use barrack_wire::wire::{keys, snapshot_status, Image};

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::request::Req;
use crate::sim::Sim;

impl Sim {
    fn image_id(&self, req: &Req) -> ApiResult<u64> {
        let id = req.id("image")?;
        if self.world.images.contains_key(&id) {
            Ok(id)
        } else {
            Err(ApiError::not_found("image", id))
        }
    }

    pub(super) fn list_images(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region(&self.catalog)?;
        let list: Vec<&Image> = self
            .world
            .images
            .values()
            .map(|i| &i.wire)
            .filter(|i| region.is_none_or(|r| r == i.region))
            .collect();
        Ok(Envelope::ok("Images retrieved").page(keys::IMAGES, list, req.paging()?))
    }

    pub(super) fn get_image(&mut self, req: &Req) -> ApiResult<Envelope> {
        let id = self.image_id(req)?;
        Ok(Envelope::ok("Image retrieved").with(keys::IMAGE, &self.world.images[&id].wire))
    }

    pub(super) fn delete_image(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let id = self.image_id(req)?;
        if self.world.images[&id].wire.status == snapshot_status::CREATING {
            return Err(ApiError::conflict(format!("image {id} is still CREATING")));
        }
        if let Some(mut rec) = self.world.images.remove(&id) {
            rec.meter.account(now);
            self.world.closed_bills += rec.meter.incurred();
        }
        self.dirty = true;
        Ok(Envelope::ok(format!("Image {id} deleted")))
    }
}
