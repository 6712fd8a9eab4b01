//! The API work of one plan step, journaled: INTENT (fsynced) before any call that changes
//! the cloud, COMPLETION after, with the object re-read and observed. `Failed` is recorded
//! only when the operation certainly had no effect; an unknown outcome leaves the intent
//! for the next run's recovery. One file per step operation under `steps/`; what differs
//! by kind lives in `crate::kinds`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use barrack_api::Client;
use garrison_config::model::{Model, StateKey};
use garrison_plan::{Step, StepOp};
use garrison_state::{Outcome, Store};

use crate::event::EventSink;
use crate::outcome::StepError;

mod after;
mod create;
mod delete;
mod firewall;
mod handover;
mod importing;
mod journal;
mod moving;
mod power;
mod ready;
mod update;

pub(crate) use create::{classify, exists, CreateFailure};

/// Everything a step needs.
pub(crate) struct Ctx {
    pub(crate) client: Client,
    pub(crate) model: Arc<Model>,
    pub(crate) store: Arc<Mutex<Store>>,
    pub(crate) sink: EventSink,
    /// Serializes read-modify-write of a firewall's attachment set (the API replaces it).
    firewall_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Addresses replaced create-before-destroy: their create deposes the old object.
    create_before_destroy: std::collections::HashSet<StateKey>,
    /// VM address -> volumes its create leaves out: a later step hands them over from the
    /// VM it replaces (C3).
    handed_over: HashMap<StateKey, Vec<String>>,
    /// Generated ssh keys adopted without their private key in this run (C7).
    lost_keys: Mutex<std::collections::HashSet<StateKey>>,
    /// Run VMs' `ready-when` commands (not in a rehearsal).
    pub(crate) readiness: bool,
}

impl Ctx {
    pub(crate) fn new(
        client: Client,
        model: Arc<Model>,
        store: Arc<Mutex<Store>>,
        sink: EventSink,
        steps: &[Step],
    ) -> Self {
        let create_before_destroy = steps
            .iter()
            .filter(|s| s.create_before_destroy)
            .map(|s| s.address.clone())
            .collect();
        let handed_over = steps
            .iter()
            .filter_map(|s| match &s.op {
                StepOp::HandOverVolumes { volumes, .. } => {
                    Some((s.address.clone(), volumes.clone()))
                }
                _ => None,
            })
            .collect();
        Ctx {
            handed_over,
            client,
            model,
            store,
            sink,
            create_before_destroy,
            firewall_locks: Mutex::new(HashMap::new()),
            lost_keys: Mutex::default(),
            readiness: true,
        }
    }

    /// Runs one step to its recorded end; `Err` is the message for the report.
    pub(crate) async fn run(&self, step: &Step) -> Result<(), StepError> {
        match &step.op {
            StepOp::Create => {
                self.create(step).await?;
                if self.readiness {
                    if let Err(e) = self.ready(step).await {
                        self.mark_not_ready(step)?;
                        return Err(e);
                    }
                }
                self.postconditions(step)
            }
            StepOp::Delete { remote_id } => self.delete(step, remote_id).await,
            StepOp::Update { remote_id, ops } => {
                self.update(step, remote_id, ops).await?;
                self.postconditions(step)
            }
            StepOp::Forget => {
                let op = self.with_store(|s| Ok(s.next_op()))?;
                self.record(op, &step.address, Outcome::Deleted)
            }
            StepOp::SyncFirewallAttachments { vms } => self.sync_firewall(step, vms).await,
            StepOp::Move { from } => self.move_entry(step, from),
            StepOp::Import { remote_id } => self.import_entry(step, remote_id).await,
            StepOp::Settle { remote_id } => self.settle(step, remote_id).await,
            StepOp::HandOverVolumes {
                from_remote_id,
                volumes,
            } => self.hand_over(step, from_remote_id, volumes).await,
        }
    }

    /// The volumes a later hand-over brings to the VM at `address` (C3), if any.
    pub(crate) fn handed_over(&self, address: &StateKey) -> Option<&Vec<String>> {
        self.handed_over.get(address)
    }

    /// Remembers that the generated key at `address` was adopted without its private key.
    pub(crate) fn lose_private_key(&self, address: &StateKey) {
        if let Ok(mut keys) = self.lost_keys.lock() {
            keys.insert(address.clone());
        }
    }
}
