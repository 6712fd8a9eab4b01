//! The account's stored state: every resource record, the GPU stock and the balance ledger.
//!
//! This is what `--state-file` holds. Records keep the resource's wire object plus what the
//! API does not show (pending transition, billing meter, cloud-init hash, fate).

use std::collections::{BTreeMap, BTreeSet};

use barrack_wire::wire::{
    Firewall, GpuStock, Image, Instance, OsImage, Script, Snapshot, SshKey, Volume,
};
use barrack_wire::Catalog;
use serde::{Deserialize, Serialize};

use crate::clock::SimMs;
use crate::limits::Limits;
use crate::meter::Meter;

/// Version of the state file's layout.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// A transition scheduled for a resource: at `at`, move to status `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pending {
    pub(crate) at: SimMs,
    pub(crate) seq: u64,
    pub(crate) to: String,
}

/// What a timeline entry moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Target {
    Instance(u64),
    Volume(u64),
    Firewall(u64),
    /// Firewall id, instance id.
    Attachment(u64, u64),
    Snapshot(u64),
    Image(u64),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct InstanceRec {
    pub(crate) wire: Instance,
    pub(crate) pending: Option<Pending>,
    pub(crate) meter: Meter,
    /// The API never returns cloud-init; the emulator keeps its hash only.
    pub(crate) cloud_init_sha256: Option<String>,
    /// Decided at create time by the `operation_error` fault: the build ends in ERROR.
    pub(crate) doomed: bool,
    /// The VM's GPUs are taken from stock (not while HIBERNATED, ERROR or gone).
    pub(crate) holds_gpus: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct VolumeRec {
    pub(crate) wire: Volume,
    pub(crate) pending: Option<Pending>,
    pub(crate) meter: Meter,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct FirewallRec {
    pub(crate) wire: Firewall,
    pub(crate) pending: Option<Pending>,
    /// Attachments still ATTACHING, by instance id.
    pub(crate) attaching: BTreeMap<u64, Pending>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SnapshotRec {
    pub(crate) wire: Snapshot,
    pub(crate) pending: Option<Pending>,
    pub(crate) meter: Meter,
    /// What a restore rebuilds: the source VM's GPU configuration and image.
    pub(crate) gpu_model: String,
    pub(crate) gpu_count: u32,
    pub(crate) image_name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ImageRec {
    pub(crate) wire: Image,
    pub(crate) pending: Option<Pending>,
    /// Storage billing (worlds saved before images were billed have none).
    #[serde(default)]
    pub(crate) meter: Meter,
}

/// Everything in the simulated account.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct World {
    pub(crate) format_version: u32,
    /// Simulated time when this was saved; the clock resumes from here after a restart.
    pub(crate) saved_at_ms: SimMs,
    /// Wall-clock time (Unix ms) of simulated time 0, for `created_at`.
    pub(crate) epoch_unix_ms: i64,
    pub(crate) next_id: u64,
    pub(crate) next_seq: u64,
    pub(crate) next_deployment: u64,
    pub(crate) initial_balance: f64,
    /// Bills of resources that no longer exist.
    pub(crate) closed_bills: f64,
    pub(crate) stock: Vec<GpuStock>,
    /// The stock OS images of every region: the catalog's at seed, renamed by
    /// `PATCH /_sim/os-images/{id}` (worlds saved before this field get the seed list).
    #[serde(default = "crate::seed::builtin_os_images")]
    pub(crate) os_images: Vec<OsImage>,
    pub(crate) instances: BTreeMap<u64, InstanceRec>,
    pub(crate) volumes: BTreeMap<u64, VolumeRec>,
    pub(crate) firewalls: BTreeMap<u64, FirewallRec>,
    pub(crate) ssh_keys: BTreeMap<u64, SshKey>,
    pub(crate) scripts: BTreeMap<u64, Script>,
    pub(crate) snapshots: BTreeMap<u64, SnapshotRec>,
    pub(crate) images: BTreeMap<u64, ImageRec>,
    /// Pending transitions in time order; rebuilt from the records after a load.
    #[serde(skip)]
    pub(crate) timeline: BTreeSet<(SimMs, u64, Target)>,
}

impl World {
    /// An empty account with the stock and balance of `limits`.
    pub(crate) fn seed(epoch_unix_ms: i64, catalog: &Catalog, limits: &Limits) -> Self {
        let per_model = limits.gpu_stock;
        let stock = catalog
            .regions
            .iter()
            .flat_map(|region| {
                catalog.gpu_models.iter().map(move |model| GpuStock {
                    region: region.clone(),
                    gpu_model: model.name.clone(),
                    available: per_model,
                    total: per_model,
                })
            })
            .collect();
        World {
            format_version: FORMAT_VERSION,
            saved_at_ms: 0,
            epoch_unix_ms,
            next_id: 1,
            next_seq: 1,
            next_deployment: 1_000_001,
            initial_balance: limits.balance,
            closed_bills: 0.0,
            stock,
            os_images: crate::seed::all_os_images(catalog),
            instances: BTreeMap::new(),
            volumes: BTreeMap::new(),
            firewalls: BTreeMap::new(),
            ssh_keys: BTreeMap::new(),
            scripts: BTreeMap::new(),
            snapshots: BTreeMap::new(),
            images: BTreeMap::new(),
            timeline: BTreeSet::new(),
        }
    }

    /// Rebuilds the timeline from the records' pending transitions (after a load).
    pub(crate) fn rebuild_timeline(&mut self) {
        let mut timeline = BTreeSet::new();
        let mut add = |pending: &Option<Pending>, target: Target| {
            if let Some(p) = pending {
                timeline.insert((p.at, p.seq, target));
            }
        };
        for (id, rec) in &self.instances {
            add(&rec.pending, Target::Instance(*id));
        }
        for (id, rec) in &self.volumes {
            add(&rec.pending, Target::Volume(*id));
        }
        for (id, rec) in &self.firewalls {
            add(&rec.pending, Target::Firewall(*id));
            for (instance, p) in &rec.attaching {
                add(&Some(p.clone()), Target::Attachment(*id, *instance));
            }
        }
        for (id, rec) in &self.snapshots {
            add(&rec.pending, Target::Snapshot(*id));
        }
        for (id, rec) in &self.images {
            add(&rec.pending, Target::Image(*id));
        }
        self.timeline = timeline;
    }

    pub(crate) fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Schedules a transition of `target` to `to` at `at`; the caller stores the result.
    pub(crate) fn schedule(&mut self, target: Target, at: SimMs, to: &str) -> Pending {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.timeline.insert((at, seq, target));
        Pending {
            at,
            seq,
            to: to.to_owned(),
        }
    }

    /// The OS image called `name` in `region`, as listed now.
    pub(crate) fn os_image(&self, region: &str, name: &str) -> Option<&OsImage> {
        self.os_images
            .iter()
            .find(|i| i.region == region && i.name == name)
    }

    pub(crate) fn stock_mut(&mut self, region: &str, model: &str) -> Option<&mut GpuStock> {
        self.stock
            .iter_mut()
            .find(|s| s.region == region && s.gpu_model == model)
    }

    /// Gives `gpus` of `model` back to the region's stock.
    pub(crate) fn return_gpus(&mut self, region: &str, model: &str, gpus: u32) {
        if let Some(stock) = self.stock_mut(region, model) {
            stock.available = stock.available.saturating_add(gpus).min(stock.total);
        }
    }

    /// Brings every meter up to `now` and returns the balance.
    pub(crate) fn balance(&mut self, now: SimMs) -> f64 {
        let mut spent = self.closed_bills;
        for rec in self.instances.values_mut() {
            rec.meter.account(now);
            spent += rec.meter.incurred();
        }
        for rec in self.volumes.values_mut() {
            rec.meter.account(now);
            spent += rec.meter.incurred();
        }
        for rec in self.snapshots.values_mut() {
            rec.meter.account(now);
            spent += rec.meter.incurred();
        }
        for rec in self.images.values_mut() {
            rec.meter.account(now);
            spent += rec.meter.incurred();
        }
        self.initial_balance - spent
    }
}
