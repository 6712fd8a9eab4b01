//! Volume operations: CRUD, resize (grow only), clone, types, billing.

use barrack_wire::wire::{
    self, keys, volume_status, Billing, CreateVolumeRequest, NameRequest, ResizeVolumeRequest,
    Volume,
};
use barrack_wire::Id;

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::{delay, volume_rate};
use crate::meter::Meter;
use crate::request::Req;
use crate::sim::Sim;
use crate::validate;
use crate::world::{Target, VolumeRec};

impl Sim {
    fn volume(&self, req: &Req) -> ApiResult<(u64, &VolumeRec)> {
        let id = req.id("volume")?;
        self.world
            .volumes
            .get(&id)
            .map(|v| (id, v))
            .ok_or_else(|| ApiError::not_found("volume", id))
    }

    fn volume_name_free(&self, name: &str) -> ApiResult<()> {
        if self.world.volumes.values().any(|v| v.wire.name == name) {
            Err(ApiError::bad_request(format!(
                "a volume named `{name}` already exists"
            )))
        } else {
            Ok(())
        }
    }

    /// Stores a new volume in `creating` and schedules `available` (`error` when the
    /// `operation_error` fault doomed the request).
    fn insert_volume(&mut self, now: SimMs, mut wire: Volume, doomed: bool) -> Volume {
        let id = self.world.new_id();
        wire.id = Id::from(id);
        wire.status = volume_status::CREATING.to_owned();
        wire.instance_id = None;
        wire.created_at = self.timestamp(now);
        let due = now + self.delay(delay::VOLUME_CREATING);
        let to = if doomed {
            volume_status::ERROR
        } else {
            volume_status::AVAILABLE
        };
        let pending = self.world.schedule(Target::Volume(id), due, to);
        self.world.volumes.insert(
            id,
            VolumeRec {
                wire: wire.clone(),
                pending: Some(pending),
                meter: Meter::start(now, volume_status::CREATING, 0.0),
            },
        );
        self.dirty = true;
        wire
    }

    pub(super) fn list_volumes(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region(&self.catalog)?;
        let list: Vec<&Volume> = self
            .world
            .volumes
            .values()
            .map(|v| &v.wire)
            .filter(|v| region.is_none_or(|r| r == v.region))
            .collect();
        Ok(Envelope::ok("Volumes retrieved").page(keys::VOLUMES, list, req.paging()?))
    }

    pub(super) fn get_volume(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (_, rec) = self.volume(req)?;
        Ok(Envelope::ok("Volume retrieved").with(keys::VOLUME, &rec.wire))
    }

    pub(super) fn create_volume(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: CreateVolumeRequest = req.json()?;
        validate::name("volume", &body.name, true)?;
        self.volume_name_free(&body.name)?;
        validate::region(&self.catalog, &body.region)?;
        validate::description(&body.description)?;
        let volume_type = if body.volume_type.is_empty() {
            self.catalog.default_volume_type().to_owned()
        } else if self.catalog.volume_types.contains(&body.volume_type) {
            body.volume_type.clone()
        } else {
            return Err(ApiError::bad_request(format!(
                "unknown volume_type `{}`; expected one of {}",
                body.volume_type,
                self.catalog.volume_types.join(", ")
            )));
        };
        check_size(body.size, body.bootable)?;
        match (&body.image_name, body.bootable) {
            (None, true) => {
                return Err(ApiError::bad_request(
                    "a bootable volume needs an image_name",
                ))
            }
            (Some(_), false) => {
                return Err(ApiError::bad_request(
                    "image_name is only allowed on a bootable volume",
                ))
            }
            (Some(name), true) if self.world.os_image(&body.region, name).is_none() => {
                return Err(ApiError::bad_request(format!(
                    "unknown OS image `{name}` in {}",
                    body.region
                )))
            }
            _ => {}
        }
        let wire = self.insert_volume(
            now,
            Volume {
                name: body.name,
                region: body.region,
                size: body.size,
                volume_type,
                bootable: body.bootable,
                image_name: body.image_name,
                description: body.description,
                ..Volume::default()
            },
            req.doomed,
        );
        Ok(Envelope::ok("Volume created").with(keys::VOLUME, wire))
    }

    pub(super) fn delete_volume(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.volume(req)?;
        // As in OpenStack, a volume that failed (`error`) can be deleted too.
        if rec.wire.status != volume_status::AVAILABLE && rec.wire.status != volume_status::ERROR {
            return Err(ApiError::conflict(format!(
                "volume {id} is {}; only an available (or error) volume can be deleted",
                rec.wire.status
            )));
        }
        if let Some(mut rec) = self.world.volumes.remove(&id) {
            rec.meter.account(now);
            self.world.closed_bills += rec.meter.incurred();
        }
        self.dirty = true;
        Ok(Envelope::ok(format!("Volume {id} deleted")))
    }

    pub(super) fn resize_volume(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: ResizeVolumeRequest = req.json()?;
        let (id, rec) = self.volume(req)?;
        if !matches!(
            rec.wire.status.as_str(),
            volume_status::AVAILABLE | volume_status::IN_USE
        ) {
            return Err(ApiError::conflict(format!(
                "volume {id} is {}; it must be available or in-use",
                rec.wire.status
            )));
        }
        if body.size <= rec.wire.size {
            return Err(ApiError::bad_request(format!(
                "volumes only grow: {} GB is not more than the current {} GB",
                body.size, rec.wire.size
            )));
        }
        check_size(body.size, rec.wire.bootable)?;
        let rec = self
            .world
            .volumes
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("volume", id))?;
        rec.meter.account(now);
        rec.wire.size = body.size;
        let rate = volume_rate(&rec.wire);
        rec.meter.set(now, &rec.wire.status, rate);
        let wire = rec.wire.clone();
        self.dirty = true;
        Ok(Envelope::ok("Volume resized").with(keys::VOLUME, wire))
    }

    pub(super) fn clone_volume(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: NameRequest = req.json()?;
        let (id, rec) = self.volume(req)?;
        if !matches!(
            rec.wire.status.as_str(),
            volume_status::AVAILABLE | volume_status::IN_USE
        ) {
            return Err(ApiError::conflict(format!(
                "volume {id} is {}; it must be available or in-use",
                rec.wire.status
            )));
        }
        let source = rec.wire.clone();
        validate::name("volume", &body.name, true)?;
        self.volume_name_free(&body.name)?;
        let wire = self.insert_volume(
            now,
            Volume {
                name: body.name,
                description: format!("clone of volume {id}"),
                ..source
            },
            req.doomed,
        );
        Ok(Envelope::ok("Volume cloned").with(keys::VOLUME, wire))
    }

    pub(super) fn list_volume_types(&mut self, req: &Req) -> ApiResult<Envelope> {
        Ok(Envelope::ok("Volume types retrieved").page(
            keys::VOLUME_TYPES,
            self.catalog.volume_types.clone(),
            req.paging()?,
        ))
    }

    pub(super) fn volume_billing(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let id = req.id("volume")?;
        let rec = self
            .world
            .volumes
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("volume", id))?;
        rec.meter.account(now);
        let billing = Billing {
            resource_id: Id::from(id),
            resource_type: "volume".to_owned(),
            price_per_hour: rec.meter.rate(),
            incurred_bill: rec.meter.incurred(),
            usage_minutes: rec.meter.usage_minutes(),
        };
        Ok(Envelope::ok("Billing retrieved").with(keys::BILLING, billing))
    }
}

/// Standard volumes 10 GB - 1 PB; bootable ones at least 100 GB.
fn check_size(size: u64, bootable: bool) -> ApiResult<()> {
    let min = if bootable {
        wire::BOOTABLE_VOLUME_MIN_GB
    } else {
        wire::VOLUME_MIN_GB
    };
    if (min..=wire::VOLUME_MAX_GB).contains(&size) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "size must be between {min} and {} GB{}, got {size}",
            wire::VOLUME_MAX_GB,
            if bootable {
                " for a bootable volume"
            } else {
                ""
            }
        )))
    }
}
