//! Instance operations: deploy, read, life-cycle actions, rules, volumes, billing.

use barrack_wire::wire::{
    self, instance_status as st, keys, snapshot_status, volume_status, Billing, DeploymentRequest,
    Firewall, ImageRef, Instance, PublicIpRequest, Rule, RuleRequest, VolumeAttachment,
    VolumeIdsRequest,
};
use barrack_wire::Id;
use sha2::{Digest, Sha256};

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::{delay, public_ip_for, set_instance_status, GONE, RULE_ACTIVE};
use crate::meter::Meter;
use crate::request::Req;
use crate::seed;
use crate::sim::Sim;
use crate::validate;
use crate::world::{InstanceRec, Target};

/// Most VMs one deployment may create.
const MAX_DEPLOY_COUNT: u32 = 20;

/// A life-cycle action: allowed source states, the transitional state, the target.
#[derive(Clone, Copy, Debug)]
struct Action {
    verb: &'static str,
    from: &'static [&'static str],
    via: &'static str,
    to: &'static str,
    seconds: f64,
}

const DELETE: Action = Action {
    verb: "delete",
    from: &[st::ACTIVE, st::SHUTOFF, st::HIBERNATED, st::ERROR],
    via: st::DELETING,
    to: GONE,
    seconds: delay::INSTANCE_DELETING,
};

const START: Action = Action {
    verb: "start",
    from: &[st::SHUTOFF],
    via: st::STARTING,
    to: st::ACTIVE,
    seconds: delay::INSTANCE_STARTING,
};

const STOP: Action = Action {
    verb: "stop",
    from: &[st::ACTIVE],
    via: st::STOPPING,
    to: st::SHUTOFF,
    seconds: delay::INSTANCE_STOPPING,
};

const REBOOT: Action = Action {
    verb: "reboot",
    from: &[st::ACTIVE],
    via: st::REBOOTING,
    to: st::ACTIVE,
    seconds: delay::INSTANCE_REBOOTING,
};

const HIBERNATE: Action = Action {
    verb: "hibernate",
    from: &[st::ACTIVE, st::SHUTOFF],
    via: st::HIBERNATING,
    to: st::HIBERNATED,
    seconds: delay::INSTANCE_HIBERNATING,
};

const RESTORE: Action = Action {
    verb: "restore",
    from: &[st::HIBERNATED],
    via: st::RESTORING,
    to: st::ACTIVE,
    seconds: delay::INSTANCE_RESTORING,
};

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
        let spec = seed::gpu_spec(&new.gpu_model).unwrap_or_default();
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
        validate::region(&body.region)?;
        let price = wire::gpu_price(&body.gpu_model).ok_or_else(|| {
            ApiError::bad_request(format!("unknown gpu_model `{}`", body.gpu_model))
        })?;
        if !wire::GPU_COUNTS.contains(&body.gpu_count) {
            return Err(ApiError::bad_request(format!(
                "gpu_count must be one of 1, 2, 4, 8, got {}",
                body.gpu_count
            )));
        }
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
            validate::rule(rule)?;
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
            if !wire::OS_IMAGES.contains(&name.as_str()) {
                return Err(ApiError::bad_request(format!("unknown OS image `{name}`")));
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

    pub(super) fn instance(&self, req: &Req) -> ApiResult<(u64, &InstanceRec)> {
        let id = req.id("instance")?;
        self.world
            .instances
            .get(&id)
            .map(|rec| (id, rec))
            .ok_or_else(|| ApiError::not_found("instance", id))
    }

    fn instance_mut(&mut self, req: &Req) -> ApiResult<(u64, &mut InstanceRec)> {
        let id = req.id("instance")?;
        self.world
            .instances
            .get_mut(&id)
            .map(|rec| (id, rec))
            .ok_or_else(|| ApiError::not_found("instance", id))
    }

    pub(super) fn list_instances(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region()?;
        let list: Vec<&Instance> = self
            .world
            .instances
            .values()
            .map(|rec| &rec.wire)
            .filter(|i| region.is_none_or(|r| r == i.region))
            .collect();
        Ok(Envelope::ok("Instances retrieved").page(keys::INSTANCES, list, req.paging()?))
    }

    pub(super) fn get_instance(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (_, rec) = self.instance(req)?;
        Ok(Envelope::ok("Instance retrieved").with(keys::INSTANCE, &rec.wire))
    }

    /// Moves an instance in one of `action.from` to `action.via` now, and to `action.to`
    /// after `action.seconds`.
    fn instance_action(&mut self, now: SimMs, req: &Req, action: &Action) -> ApiResult<Envelope> {
        let Action {
            verb,
            from,
            via,
            to,
            seconds,
        } = *action;
        let (id, rec) = self.instance(req)?;
        if !from.contains(&rec.wire.status.as_str()) {
            return Err(ApiError::conflict(format!(
                "cannot {verb} instance {id} in status {}; it must be {}",
                rec.wire.status,
                from.join(" or ")
            )));
        }
        let due = now + self.delay(seconds);
        let pending = self.world.schedule(Target::Instance(id), due, to);
        let (_, rec) = self.instance_mut(req)?;
        set_instance_status(rec, now, via);
        rec.pending = Some(pending);
        let wire = rec.wire.clone();
        self.dirty = true;
        Ok(Envelope::ok(format!("Instance {verb} requested")).with(keys::INSTANCE, wire))
    }

    pub(super) fn delete_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.instance(req)?;
        if rec.wire.status == st::DELETING {
            return Ok(
                Envelope::ok(format!("Instance {id} is already being deleted"))
                    .with(keys::INSTANCE, &rec.wire),
            );
        }
        self.instance_action(now, req, &DELETE)
    }

    pub(super) fn start_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        self.instance_action(now, req, &START)
    }

    pub(super) fn stop_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        self.instance_action(now, req, &STOP)
    }

    pub(super) fn reboot_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        self.instance_action(now, req, &REBOOT)
    }

    pub(super) fn hibernate_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        self.instance_action(now, req, &HIBERNATE)
    }

    /// Restore takes the GPUs back from stock (hibernation released them).
    pub(super) fn restore_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.instance(req)?;
        if rec.wire.status != st::HIBERNATED {
            return Err(ApiError::conflict(format!(
                "cannot restore instance {id} in status {}; it must be HIBERNATED",
                rec.wire.status
            )));
        }
        let (region, model, gpus) = (
            rec.wire.region.clone(),
            rec.wire.gpu_model.clone(),
            rec.wire.gpu_count,
        );
        let needs_gpus = !rec.holds_gpus;
        if needs_gpus {
            self.reserve(now, &region, &model, gpus, 0.0)?;
        }
        if let Some(rec) = self.world.instances.get_mut(&id) {
            rec.holds_gpus = true;
        }
        self.instance_action(now, req, &RESTORE)
    }

    pub(super) fn set_public_ip(&mut self, req: &Req) -> ApiResult<Envelope> {
        let body: PublicIpRequest = req.json()?;
        let (id, rec) = self.instance_mut(req)?;
        if !matches!(rec.wire.status.as_str(), st::ACTIVE | st::SHUTOFF) {
            return Err(ApiError::conflict(format!(
                "cannot change the public IP of instance {id} in status {}; it must be ACTIVE \
                 or SHUTOFF",
                rec.wire.status
            )));
        }
        rec.wire.public_ip_enabled = body.enable;
        rec.wire.public_ip = body.enable.then(|| public_ip_for(id));
        let wire = rec.wire.clone();
        self.dirty = true;
        Ok(Envelope::ok("Public IP updated").with(keys::INSTANCE, wire))
    }

    pub(super) fn count_hibernated(&mut self) -> Envelope {
        let count = self
            .world
            .instances
            .values()
            .filter(|i| i.wire.status == st::HIBERNATED)
            .count();
        Envelope::ok("Hibernated instances counted").with(keys::COUNT, count)
    }

    pub(super) fn add_security_rule(&mut self, req: &Req) -> ApiResult<Envelope> {
        let body: RuleRequest = req.json()?;
        validate::rule(&body)?;
        let rule_id = self.world.new_id();
        let (id, rec) = self.instance_mut(req)?;
        if matches!(rec.wire.status.as_str(), st::DELETING | st::ERROR) {
            return Err(ApiError::conflict(format!(
                "cannot add a security rule to instance {id} in status {}",
                rec.wire.status
            )));
        }
        let rule = rule_from(rule_id, &body);
        rec.wire.security_rules.push(rule.clone());
        self.dirty = true;
        Ok(Envelope::ok("Security rule added").with(keys::SECURITY_RULE, rule))
    }

    pub(super) fn delete_security_rule(&mut self, req: &Req) -> ApiResult<Envelope> {
        let rule_id = Id::from(req.param("rule_id", "security rule")?);
        let (_, rec) = self.instance_mut(req)?;
        let before = rec.wire.security_rules.len();
        rec.wire.security_rules.retain(|r| r.id != rule_id);
        if rec.wire.security_rules.len() == before {
            return Err(ApiError::not_found("security rule", rule_id));
        }
        self.dirty = true;
        Ok(Envelope::ok(format!("Security rule {rule_id} removed")))
    }

    pub(super) fn list_instance_firewalls(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (id, _) = self.instance(req)?;
        let id = Id::from(id);
        let list: Vec<&Firewall> = self
            .world
            .firewalls
            .values()
            .map(|f| &f.wire)
            .filter(|f| f.attachments.iter().any(|a| a.instance_id == id))
            .collect();
        Ok(Envelope::ok("Firewalls retrieved").page(keys::FIREWALLS, list, req.paging()?))
    }

    pub(super) fn instance_billing(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.instance_mut(req)?;
        rec.meter.account(now);
        let billing = Billing {
            resource_id: Id::from(id),
            resource_type: "instance".to_owned(),
            price_per_hour: rec.meter.rate(),
            incurred_bill: rec.meter.incurred(),
            usage_minutes: rec.meter.usage_minutes(),
        };
        Ok(Envelope::ok("Billing retrieved").with(keys::BILLING, billing))
    }

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

/// A rule as the API returns it.
pub(super) fn rule_from(id: u64, rule: &RuleRequest) -> Rule {
    Rule {
        id: Id::from(id),
        direction: rule.direction.clone(),
        ethertype: rule.ethertype.clone(),
        protocol: rule.protocol.clone(),
        port_range_min: rule.port_range_min,
        port_range_max: rule.port_range_max,
        remote_ip_prefix: rule.remote_ip_prefix.clone(),
        status: RULE_ACTIVE.to_owned(),
    }
}
