//! Life-cycles: the contract's delays, and lazy settling of due transitions in time order.
//!
//! Nothing runs in the background. Each transition is a deadline on the timeline; every
//! request first settles all transitions due by "now", so reads are deterministic and a
//! `clock/advance` walks every state it jumps over.

use barrack_wire::wire::{
    self, firewall_status, instance_status as st, snapshot_status, volume_status, Instance,
};
use barrack_wire::Id;

use crate::clock::SimMs;
use crate::sim::Sim;
use crate::world::{InstanceRec, Target};

pub(crate) use crate::delays as delay;

/// Pseudo-status of a pending instance delete: the record disappears.
pub(crate) const GONE: &str = "GONE";
/// Rule and attachment status once applied.
pub(crate) const RULE_ACTIVE: &str = "SUCCESS";

/// The power state shown next to an instance status.
pub(crate) fn power_state(status: &str) -> &'static str {
    match status {
        st::ACTIVE | st::STOPPING | st::REBOOTING | st::HIBERNATING => "RUNNING",
        st::SHUTOFF | st::STARTING => "SHUTDOWN",
        st::HIBERNATED | st::RESTORING => "HIBERNATED",
        _ => "NOSTATE",
    }
}

/// USD per hour an instance costs in its current status.
pub(crate) fn instance_rate(instance: &Instance) -> f64 {
    match instance.status.as_str() {
        st::ACTIVE | st::SHUTOFF => instance.price_per_hour,
        st::HIBERNATED => wire::HIBERNATED_PRICE_PER_HOUR,
        _ => 0.0,
    }
}

/// USD per hour of provisioned volume storage.
pub(crate) fn storage_rate(size_gb: u64) -> f64 {
    size_gb as f64 / 1000.0 * wire::VOLUME_PRICE_PER_TB_HOUR
}

/// USD per hour a volume costs in its current status (creating and error are free).
pub(crate) fn volume_rate(volume: &wire::Volume) -> f64 {
    match volume.status.as_str() {
        volume_status::AVAILABLE | volume_status::IN_USE => storage_rate(volume.size),
        _ => 0.0,
    }
}

/// USD per hour a snapshot costs (billed once it exists).
pub(crate) fn snapshot_rate(snapshot: &wire::Snapshot) -> f64 {
    if snapshot.status == snapshot_status::SUCCESS {
        snapshot.size_gb as f64 * wire::SNAPSHOT_PRICE_PER_GB_HOUR
    } else {
        0.0
    }
}

/// USD per hour a custom image costs (its storage footprint, billed once it exists).
pub(crate) fn image_rate(image: &wire::Image) -> f64 {
    if image.status == snapshot_status::SUCCESS {
        image.size_gb as f64 * wire::IMAGE_PRICE_PER_GB_HOUR
    } else {
        0.0
    }
}

/// Moves an instance to `status` at `at`: power state and billing follow.
pub(crate) fn set_instance_status(rec: &mut InstanceRec, at: SimMs, status: &str) {
    rec.wire.status = status.to_owned();
    rec.wire.power_state = power_state(status).to_owned();
    let rate = instance_rate(&rec.wire);
    rec.meter.set(at, status, rate);
}

/// A public address for an instance id (TEST-NET-3 and CGNAT-style, unique per id).
pub(crate) fn public_ip_for(id: u64) -> String {
    format!(
        "100.{}.{}.{}",
        64 + (id >> 16) % 64,
        (id >> 8) % 256,
        id % 256
    )
}

impl Sim {
    /// Applies every transition due by now, in time order, and returns now.
    pub(crate) fn settle(&mut self) -> SimMs {
        let now = self.clock.now();
        while let Some(&(at, seq, target)) = self.world.timeline.first() {
            if at > now {
                break;
            }
            self.world.timeline.pop_first();
            self.apply(at, seq, target);
        }
        now
    }

    fn apply(&mut self, at: SimMs, seq: u64, target: Target) {
        match target {
            Target::Instance(id) => self.apply_instance(at, seq, id),
            Target::Volume(id) => {
                if let Some(rec) = self.world.volumes.get_mut(&id) {
                    if let Some(p) = take_if(&mut rec.pending, seq) {
                        rec.wire.status = p.to;
                        let rate = volume_rate(&rec.wire);
                        rec.meter.set(at, &rec.wire.status, rate);
                    }
                }
            }
            Target::Firewall(id) => {
                if let Some(rec) = self.world.firewalls.get_mut(&id) {
                    if let Some(p) = take_if(&mut rec.pending, seq) {
                        rec.wire.status = p.to;
                    }
                }
            }
            Target::Attachment(firewall, instance) => {
                if let Some(rec) = self.world.firewalls.get_mut(&firewall) {
                    if rec.attaching.get(&instance).map(|p| p.seq) == Some(seq) {
                        rec.attaching.remove(&instance);
                        let instance = Id::from(instance);
                        for attachment in &mut rec.wire.attachments {
                            if attachment.instance_id == instance {
                                attachment.status = firewall_status::SUCCESS.to_owned();
                            }
                        }
                    }
                }
            }
            Target::Snapshot(id) => {
                if let Some(rec) = self.world.snapshots.get_mut(&id) {
                    if let Some(p) = take_if(&mut rec.pending, seq) {
                        rec.wire.status = p.to;
                        let rate = snapshot_rate(&rec.wire);
                        rec.meter.set(at, &rec.wire.status, rate);
                    }
                }
            }
            Target::Image(id) => {
                if let Some(rec) = self.world.images.get_mut(&id) {
                    if let Some(p) = take_if(&mut rec.pending, seq) {
                        rec.wire.status = p.to;
                        let rate = image_rate(&rec.wire);
                        rec.meter.set(at, &rec.wire.status, rate);
                    }
                }
            }
        }
    }

    fn apply_instance(&mut self, at: SimMs, seq: u64, id: u64) {
        let Some(rec) = self.world.instances.get_mut(&id) else {
            return;
        };
        let Some(pending) = take_if(&mut rec.pending, seq) else {
            return;
        };
        let to = pending.to.as_str();
        if to == GONE {
            self.remove_instance(id, at);
            return;
        }
        set_instance_status(rec, at, to);
        match to {
            st::BUILD => {
                let next = if rec.doomed { st::ERROR } else { st::ACTIVE };
                let due = at + self.delay(delay::INSTANCE_BUILD);
                let pending = self.world.schedule(Target::Instance(id), due, next);
                if let Some(rec) = self.world.instances.get_mut(&id) {
                    rec.pending = Some(pending);
                }
            }
            st::ACTIVE if rec.wire.public_ip_enabled && rec.wire.public_ip.is_none() => {
                rec.wire.public_ip = Some(public_ip_for(id));
            }
            st::ERROR | st::HIBERNATED if rec.holds_gpus => {
                rec.holds_gpus = false;
                let (region, model) = (rec.wire.region.clone(), rec.wire.gpu_model.clone());
                let gpus = rec.wire.gpu_count;
                self.world.return_gpus(&region, &model, gpus);
            }
            _ => {}
        }
    }

    /// Removes an instance and everything that hangs on it: its GPUs return to stock, its
    /// volumes become available, firewalls drop it, its bill is closed.
    pub(crate) fn remove_instance(&mut self, id: u64, at: SimMs) {
        let Some(mut rec) = self.world.instances.remove(&id) else {
            return;
        };
        rec.meter.account(at);
        self.world.closed_bills += rec.meter.incurred();
        if rec.holds_gpus {
            self.world
                .return_gpus(&rec.wire.region, &rec.wire.gpu_model, rec.wire.gpu_count);
        }
        let wire_id = Id::from(id);
        for volume in self.world.volumes.values_mut() {
            if volume.wire.instance_id.as_ref() == Some(&wire_id) {
                volume.wire.instance_id = None;
                volume.wire.status = volume_status::AVAILABLE.to_owned();
                let rate = volume_rate(&volume.wire);
                volume.meter.set(at, &volume.wire.status, rate);
            }
        }
        for firewall in self.world.firewalls.values_mut() {
            firewall
                .wire
                .attachments
                .retain(|a| a.instance_id != wire_id);
            firewall.attaching.remove(&id);
        }
    }
}

/// Takes the pending transition when it is the one with sequence number `seq`.
fn take_if(pending: &mut Option<crate::world::Pending>, seq: u64) -> Option<crate::world::Pending> {
    if pending.as_ref().map(|p| p.seq) == Some(seq) {
        pending.take()
    } else {
        None
    }
}
