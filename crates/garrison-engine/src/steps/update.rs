//! An update step: in-place operations in a safe order (power up first, down last), a
//! sleeping VM woken for attachments and put back, the object re-read and recorded.

use barrack_api::wire;
use barrack_api::Id;
use garrison_config::model::{JournalAction, Kind, Op, Power, Resource, Spec};
use garrison_plan::{Step, UpdateOp};

use super::Ctx;
use crate::observe::rule_request;
use crate::outcome::StepError;

impl Ctx {
    pub(crate) async fn update(
        &self,
        step: &Step,
        remote_id: &str,
        ops: &[UpdateOp],
    ) -> Result<(), StepError> {
        let previous = self.previous(&step.address);
        let (name, region) = previous
            .as_ref()
            .map(|p| (p.name.clone(), p.region.clone()))
            .unwrap_or_else(|| (remote_id.to_string(), String::new()));
        let op = self.intent(
            &step.address,
            step.kind,
            JournalAction::Update,
            &name,
            &region,
        )?;
        let id = Id::new(remote_id);
        let timeout = self.timeout(step.kind, Op::Update);
        let mut current_power = None;
        if step.kind == Kind::Vm {
            match self.settle_instance(step, &id, timeout).await {
                Ok(instance) => current_power = crate::observe::power_of(&instance.status),
                Err(e) => {
                    let _ = self.record_truth(op, &step.address, step.kind, &id).await;
                    return Err(e.into());
                }
            }
        }
        // Attaching and detaching volumes need an ACTIVE VM. A VM that is stopped or
        // hibernated (and stays so) is woken for them and put back to sleep afterwards.
        let wanted_power = ops.iter().find_map(|o| match o {
            UpdateOp::SetPower { to, .. } => Some(*to),
            _ => None,
        });
        let needs_active = ops.iter().any(|o| {
            matches!(
                o,
                UpdateOp::AttachVolumes { .. } | UpdateOp::DetachVolumes { .. }
            )
        });
        let asleep = current_power.is_some_and(|p| p != Power::Running);
        let back_to = (needs_active && asleep && wanted_power != Some(Power::Running))
            .then(|| wanted_power.or(current_power).unwrap_or(Power::Running));
        // Power up first (attachments need ACTIVE), power down last.
        let mut ordered: Vec<&UpdateOp> = ops
            .iter()
            .filter(|o| back_to.is_none() || !matches!(o, UpdateOp::SetPower { .. }))
            .collect();
        ordered.sort_by_key(|o| match o {
            UpdateOp::SetPower {
                to: Power::Running, ..
            } => 0,
            UpdateOp::SetPower { .. } => 2,
            _ => 1,
        });
        let mut failure = None;
        if back_to.is_some() {
            if let Err(e) = self.set_power(step, &id, Power::Running, timeout).await {
                failure = Some(e);
            }
        }
        if failure.is_none() {
            for update in ordered {
                if let Err(e) = self.update_op(step, &id, update).await {
                    failure = Some(e);
                    break;
                }
            }
        }
        if let Some(power) = back_to {
            // Back to sleep even when an attachment failed: leave the VM as it was asked to be.
            if let Err(e) = self.set_power(step, &id, power, timeout).await {
                failure.get_or_insert(e);
            }
        }
        let recorded = self.record_truth(op, &step.address, step.kind, &id).await;
        match (failure, recorded) {
            (Some(e), _) => Err(e),
            (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(()),
        }
    }

    pub(crate) async fn update_op(
        &self,
        step: &Step,
        id: &Id,
        update: &UpdateOp,
    ) -> Result<(), StepError> {
        let c = &self.client;
        let timeout = self.timeout(step.kind, Op::Update);
        let s = StepError::from;
        match update {
            UpdateOp::ResizeVolume { size_gb } => {
                c.resize_volume(id, *size_gb).await.map_err(s)?;
                c.wait_volume_status(
                    id,
                    &[wire::volume_status::AVAILABLE, wire::volume_status::IN_USE],
                    timeout,
                )
                .await
                .map_err(s)?;
            }
            UpdateOp::UpdateScript => {
                let Some(
                    resource @ Resource {
                        spec: Spec::Script(spec),
                        ..
                    },
                ) = self.resource(&step.address)
                else {
                    return Err(format!("`{}` is not a script in the config", step.address).into());
                };
                let request = crate::kinds::script_request(resource, spec);
                c.update_script(id, &request).await.map_err(s)?;
            }
            UpdateOp::AddFirewallRules { rules } => {
                for rule in rules {
                    c.add_firewall_rule(id, &rule_request(rule))
                        .await
                        .map_err(s)?;
                }
            }
            UpdateOp::DeleteFirewallRules { rule_ids } => {
                for rule in rule_ids {
                    match c.delete_firewall_rule(id, &Id::new(rule)).await {
                        Err(e) if !e.is_not_found() => return Err(e.into()),
                        _ => {}
                    }
                }
            }
            UpdateOp::AddSecurityRules { rules } => {
                for rule in rules {
                    c.add_instance_security_rule(id, &rule_request(rule))
                        .await
                        .map_err(s)?;
                }
            }
            UpdateOp::DeleteSecurityRules { rule_ids } => {
                for rule in rule_ids {
                    match c.delete_instance_security_rule(id, &Id::new(rule)).await {
                        Err(e) if !e.is_not_found() => return Err(e.into()),
                        _ => {}
                    }
                }
            }
            UpdateOp::AttachVolumes { volumes } => {
                let ids: Vec<Id> = volumes
                    .iter()
                    .map(|a| self.link_id(&step.address, a))
                    .collect::<Result<_, _>>()?;
                for volume in &ids {
                    self.volume_ready(volume, timeout).await.map_err(s)?;
                }
                c.attach_instance_volumes(id, &ids).await.map_err(s)?;
            }
            UpdateOp::DetachVolumes { volume_ids } => {
                let ids: Vec<Id> = volume_ids.iter().map(Id::new).collect();
                c.detach_instance_volumes(id, &ids).await.map_err(s)?;
            }
            UpdateOp::SetPublicIp { enable } => {
                c.set_instance_public_ip(id, *enable).await.map_err(s)?;
            }
            UpdateOp::SetPower { to, .. } => {
                self.set_power(step, id, *to, timeout).await?;
            }
        }
        Ok(())
    }
}
