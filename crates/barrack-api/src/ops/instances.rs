//! Instance operations, including power actions that reconcile an unknown outcome by re-reading.

use crate::client::{to_body, Client, Response};
use crate::create::Created;
use crate::error::Error;
use crate::id::Id;
use crate::retry::Budget;
use crate::routes::Op;
use crate::wire::{
    instance_status as st, keys, Billing, Deployment, DeploymentRequest, Firewall, HibernatedCount,
    Instance, PublicIpRequest, Rule, RuleRequest, VolumeIdsRequest,
};

impl Client {
    /// `POST /instances`. Never duplicates: an unknown outcome is resolved by listing the
    /// instances and adopting the ones named `request.name` (then `deployment_id` is empty).
    pub async fn deploy_instance(
        &self,
        request: &DeploymentRequest,
    ) -> Result<Created<Deployment>, Error> {
        let body = to_body(Op::DeployInstances, request)?;
        self.create_adopting(
            Op::DeployInstances,
            &[],
            &body,
            Op::ListInstances,
            &request.name,
            |instances: Vec<Instance>| {
                (!instances.is_empty()).then(|| Deployment {
                    deployment_id: String::new(),
                    instances,
                })
            },
        )
        .await
    }

    /// `GET /instances`, every page.
    pub async fn list_instances(&self) -> Result<Vec<Instance>, Error> {
        self.all(Op::ListInstances, &[]).await
    }

    /// `GET /instances/{id}`.
    pub async fn get_instance(&self, id: &Id) -> Result<Instance, Error> {
        self.on(Op::GetInstance, id, None).await
    }

    /// `DELETE /instances/{id}`.
    pub async fn delete_instance(&self, id: &Id) -> Result<(), Error> {
        self.unit_on(Op::DeleteInstance, id, None).await
    }

    /// `POST /instances/{id}/start` (SHUTOFF -> STARTING -> ACTIVE).
    pub async fn start_instance(&self, id: &Id) -> Result<Instance, Error> {
        self.power_action(
            Op::StartInstance,
            id,
            &[st::STARTING, st::ACTIVE],
            &[st::SHUTOFF],
        )
        .await
    }

    /// `POST /instances/{id}/stop` (ACTIVE -> STOPPING -> SHUTOFF).
    pub async fn stop_instance(&self, id: &Id) -> Result<Instance, Error> {
        self.power_action(
            Op::StopInstance,
            id,
            &[st::STOPPING, st::SHUTOFF],
            &[st::ACTIVE],
        )
        .await
    }

    /// `POST /instances/{id}/reboot` (ACTIVE -> REBOOTING -> ACTIVE). After an unknown
    /// outcome only `REBOOTING` proves it happened; an `ACTIVE` instance returns the error.
    pub async fn reboot_instance(&self, id: &Id) -> Result<Instance, Error> {
        self.power_action(Op::RebootInstance, id, &[st::REBOOTING], &[])
            .await
    }

    /// `POST /instances/{id}/hibernate` (ACTIVE -> HIBERNATING -> HIBERNATED).
    pub async fn hibernate_instance(&self, id: &Id) -> Result<Instance, Error> {
        self.power_action(
            Op::HibernateInstance,
            id,
            &[st::HIBERNATING, st::HIBERNATED],
            &[st::ACTIVE],
        )
        .await
    }

    /// `POST /instances/{id}/restore` (HIBERNATED -> RESTORING -> ACTIVE).
    pub async fn restore_instance(&self, id: &Id) -> Result<Instance, Error> {
        self.power_action(
            Op::RestoreInstance,
            id,
            &[st::RESTORING, st::ACTIVE],
            &[st::HIBERNATED],
        )
        .await
    }

    /// `POST /instances/{id}/public-ip` with `{"enable": bool}` (idempotent).
    pub async fn set_instance_public_ip(&self, id: &Id, enable: bool) -> Result<Instance, Error> {
        let body = to_body(Op::SetInstancePublicIp, &PublicIpRequest { enable })?;
        let response = self
            .send(Op::SetInstancePublicIp, &[id.as_str()], &[], Some(&body))
            .await?;
        self.instance_result(response, id).await
    }

    /// `GET /instances/hibernated/count`.
    pub async fn count_hibernated_instances(&self) -> Result<u64, Error> {
        let mut response = self
            .send(Op::CountHibernatedInstances, &[], &[], None)
            .await?;
        match response.body.get(keys::COUNT) {
            Some(serde_json::Value::Object(_)) => Ok(response.decode::<HibernatedCount>()?.count),
            _ => response.decode(),
        }
    }

    /// `POST /instances/{id}/security-rules`. Not idempotent: an unknown outcome is
    /// returned as the error (re-read the instance's rules before trying again).
    pub async fn add_instance_security_rule(
        &self,
        id: &Id,
        rule: &RuleRequest,
    ) -> Result<Rule, Error> {
        let body = to_body(Op::AddInstanceSecurityRule, rule)?;
        self.on(Op::AddInstanceSecurityRule, id, Some(&body)).await
    }

    /// `DELETE /instances/{id}/security-rules/{rule_id}`.
    pub async fn delete_instance_security_rule(&self, id: &Id, rule_id: &Id) -> Result<(), Error> {
        self.call_unit(
            Op::DeleteInstanceSecurityRule,
            &[id.as_str(), rule_id.as_str()],
            None,
        )
        .await
    }

    /// `GET /instances/{id}/firewalls`.
    pub async fn list_instance_firewalls(&self, id: &Id) -> Result<Vec<Firewall>, Error> {
        self.all(Op::ListInstanceFirewalls, &[id.as_str()]).await
    }

    /// `GET /instances/{id}/billing`.
    pub async fn get_instance_billing(&self, id: &Id) -> Result<Billing, Error> {
        self.on(Op::GetInstanceBilling, id, None).await
    }

    /// `POST /instances/{id}/volumes/attach`. Not idempotent: an unknown outcome is
    /// returned as the error.
    pub async fn attach_instance_volumes(
        &self,
        id: &Id,
        volume_ids: &[Id],
    ) -> Result<Instance, Error> {
        self.volume_action(Op::AttachInstanceVolumes, id, volume_ids)
            .await
    }

    /// `POST /instances/{id}/volumes/detach`. Not idempotent: an unknown outcome is
    /// returned as the error.
    pub async fn detach_instance_volumes(
        &self,
        id: &Id,
        volume_ids: &[Id],
    ) -> Result<Instance, Error> {
        self.volume_action(Op::DetachInstanceVolumes, id, volume_ids)
            .await
    }

    async fn volume_action(&self, op: Op, id: &Id, volume_ids: &[Id]) -> Result<Instance, Error> {
        let body = to_body(
            op,
            &VolumeIdsRequest {
                volume_ids: volume_ids.to_vec(),
            },
        )?;
        let response = self.send(op, &[id.as_str()], &[], Some(&body)).await?;
        self.instance_result(response, id).await
    }

    /// The instance in an action's answer; re-read when the answer has none.
    async fn instance_result(&self, mut response: Response, id: &Id) -> Result<Instance, Error> {
        if response.has_key(keys::INSTANCE) {
            response.decode_key(Some(keys::INSTANCE))
        } else {
            self.get_instance(id).await
        }
    }

    /// A power action. These are not idempotent, so an unknown outcome (timeout, dropped
    /// connection, 5xx) is never blindly resent: the instance is re-read; a status in
    /// `done` means the action took effect (success), a status in `before` means it did
    /// not (sent again, within the retry budget); anything else returns the error. A 409
    /// after an unknown outcome is resolved the same way.
    async fn power_action(
        &self,
        op: Op,
        id: &Id,
        done: &[&str],
        before: &[&str],
    ) -> Result<Instance, Error> {
        let mut budget = Budget::new(&self.config().retry);
        let mut unknown_before = false;
        loop {
            let failure = match self.send(op, &[id.as_str()], &[], None).await {
                Ok(response) => return self.instance_result(response, id).await,
                Err(e) => e,
            };
            if !(failure.outcome_unknown() || (unknown_before && failure.is_conflict())) {
                return Err(failure);
            }
            unknown_before = true;
            let instance = self.get_instance(id).await?;
            if done.contains(&instance.status.as_str()) {
                tracing::info!(op = ?op, id = %id, status = %instance.status,
                    "action outcome was unknown; the instance shows it took effect");
                return Ok(instance);
            }
            if failure.is_conflict() || !before.contains(&instance.status.as_str()) {
                return Err(failure);
            }
            match budget.next_delay(failure.retry_after()) {
                Some(delay) => tokio::time::sleep(delay).await,
                None => {
                    return Err(Error::RetryBudgetExhausted {
                        method: op.route().method,
                        url: self.url(op, &[id.as_str()])?,
                        attempts: budget.attempts(),
                        elapsed: budget.elapsed(),
                        last: Box::new(failure),
                    })
                }
            }
        }
    }
}
