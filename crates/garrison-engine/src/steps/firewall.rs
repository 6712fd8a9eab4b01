//! Firewall membership: the API replaces a firewall's whole attachment set, so joins are
//! read-add-write under a per-firewall lock; a sleeping VM that joins is woken for it and
//! put back to sleep (one waker per VM at a time).

use std::sync::Arc;
use std::time::Duration;

use barrack_api::wire;
use barrack_api::Id;
use garrison_config::model::{JournalAction, Kind, Op, Power};
use garrison_plan::Step;

use super::Ctx;
use crate::outcome::StepError;

impl Ctx {
    pub(crate) fn firewall_lock(&self, address: &str) -> Arc<tokio::sync::Mutex<()>> {
        match self.firewall_locks.lock() {
            Ok(mut locks) => locks.entry(address.to_string()).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }

    /// Adds `vm` to the firewall's attachment set (read, add, write the whole set).
    pub(crate) async fn join_firewall(
        &self,
        firewall: &str,
        vm: &Id,
        timeout: Duration,
    ) -> Result<(), StepError> {
        let fw_id = self.id_of(firewall)?;
        let lock = self.firewall_lock(firewall);
        let _held = lock.lock().await;
        let current = self
            .client
            .get_firewall(&fw_id)
            .await
            .map_err(StepError::from)?;
        let mut ids: Vec<Id> = current
            .attachments
            .iter()
            .map(|a| a.instance_id.clone())
            .collect();
        if !ids.contains(vm) {
            ids.push(vm.clone());
        }
        self.client
            .attach_firewall(&fw_id, &ids)
            .await
            .map_err(StepError::from)?;
        self.client
            .wait_firewall_ready(&fw_id, timeout)
            .await
            .map_err(StepError::from)?;
        Ok(())
    }

    /// Attached VMs Garrison does not manage (made by hand, or let go by `state rm` or
    /// `removed destroy=#false`): the set is rewritten whole, and they stay in it. VMs of the
    /// state leave it unless the config lists them (or they are deleted with it).
    fn foreign_members(&self, attached: &std::collections::HashSet<Id>, planned: &[Id]) -> Vec<Id> {
        let let_go = |rs: &garrison_state::ResourceState| {
            rs.address.live().is_some_and(|a| {
                self.model
                    .removed
                    .iter()
                    .any(|r| !r.destroy && r.matches(a))
            })
        };
        let ours: std::collections::HashSet<String> = self
            .with_store(|s| {
                Ok(s.state()
                    .resources
                    .values()
                    .filter(|rs| rs.kind == Kind::Vm && !let_go(rs))
                    .map(|rs| rs.remote_id.to_string())
                    .collect())
            })
            .unwrap_or_default();
        let mut foreign: Vec<Id> = attached
            .iter()
            .filter(|id| !planned.contains(id) && !ours.contains(id.as_str()))
            .cloned()
            .collect();
        foreign.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        foreign
    }

    pub(crate) async fn sync_firewall(&self, step: &Step, vms: &[String]) -> Result<(), StepError> {
        let fw_id = self.id_of(&step.address)?;
        let mut vm_ids: Vec<Id> = vms
            .iter()
            .map(|a| self.id_of(a))
            .collect::<Result<_, _>>()?;
        let previous = self.previous(&step.address);
        let (name, region) = previous
            .as_ref()
            .map(|p| (p.name.clone(), p.region.clone()))
            .unwrap_or_default();
        // New members must be ACTIVE: a stopped or hibernated VM joining is woken for the
        // attachment and put back to sleep (one waker per VM at a time).
        let vm_timeout = self.timeout(Kind::Vm, Op::Update);
        let attached: std::collections::HashSet<Id> = self
            .client
            .observe_firewall(&fw_id, crate::kinds::READ_TIMEOUT)
            .await
            .map(|f| f.attachments.into_iter().map(|a| a.instance_id).collect())
            .unwrap_or_default();
        // Every member is read at once: one round of the watcher's lists answers them all.
        let settled = vm_ids
            .iter()
            .map(|vm| self.settle_instance(step, vm, vm_timeout));
        let instances = futures::future::try_join_all(settled)
            .await
            .map_err(StepError::from)?;
        let mut sleepers: Vec<(String, Id, Power)> = Vec::new();
        for ((address, vm), instance) in vms.iter().zip(&vm_ids).zip(instances) {
            if let Some(power) =
                crate::observe::power_of(&instance.status).filter(|p| *p != Power::Running)
            {
                if !attached.contains(vm) {
                    sleepers.push((address.clone(), vm.clone(), power));
                }
            }
        }
        sleepers.sort_by(|a, b| a.0.cmp(&b.0));
        vm_ids.extend(self.foreign_members(&attached, &vm_ids));
        let mut wake_guards = Vec::new();
        for (address, _, _) in &sleepers {
            wake_guards.push(
                self.firewall_lock(&format!("wake {address}"))
                    .lock_owned()
                    .await,
            );
        }
        let op = self.intent(
            &step.address,
            Kind::Firewall,
            JournalAction::Update,
            &name,
            &region,
        )?;
        let mut woken = Vec::new();
        let mut wake_failure = None;
        for (_, vm, power) in &sleepers {
            match self.set_power(step, vm, Power::Running, vm_timeout).await {
                Ok(()) => woken.push((vm.clone(), *power)),
                Err(e) => {
                    wake_failure = Some(e);
                    break;
                }
            }
        }
        let timeout = self.timeout(Kind::Firewall, Op::Update);
        let lock = self.firewall_lock(&step.address.to_string());
        let mut result = match wake_failure {
            Some(e) => Err(e),
            None => {
                let _held = lock.lock().await;
                match self.client.attach_firewall(&fw_id, &vm_ids).await {
                    Ok(_) => {
                        self.waiting(step, wire::firewall_status::SUCCESS);
                        self.client
                            .wait_firewall_ready(&fw_id, timeout)
                            .await
                            .map(drop)
                            .map_err(StepError::from)
                    }
                    Err(e) => Err(e.into()),
                }
            }
        };
        // Back to sleep, even when the attachment failed.
        for (vm, power) in woken {
            if let Err(e) = self.set_power(step, &vm, power, vm_timeout).await {
                if result.is_ok() {
                    result = Err(e);
                }
            }
        }
        drop(wake_guards);
        let recorded = self
            .record_truth(op, &step.address, Kind::Firewall, &fw_id)
            .await;
        result.and(recorded)
    }
}
