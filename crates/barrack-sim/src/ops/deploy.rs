//! Deploying instances: validation, boot sources, stock and balance reservation, creation
//! (shared with snapshot restore).

use barrack_wire::wire::{
    self, instance_status as st, keys, snapshot_status, volume_status, DeploymentRequest, ImageRef,
    Instance, RuleRequest, VolumeAttachment,
};
use barrack_wire::Id;
use sha2::{Digest, Sha256};

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::delay;
use crate::meter::Meter;
use crate::request::Req;
use crate::seed;
use crate::sim::Sim;
use crate::validate;
use crate::world::{InstanceRec, Target};

use super::instances::rule_from;

/// Most VMs one deployment may create.
const MAX_DEPLOY_COUNT: u32 = 20;

/// A VM to create, already validated (shared by deploy and snapshot restore).
pub(super) struct NewInstance {
    pub(super) name: String,
    pub(super) region: String,
    pub(super) gpu_model: String,
    pub(super) gpu_count: u32,
    pub(super) image: ImageRef,
    pub(super) boot_volume_id: Option<u64>,
    pub(super) ssh_key_ids: Vec<Id>,
    pub(super) startup_script_id: Option<Id>,
    pub(super) cloud_init_sha256: Option<String>,
    pub(super) public_ip: bool,
    pub(super) security_rules: Vec<RuleRequest>,
}

impl Sim {
    /// 409 when the region lacks `gpus` of `model`, 402 when the balance cannot cover an
    /// hour at `price_per_hour`; otherwise takes the GPUs from stock.
    pub(super) fn reserve(
        &mut self,
        now: SimMs,
        region: &str,
        model: &str,
        gpus: u32,
        price_per_hour: f64,
    ) -> ApiResult<()> {
        let available = self
            .world
            .stock_mut(region, model)
            .map_or(0, |s| s.available);
        if available < gpus {
            return Err(ApiError::conflict(format!(
                "out of stock: {gpus} x {model} wanted in {region}, {available} available"
            )));
        }
        let balance = self.world.balance(now);
        if balance < price_per_hour {
            return Err(ApiError::insufficient_credits(format!(
                "Insufficient Credits: balance {balance:.2} USD cannot cover one hour \
                 ({price_per_hour:.2} USD)"
            )));
        }
        if let Some(stock) = self.world.stock_mut(region, model) {
            stock.available -= gpus;
        }
        Ok(())
    }

    /// Creates one VM in CREATING (stock already reserved) and schedules its build.
    pub(super) fn create_instance(
        &mut self,
        now: SimMs,
        new: NewInstance,
        doomed: bool,
    ) -> Instance {
        let id = self.world.new_id();
        let spec = seed::gpu_spec(&self.catalog, &new.gpu_model).unwrap_or_default();
        let price_per_hour = spec.price_per_hour * f64::from(new.gpu_count);
        let mut security_rules = Vec::new();
        for rule in &new.security_rules {
            let rule_id = self.world.new_id();
            security_rules.push(rule_from(rule_id, rule));
        }
        let mut volume_attachments = Vec::new();
        if let Some(volume_id) = new.boot_volume_id {
            if let Some(volume) = self.world.volumes.get_mut(&volume_id) {
                volume.wire.status = volume_status::IN_USE.to_owned();
                volume.wire.instance_id = Some(Id::from(id));
            }
            volume_attachments.push(VolumeAttachment {
                volume_id: Id::from(volume_id),
                device: "/dev/vda".to_owned(),
                status: "attached".to_owned(),
            });
        }
        let wire = Instance {
            id: Id::from(id),
            name: new.name,
            region: new.region,
            status: st::CREATING.to_owned(),
            power_state: "NOSTATE".to_owned(),
            gpu_model: new.gpu_model,
            gpu_count: new.gpu_count,
            flavor: seed::flavor(&spec, new.gpu_count),
            image: new.image,
            boot_volume_id: new.boot_volume_id.map(Id::from),
            ssh_key_ids: new.ssh_key_ids,
            startup_script_id: new.startup_script_id,
            fixed_ip: Some(format!(
                "10.{}.{}.{}",
                (id >> 16) % 256,
                (id >> 8) % 256,
                id % 256
            )),
            public_ip: None,
            public_ip_enabled: new.public_ip,
            security_rules,
            volume_attachments,
            firewall_ids: Vec::new(),
            price_per_hour,
            created_at: self.timestamp(now),
        };
        let due = now + self.delay(delay::INSTANCE_CREATING);
        let pending = self.world.schedule(Target::Instance(id), due, st::BUILD);
        let rec = InstanceRec {
            wire: wire.clone(),
            pending: Some(pending),
            meter: Meter::start(now, st::CREATING, 0.0),
            cloud_init_sha256: new.cloud_init_sha256,
            doomed,
            holds_gpus: true,
        };
        self.world.instances.insert(id, rec);
        self.dirty = true;
        wire
    }

    pub(super) fn instance_name_taken(&self, name: &str) -> bool {
        self.world.instances.values().any(|i| i.wire.name == name)
    }

    pub(super) fn deploy_instances(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: DeploymentRequest = req.json()?;
        let count = body.count.unwrap_or(1);
        if !(1..=MAX_DEPLOY_COUNT).contains(&count) {
            return Err(ApiError::bad_request(format!(
                "count must be between 1 and {MAX_DEPLOY_COUNT}, got {count}"
            )));
        }
        validate::name("instance", &body.name, true)?;
        let names: Vec<String> = if count == 1 {
            vec![body.name.clone()]
        } else {
            (1..=count).map(|i| format!("{}-{i}", body.name)).collect()
        };
        for name in &names {
            validate::name("instance", name, true)?;
            if self.instance_name_taken(name) {
                return Err(ApiError::bad_request(format!(
                    "an instance named `{name}` already exists"
                )));
            }
        }
        validate::region(&self.catalog, &body.region)?;
        let price = validate::gpu(&self.catalog, &body.gpu_model, body.gpu_count)?;
        if let Some(cloud_init) = &body.cloud_init {
            if cloud_init.len() > wire::CLOUD_INIT_MAX_BYTES {
                return Err(ApiError::bad_request(format!(
                    "cloud_init is {} bytes; the limit is {} bytes",
                    cloud_init.len(),
                    wire::CLOUD_INIT_MAX_BYTES
                )));
            }
        }
        for rule in &body.security_rules {
            validate::rule(&self.catalog, rule)?;
        }
        let sources = [
            body.image_name.is_some(),
            body.image_id.is_some(),
            body.boot_volume_id.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(ApiError::bad_request(
                "give exactly one boot source: image_name, image_id or boot_volume_id",
            ));
        }
        if body.ssh_key_ids.is_empty() {
            return Err(ApiError::bad_request("ssh_key_ids needs at least one key"));
        }
        // Keys are account-wide: any key serves a VM in any region.
        for key_id in &body.ssh_key_ids {
            key_id
                .as_u64()
                .and_then(|k| self.world.ssh_keys.get(&k))
                .ok_or_else(|| ApiError::not_found("ssh key", key_id))?;
        }
        if let Some(script_id) = &body.startup_script_id {
            if !script_id
                .as_u64()
                .is_some_and(|s| self.world.scripts.contains_key(&s))
            {
                return Err(ApiError::not_found("startup script", script_id));
            }
        }
        let (image, boot_volume_id) = self.boot_source(&body, count)?;

        let gpus = body.gpu_count * count;
        let price_per_hour = price * f64::from(gpus);
        self.reserve(now, &body.region, &body.gpu_model, gpus, price_per_hour)?;

        let cloud_init_sha256 = body
            .cloud_init
            .as_ref()
            .map(|c| hex::encode(Sha256::digest(c.as_bytes())));
        let mut instances = Vec::new();
        for name in names {
            let new = NewInstance {
                name,
                region: body.region.clone(),
                gpu_model: body.gpu_model.clone(),
                gpu_count: body.gpu_count,
                image: image.clone(),
                boot_volume_id,
                ssh_key_ids: body.ssh_key_ids.clone(),
                startup_script_id: body.startup_script_id.clone(),
                cloud_init_sha256: cloud_init_sha256.clone(),
                public_ip: body.public_ip,
                security_rules: body.security_rules.clone(),
            };
            instances.push(self.create_instance(now, new, req.doomed));
        }
        let deployment = format!("DEP{}", self.world.next_deployment);
        self.world.next_deployment += 1;
        Ok(Envelope::ok("Deployment created")
            .with(keys::DEPLOYMENT_ID, deployment)
            .with(keys::INSTANCES, instances))
    }

    /// Checks the one boot source and returns the image reference and boot volume.
    fn boot_source(
        &self,
        body: &DeploymentRequest,
        count: u32,
    ) -> ApiResult<(ImageRef, Option<u64>)> {
        if let Some(name) = &body.image_name {
            if self.world.os_image(&body.region, name).is_none() {
                return Err(ApiError::bad_request(format!(
                    "unknown OS image `{name}` in {}",
                    body.region
                )));
            }
            return Ok((
                ImageRef {
                    name: name.clone(),
                    id: None,
                },
                None,
            ));
        }
        if let Some(image_id) = &body.image_id {
            let image = image_id
                .as_u64()
                .and_then(|i| self.world.images.get(&i))
                .ok_or_else(|| ApiError::not_found("image", image_id))?;
            if image.wire.region != body.region {
                return Err(ApiError::bad_request(format!(
                    "image {image_id} is in {}, not {}",
                    image.wire.region, body.region
                )));
            }
            if image.wire.status != snapshot_status::SUCCESS {
                return Err(ApiError::conflict(format!(
                    "image {image_id} is {}, not SUCCESS",
                    image.wire.status
                )));
            }
            return Ok((
                ImageRef {
                    name: image.wire.name.clone(),
                    id: Some(image_id.clone()),
                },
                None,
            ));
        }
        let volume_id = body.boot_volume_id.clone().unwrap_or_default();
        let (id, volume) = volume_id
            .as_u64()
            .and_then(|v| self.world.volumes.get(&v).map(|rec| (v, rec)))
            .ok_or_else(|| ApiError::not_found("volume", &volume_id))?;
        if count != 1 {
            return Err(ApiError::bad_request(
                "a boot volume can boot only one instance (count must be 1)",
            ));
        }
        if !volume.wire.bootable {
            return Err(ApiError::bad_request(format!(
                "volume {volume_id} is not bootable"
            )));
        }
        if volume.wire.region != body.region {
            return Err(ApiError::bad_request(format!(
                "volume {volume_id} is in {}, not {}",
                volume.wire.region, body.region
            )));
        }
        if volume.wire.status != volume_status::AVAILABLE {
            return Err(ApiError::conflict(format!(
                "volume {volume_id} is {}, not available",
                volume.wire.status
            )));
        }
        Ok((
            ImageRef {
                name: volume.wire.image_name.clone().unwrap_or_default(),
                id: None,
            },
            Some(id),
        ))
    }
}
