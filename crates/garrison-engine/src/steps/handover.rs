//! Handing volumes over from a VM to its create-before-destroy replacement (C3): a volume
//! attaches to one VM at a time. Once the new VM exists, the volumes are detached from the
//! old VM, attached to the new one, and the new VM is brought to its configured power; the
//! old VM's delete waits for this.

use barrack_api::{wire, Id};
use garrison_config::model::{Kind, Op, Power, Spec};
use garrison_plan::Step;

use super::Ctx;
use crate::outcome::StepError;

impl Ctx {
    pub(super) async fn hand_over(
        &self,
        step: &Step,
        from_remote_id: &str,
        volumes: &[String],
    ) -> Result<(), StepError> {
        let new_vm = self.id_of(&step.address)?;
        let (name, region, power) = match self.resource(&step.address) {
            Some(r) => match &r.spec {
                Spec::Vm(spec) => (r.name.clone(), r.region.clone(), spec.power),
                _ => return Err(format!("`{}` is not a VM in the config", step.address).into()),
            },
            None => return Err(format!("`{}` is not in the config", step.address).into()),
        };
        let ids: Vec<Id> = volumes
            .iter()
            .map(|a| self.id_of(a))
            .collect::<Result<_, _>>()?;
        let op = self.intent(
            &step.address,
            Kind::Vm,
            garrison_config::model::JournalAction::Update,
            &name,
            &region,
        )?;
        let timeout = self.timeout(Kind::Vm, Op::Update);
        let old_vm = Id::new(from_remote_id);
        let result = self.move_volumes(step, &old_vm, &new_vm, &ids).await;
        let result = match result {
            Ok(()) if power != Power::Running => {
                self.set_power(step, &new_vm, power, timeout).await
            }
            other => other,
        };
        let recorded = self
            .record_truth(op, &step.address, Kind::Vm, &new_vm)
            .await;
        result.and(recorded)
    }

    async fn move_volumes(
        &self,
        step: &Step,
        old: &Id,
        new: &Id,
        ids: &[Id],
    ) -> Result<(), StepError> {
        let c = &self.client;
        let s = StepError::from;
        let timeout = self.timeout(Kind::Volume, Op::Update);
        // Detach only what the old VM still holds (a resumed run may have done it).
        let old_volumes: Vec<Id> = match c.get_instance(old).await {
            Ok(instance) => attachments(&instance),
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let held: Vec<Id> = ids
            .iter()
            .filter(|v| old_volumes.contains(v))
            .cloned()
            .collect();
        if !held.is_empty() {
            // Detaching needs an ACTIVE VM; the old one is deleted next, so it stays awake.
            let instance = self.settle_instance(step, old, timeout).await.map_err(s)?;
            if crate::observe::power_of(&instance.status).is_some_and(|p| p != Power::Running) {
                self.set_power(step, old, Power::Running, timeout).await?;
            }
            c.detach_instance_volumes(old, &held).await.map_err(s)?;
        }
        self.waiting(step, wire::volume_status::AVAILABLE);
        for volume in ids {
            c.wait_volume_status(
                volume,
                &[wire::volume_status::AVAILABLE, wire::volume_status::IN_USE],
                timeout,
            )
            .await
            .map_err(s)?;
        }
        let attached = attachments(&c.get_instance(new).await.map_err(s)?);
        let missing: Vec<Id> = ids
            .iter()
            .filter(|v| !attached.contains(v))
            .cloned()
            .collect();
        if !missing.is_empty() {
            c.attach_instance_volumes(new, &missing).await.map_err(s)?;
        }
        Ok(())
    }
}

fn attachments(instance: &wire::Instance) -> Vec<Id> {
    instance
        .volume_attachments
        .iter()
        .map(|a| a.volume_id.clone())
        .collect()
}
