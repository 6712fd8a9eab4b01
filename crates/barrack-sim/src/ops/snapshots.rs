//! Snapshot operations: CRUD, restore to a new VM, billing, images and relationships.

use barrack_wire::wire::{
    instance_status as st, keys, snapshot_status, Billing, CreateImageRequest,
    CreateSnapshotRequest, Image, ImageRef, ImageRelationship, Instance, NameRequest, Snapshot,
    SnapshotIdsRequest,
};
use barrack_wire::Id;

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::delay;
use crate::meter::Meter;
use crate::request::Req;
use crate::sim::Sim;
use crate::validate;
use crate::world::{ImageRec, SnapshotRec, Target};

use super::deploy::NewInstance;

impl Sim {
    fn snapshot(&self, req: &Req) -> ApiResult<(u64, &SnapshotRec)> {
        let id = req.id("snapshot")?;
        self.world
            .snapshots
            .get(&id)
            .map(|s| (id, s))
            .ok_or_else(|| ApiError::not_found("snapshot", id))
    }

    pub(super) fn list_snapshots(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region(&self.catalog)?;
        let list: Vec<&Snapshot> = self
            .world
            .snapshots
            .values()
            .map(|s| &s.wire)
            .filter(|s| region.is_none_or(|r| r == s.region))
            .collect();
        Ok(Envelope::ok("Snapshots retrieved").page(keys::SNAPSHOTS, list, req.paging()?))
    }

    pub(super) fn get_snapshot(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (_, rec) = self.snapshot(req)?;
        Ok(Envelope::ok("Snapshot retrieved").with(keys::SNAPSHOT, &rec.wire))
    }

    pub(super) fn create_snapshot(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: CreateSnapshotRequest = req.json()?;
        validate::name("snapshot", &body.name, true)?;
        if self
            .world
            .snapshots
            .values()
            .any(|s| s.wire.name == body.name)
        {
            return Err(ApiError::bad_request(format!(
                "a snapshot named `{}` already exists",
                body.name
            )));
        }
        validate::description(&body.description)?;
        let instance = body
            .instance_id
            .as_u64()
            .and_then(|i| self.world.instances.get(&i))
            .ok_or_else(|| ApiError::not_found("instance", &body.instance_id))?;
        if instance.wire.status != st::ACTIVE {
            return Err(ApiError::conflict(format!(
                "cannot snapshot instance {} in status {}; it must be ACTIVE",
                body.instance_id, instance.wire.status
            )));
        }
        let source = instance.wire.clone();
        let id = self.world.new_id();
        let due = now + self.delay(delay::SNAPSHOT_CREATING);
        let to = if req.doomed {
            snapshot_status::ERROR
        } else {
            snapshot_status::SUCCESS
        };
        let pending = self.world.schedule(Target::Snapshot(id), due, to);
        let wire = Snapshot {
            id: Id::from(id),
            name: body.name,
            region: source.region.clone(),
            instance_id: Some(source.id.clone()),
            description: body.description,
            status: snapshot_status::CREATING.to_owned(),
            size_gb: u64::from(source.flavor.disk),
            created_at: self.timestamp(now),
        };
        self.world.snapshots.insert(
            id,
            SnapshotRec {
                wire: wire.clone(),
                pending: Some(pending),
                meter: Meter::start(now, snapshot_status::CREATING, 0.0),
                gpu_model: source.gpu_model,
                gpu_count: source.gpu_count,
                image_name: source.image.name,
            },
        );
        self.dirty = true;
        Ok(Envelope::ok("Snapshot created").with(keys::SNAPSHOT, wire))
    }

    /// Images made from the snapshot survive it (Barrack's documented behaviour).
    pub(super) fn delete_snapshot(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.snapshot(req)?;
        if rec.wire.status == snapshot_status::CREATING {
            return Err(ApiError::conflict(format!(
                "snapshot {id} is still CREATING"
            )));
        }
        if let Some(mut rec) = self.world.snapshots.remove(&id) {
            rec.meter.account(now);
            self.world.closed_bills += rec.meter.incurred();
        }
        self.dirty = true;
        Ok(Envelope::ok(format!("Snapshot {id} deleted")))
    }

    /// A NEW instance in the snapshot's region, with the source's GPUs and image. SSH keys
    /// and firewalls are not carried over.
    pub(super) fn restore_snapshot(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: NameRequest = req.json()?;
        let (id, rec) = self.snapshot(req)?;
        if rec.wire.status != snapshot_status::SUCCESS {
            return Err(ApiError::conflict(format!(
                "snapshot {id} is {}, not SUCCESS",
                rec.wire.status
            )));
        }
        let (region, model, count, image) = (
            rec.wire.region.clone(),
            rec.gpu_model.clone(),
            rec.gpu_count,
            rec.image_name.clone(),
        );
        validate::name("instance", &body.name, true)?;
        if self.instance_name_taken(&body.name) {
            return Err(ApiError::bad_request(format!(
                "an instance named `{}` already exists",
                body.name
            )));
        }
        let price = self.catalog.gpu_price(&model).unwrap_or(0.0) * f64::from(count);
        self.reserve(now, &region, &model, count, price)?;
        let instance = self.create_instance(
            now,
            NewInstance {
                name: body.name,
                region,
                gpu_model: model,
                gpu_count: count,
                image: ImageRef {
                    name: image,
                    id: None,
                },
                boot_volume_id: None,
                ssh_key_ids: Vec::new(),
                startup_script_id: None,
                cloud_init_sha256: None,
                public_ip: false,
                security_rules: Vec::new(),
            },
            req.doomed,
        );
        Ok(Envelope::ok("Snapshot restore started").with(keys::INSTANCE, instance))
    }

    pub(super) fn snapshot_eligible_instances(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region(&self.catalog)?;
        let list: Vec<&Instance> = self
            .world
            .instances
            .values()
            .map(|i| &i.wire)
            .filter(|i| i.status == st::ACTIVE && region.is_none_or(|r| r == i.region))
            .collect();
        Ok(Envelope::ok("Instances retrieved").page(keys::INSTANCES, list, req.paging()?))
    }

    pub(super) fn snapshot_billing(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let id = req.id("snapshot")?;
        let rec = self
            .world
            .snapshots
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("snapshot", id))?;
        rec.meter.account(now);
        let billing = Billing {
            resource_id: Id::from(id),
            resource_type: "snapshot".to_owned(),
            price_per_hour: rec.meter.rate(),
            incurred_bill: rec.meter.incurred(),
            usage_minutes: rec.meter.usage_minutes(),
        };
        Ok(Envelope::ok("Billing retrieved").with(keys::BILLING, billing))
    }

    pub(super) fn create_image(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: CreateImageRequest = req.json()?;
        let (id, rec) = self.snapshot(req)?;
        if rec.wire.status != snapshot_status::SUCCESS {
            return Err(ApiError::conflict(format!(
                "snapshot {id} is {}, not SUCCESS",
                rec.wire.status
            )));
        }
        let (region, size_gb) = (rec.wire.region.clone(), rec.wire.size_gb);
        validate::name("image", &body.name, true)?;
        if self.world.images.values().any(|i| i.wire.name == body.name) {
            return Err(ApiError::bad_request(format!(
                "an image named `{}` already exists",
                body.name
            )));
        }
        validate::description(&body.description)?;
        let image_id = self.world.new_id();
        let due = now + self.delay(delay::IMAGE_CREATING);
        let to = if req.doomed {
            snapshot_status::ERROR
        } else {
            snapshot_status::SUCCESS
        };
        let pending = self.world.schedule(Target::Image(image_id), due, to);
        let wire = Image {
            id: Id::from(image_id),
            name: body.name,
            region,
            snapshot_id: Some(Id::from(id)),
            description: body.description,
            status: snapshot_status::CREATING.to_owned(),
            size_gb,
            created_at: self.timestamp(now),
        };
        self.world.images.insert(
            image_id,
            ImageRec {
                wire: wire.clone(),
                pending: Some(pending),
                meter: Meter::start(now, snapshot_status::CREATING, 0.0),
            },
        );
        self.dirty = true;
        Ok(Envelope::ok("Image creation started").with(keys::IMAGE, wire))
    }

    fn relationship(&self, snapshot_id: u64) -> ImageRelationship {
        let sid = Id::from(snapshot_id);
        ImageRelationship {
            snapshot_id: sid.clone(),
            image_ids: self
                .world
                .images
                .values()
                .filter(|i| i.wire.snapshot_id.as_ref() == Some(&sid))
                .map(|i| i.wire.id.clone())
                .collect(),
        }
    }

    pub(super) fn image_relationship(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (id, _) = self.snapshot(req)?;
        Ok(Envelope::ok("Relationship retrieved").with(keys::RELATIONSHIP, self.relationship(id)))
    }

    pub(super) fn image_relationships(&mut self, req: &Req) -> ApiResult<Envelope> {
        let body: SnapshotIdsRequest = req.json()?;
        if body.snapshot_ids.is_empty() {
            return Err(ApiError::bad_request("snapshot_ids must not be empty"));
        }
        let mut out = Vec::new();
        for snapshot_id in &body.snapshot_ids {
            match snapshot_id.as_u64() {
                Some(id) if self.world.snapshots.contains_key(&id) => {
                    out.push(self.relationship(id))
                }
                _ => return Err(ApiError::not_found("snapshot", snapshot_id)),
            }
        }
        Ok(Envelope::ok("Relationships retrieved").with(keys::RELATIONSHIPS, out))
    }
}
