//! Attaching volumes to instances and detaching them.

use barrack_wire::wire::{
    instance_status as st, keys, volume_status, VolumeAttachment, VolumeIdsRequest,
};
use barrack_wire::Id;

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};

use crate::request::Req;
use crate::sim::Sim;

impl Sim {
    pub(super) fn attach_volumes(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: VolumeIdsRequest = req.json()?;
        let (id, rec) = self.instance(req)?;
        if rec.wire.status != st::ACTIVE {
            return Err(ApiError::conflict(format!(
                "cannot attach volumes to instance {id} in status {}; it must be ACTIVE",
                rec.wire.status
            )));
        }
        if body.volume_ids.is_empty() {
            return Err(ApiError::bad_request("volume_ids must not be empty"));
        }
        let region = rec.wire.region.clone();
        let mut ids = Vec::new();
        for volume_id in &body.volume_ids {
            let (vid, volume) = volume_id
                .as_u64()
                .and_then(|v| self.world.volumes.get(&v).map(|rec| (v, rec)))
                .ok_or_else(|| ApiError::not_found("volume", volume_id))?;
            if volume.wire.region != region {
                return Err(ApiError::bad_request(format!(
                    "volume {volume_id} is in {}, instance {id} in {region}",
                    volume.wire.region
                )));
            }
            if volume.wire.status != volume_status::AVAILABLE || ids.contains(&vid) {
                return Err(ApiError::conflict(format!(
                    "volume {volume_id} is {}, not available",
                    volume.wire.status
                )));
            }
            ids.push(vid);
        }
        let mut attachments = Vec::new();
        for vid in ids {
            if let Some(volume) = self.world.volumes.get_mut(&vid) {
                volume.wire.status = volume_status::IN_USE.to_owned();
                volume.wire.instance_id = Some(Id::from(id));
                let rate = crate::lifecycle::volume_rate(&volume.wire);
                volume.meter.set(now, &volume.wire.status, rate);
            }
            attachments.push(vid);
        }
        let (_, rec) = self.instance_mut(req)?;
        for vid in attachments {
            let used: Vec<&str> = rec
                .wire
                .volume_attachments
                .iter()
                .map(|a| a.device.as_str())
                .collect();
            let device = (b'b'..=b'z')
                .map(|c| format!("/dev/vd{}", c as char))
                .find(|d| !used.contains(&d.as_str()))
                .unwrap_or_else(|| format!("/dev/vd-{vid}"));
            rec.wire.volume_attachments.push(VolumeAttachment {
                volume_id: Id::from(vid),
                device,
                status: "attached".to_owned(),
            });
        }
        let wire = rec.wire.clone();
        self.dirty = true;
        Ok(Envelope::ok("Volumes attached").with(keys::INSTANCE, wire))
    }

    pub(super) fn detach_volumes(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: VolumeIdsRequest = req.json()?;
        let (id, rec) = self.instance(req)?;
        if rec.wire.status != st::ACTIVE {
            return Err(ApiError::conflict(format!(
                "cannot detach volumes from instance {id} in status {}; it must be ACTIVE",
                rec.wire.status
            )));
        }
        if body.volume_ids.is_empty() {
            return Err(ApiError::bad_request("volume_ids must not be empty"));
        }
        for volume_id in &body.volume_ids {
            if !volume_id
                .as_u64()
                .is_some_and(|v| self.world.volumes.contains_key(&v))
            {
                return Err(ApiError::not_found("volume", volume_id));
            }
            if rec.wire.boot_volume_id.as_ref() == Some(volume_id) {
                return Err(ApiError::conflict(format!(
                    "volume {volume_id} is the boot volume of instance {id}"
                )));
            }
            if !rec
                .wire
                .volume_attachments
                .iter()
                .any(|a| &a.volume_id == volume_id)
            {
                return Err(ApiError::conflict(format!(
                    "volume {volume_id} is not attached to instance {id}"
                )));
            }
        }
        for volume_id in &body.volume_ids {
            if let Some(volume) = volume_id
                .as_u64()
                .and_then(|v| self.world.volumes.get_mut(&v))
            {
                volume.wire.status = volume_status::AVAILABLE.to_owned();
                volume.wire.instance_id = None;
                let rate = crate::lifecycle::volume_rate(&volume.wire);
                volume.meter.set(now, &volume.wire.status, rate);
            }
        }
        let (_, rec) = self.instance_mut(req)?;
        rec.wire
            .volume_attachments
            .retain(|a| !body.volume_ids.contains(&a.volume_id));
        let wire = rec.wire.clone();
        self.dirty = true;
        Ok(Envelope::ok("Volumes detached").with(keys::INSTANCE, wire))
    }
}
