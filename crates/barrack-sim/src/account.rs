//! The account as one [`AccountState`]: dumped for `GET /_sim/state`, and replaced by one
//! for `PUT /_sim/state` and [`crate::SimHandle::seed`] (a rehearsal seeds an emulator from
//! what a refresh of the real account read). Ids are preserved and the id counter moves
//! above the largest; stock and balance follow the snapshot; an object caught in a
//! transition finishes it after the contract's full delay (how far along it was is unknown).

use barrack_wire::wire::{
    self, firewall_status, instance_status as st, snapshot_status, volume_status, AccountState,
    GpuStock, Instance,
};
use barrack_wire::Id;

use crate::clock::SimMs;
use crate::lifecycle::{
    delay, image_rate, instance_rate, snapshot_rate, volume_rate, GONE, RULE_ACTIVE,
};
use crate::meter::Meter;
use crate::sim::Sim;
use crate::world::{FirewallRec, ImageRec, InstanceRec, SnapshotRec, Target, VolumeRec, World};

/// Why a snapshot cannot seed the account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    /// An id that is not a positive number (the emulator's ids are numbers).
    #[error("{kind} `{name}` has id `{id}`, not a number")]
    BadId {
        kind: &'static str,
        name: String,
        id: String,
    },
    /// Two objects of one kind share an id.
    #[error("{kind} id {id} appears twice")]
    DuplicateId { kind: &'static str, id: u64 },
}

/// The whole account now, as wire objects.
pub(crate) fn dump(sim: &mut Sim) -> AccountState {
    let now = sim.settle();
    let balance = sim.world.balance(now);
    let w = &sim.world;
    AccountState {
        instances: w.instances.values().map(|r| r.wire.clone()).collect(),
        volumes: w.volumes.values().map(|r| r.wire.clone()).collect(),
        firewalls: w.firewalls.values().map(|r| r.wire.clone()).collect(),
        ssh_keys: w.ssh_keys.values().cloned().collect(),
        scripts: w.scripts.values().cloned().collect(),
        snapshots: w.snapshots.values().map(|r| r.wire.clone()).collect(),
        images: w.images.values().map(|r| r.wire.clone()).collect(),
        balance: Some(balance),
        stock: w.stock.clone(),
        clock_ms: Some(now),
    }
}

fn id_of(kind: &'static str, name: &str, id: &Id) -> Result<u64, SeedError> {
    id.as_u64()
        .filter(|n| *n > 0)
        .ok_or_else(|| SeedError::BadId {
            kind,
            name: name.to_owned(),
            id: id.to_string(),
        })
}

/// Inserts `value` at `id`, refusing a repeated id.
fn insert<T>(
    map: &mut std::collections::BTreeMap<u64, T>,
    kind: &'static str,
    id: u64,
    value: T,
) -> Result<(), SeedError> {
    if map.insert(id, value).is_some() {
        return Err(SeedError::DuplicateId { kind, id });
    }
    Ok(())
}

impl Sim {
    /// Replaces the account with `account` (ids preserved); the clock keeps running.
    pub(crate) fn seed_account(&mut self, account: AccountState) -> Result<(), SeedError> {
        let now = self.clock.now();
        let mut world = World::seed(self.world.epoch_unix_ms, &self.catalog, &self.limits);
        world.saved_at_ms = now;
        if let Some(balance) = account.balance {
            world.initial_balance = balance;
        }
        merge_stock(&mut world.stock, &account.stock);
        let old = std::mem::replace(&mut self.world, world);
        if let Err(e) = self.fill(now, account) {
            self.world = old;
            return Err(e);
        }
        let largest = self.world.largest_id();
        self.world.next_id = largest + 1;
        self.dirty = true;
        Ok(())
    }

    fn fill(&mut self, now: SimMs, account: AccountState) -> Result<(), SeedError> {
        for wire in account.instances {
            self.seed_instance(now, wire)?;
        }
        for wire in account.volumes {
            let id = id_of("volume", &wire.name, &wire.id)?;
            let pending = self.transition(now, Target::Volume(id), &wire.status);
            let meter = Meter::start(now, &wire.status, volume_rate(&wire));
            let rec = VolumeRec {
                wire,
                pending,
                meter,
            };
            insert(&mut self.world.volumes, "volume", id, rec)?;
        }
        for wire in account.firewalls {
            self.seed_firewall(now, wire)?;
        }
        for key in account.ssh_keys {
            let id = id_of("ssh key", &key.name, &key.id)?;
            insert(&mut self.world.ssh_keys, "ssh key", id, key)?;
        }
        for script in account.scripts {
            let id = id_of("script", &script.name, &script.id)?;
            insert(&mut self.world.scripts, "script", id, script)?;
        }
        for wire in account.snapshots {
            self.seed_snapshot(now, wire)?;
        }
        for wire in account.images {
            let id = id_of("image", &wire.name, &wire.id)?;
            let pending = self.transition(now, Target::Image(id), &wire.status);
            let meter = Meter::start(now, &wire.status, image_rate(&wire));
            let rec = ImageRec {
                wire,
                pending,
                meter,
            };
            insert(&mut self.world.images, "image", id, rec)?;
        }
        Ok(())
    }

    fn seed_instance(&mut self, now: SimMs, wire: Instance) -> Result<(), SeedError> {
        let id = id_of("instance", &wire.name, &wire.id)?;
        let pending = self.transition(now, Target::Instance(id), &wire.status);
        let holds_gpus = !matches!(wire.status.as_str(), st::ERROR | st::HIBERNATED);
        let rec = InstanceRec {
            meter: Meter::start(now, &wire.status, instance_rate(&wire)),
            wire,
            pending,
            cloud_init_sha256: None,
            doomed: false,
            holds_gpus,
        };
        insert(&mut self.world.instances, "instance", id, rec)
    }

    fn seed_firewall(&mut self, now: SimMs, wire: wire::Firewall) -> Result<(), SeedError> {
        let id = id_of("firewall", &wire.name, &wire.id)?;
        let pending = self.transition(now, Target::Firewall(id), &wire.status);
        let mut attaching = std::collections::BTreeMap::new();
        for a in &wire.attachments {
            let Some(instance) = a.instance_id.as_u64() else {
                continue;
            };
            if a.status == firewall_status::ATTACHING {
                let at = now + self.delay(delay::FIREWALL_ATTACHING);
                let p = self
                    .world
                    .schedule(Target::Attachment(id, instance), at, RULE_ACTIVE);
                attaching.insert(instance, p);
            }
        }
        let rec = FirewallRec {
            wire,
            pending,
            attaching,
        };
        insert(&mut self.world.firewalls, "firewall", id, rec)
    }

    fn seed_snapshot(&mut self, now: SimMs, wire: wire::Snapshot) -> Result<(), SeedError> {
        let id = id_of("snapshot", &wire.name, &wire.id)?;
        let pending = self.transition(now, Target::Snapshot(id), &wire.status);
        // What a restore rebuilds comes from the source VM when it is still there.
        let source = wire
            .instance_id
            .as_ref()
            .and_then(Id::as_u64)
            .and_then(|i| self.world.instances.get(&i))
            .map(|r| r.wire.clone());
        let (gpu_model, gpu_count, image_name) = match source {
            Some(vm) => (vm.gpu_model, vm.gpu_count, vm.image.name),
            None => (
                self.catalog.gpu_model_names().swap_remove(0),
                1,
                self.catalog.os_images[0].clone(),
            ),
        };
        let rec = SnapshotRec {
            meter: Meter::start(now, &wire.status, snapshot_rate(&wire)),
            wire,
            pending,
            gpu_model,
            gpu_count,
            image_name,
        };
        insert(&mut self.world.snapshots, "snapshot", id, rec)
    }

    /// The transition that finishes an object found in a transitional status.
    fn transition(
        &mut self,
        now: SimMs,
        target: Target,
        status: &str,
    ) -> Option<crate::world::Pending> {
        let (seconds, to) = finish_of(target, status)?;
        let at = now + self.delay(seconds);
        Some(self.world.schedule(target, at, to))
    }
}

/// The delay and the status ending a transitional `status`, or `None` when it is stable.
fn finish_of(target: Target, status: &str) -> Option<(f64, &'static str)> {
    match target {
        Target::Instance(_) => match status {
            st::CREATING => Some((delay::INSTANCE_CREATING, st::BUILD)),
            st::BUILD => Some((delay::INSTANCE_BUILD, st::ACTIVE)),
            st::STOPPING => Some((delay::INSTANCE_STOPPING, st::SHUTOFF)),
            st::STARTING => Some((delay::INSTANCE_STARTING, st::ACTIVE)),
            st::REBOOTING => Some((delay::INSTANCE_REBOOTING, st::ACTIVE)),
            st::HIBERNATING => Some((delay::INSTANCE_HIBERNATING, st::HIBERNATED)),
            st::RESTORING => Some((delay::INSTANCE_RESTORING, st::ACTIVE)),
            st::DELETING => Some((delay::INSTANCE_DELETING, GONE)),
            _ => None,
        },
        Target::Volume(_) => (status == volume_status::CREATING)
            .then_some((delay::VOLUME_CREATING, volume_status::AVAILABLE)),
        Target::Firewall(_) => (status == firewall_status::CREATING)
            .then_some((delay::FIREWALL_CREATING, firewall_status::SUCCESS)),
        Target::Snapshot(_) => (status == snapshot_status::CREATING)
            .then_some((delay::SNAPSHOT_CREATING, snapshot_status::SUCCESS)),
        Target::Image(_) => (status == snapshot_status::CREATING)
            .then_some((delay::IMAGE_CREATING, snapshot_status::SUCCESS)),
        Target::Attachment(..) => None,
    }
}

/// Overwrites the seed stock with what the snapshot lists (total at least what is free).
fn merge_stock(stock: &mut Vec<GpuStock>, given: &[GpuStock]) {
    for g in given {
        let total = g.total.max(g.available);
        match stock
            .iter_mut()
            .find(|s| s.region == g.region && s.gpu_model == g.gpu_model)
        {
            Some(s) => {
                s.available = g.available;
                s.total = total;
            }
            None => stock.push(GpuStock { total, ..g.clone() }),
        }
    }
}

impl World {
    /// The largest id of any resource or rule (0 when the account is empty).
    pub(crate) fn largest_id(&self) -> u64 {
        let rules = self
            .firewalls
            .values()
            .flat_map(|f| &f.wire.rules)
            .chain(self.instances.values().flat_map(|i| &i.wire.security_rules))
            .filter_map(|r| r.id.as_u64())
            .max();
        let objects = [
            self.instances.keys().next_back(),
            self.volumes.keys().next_back(),
            self.firewalls.keys().next_back(),
            self.ssh_keys.keys().next_back(),
            self.scripts.keys().next_back(),
            self.snapshots.keys().next_back(),
            self.images.keys().next_back(),
        ]
        .into_iter()
        .flatten()
        .copied()
        .max();
        objects.max(rules).unwrap_or(0)
    }
}
