//! VM power and readiness: the power state machine (two hops where needed), waiting for
//! an instance to settle and for a volume to be attachable.

use std::time::Duration;

use barrack_api::wire::{self, instance_status as st};
use barrack_api::Id;
use garrison_config::model::Power;
use garrison_plan::Step;

use super::Ctx;
use crate::observe::power_of;
use crate::outcome::StepError;

impl Ctx {
    /// Brings a VM to `to` from whatever stable power it has now (two hops where needed:
    /// stopped <-> hibernated goes through running).
    pub(crate) async fn set_power(
        &self,
        step: &Step,
        id: &Id,
        to: Power,
        timeout: Duration,
    ) -> Result<(), StepError> {
        let c = &self.client;
        let stable = [st::ACTIVE, st::SHUTOFF, st::HIBERNATED];
        let mut instance = c.get_instance(id).await.map_err(StepError::from)?;
        if !stable.contains(&instance.status.as_str()) {
            self.waiting(step, "a stable status");
            instance = c
                .wait_instance_status(id, &stable, timeout)
                .await
                .map_err(StepError::from)?;
        }
        let mut from = power_of(&instance.status).unwrap_or(Power::Running);
        while from != to {
            let (next, target) = match (from, to) {
                (Power::Running, Power::Stopped) => {
                    c.stop_instance(id).await.map_err(StepError::from)?;
                    (Power::Stopped, st::SHUTOFF)
                }
                (Power::Running, Power::Hibernated) => {
                    c.hibernate_instance(id).await.map_err(StepError::from)?;
                    (Power::Hibernated, st::HIBERNATED)
                }
                (Power::Stopped, _) => {
                    c.start_instance(id).await.map_err(StepError::from)?;
                    (Power::Running, st::ACTIVE)
                }
                (Power::Hibernated, _) => {
                    c.restore_instance(id).await.map_err(StepError::from)?;
                    (Power::Running, st::ACTIVE)
                }
                (Power::Running, Power::Running) => break,
            };
            self.waiting(step, target);
            c.wait_instance_status(id, &[target], timeout)
                .await
                .map_err(StepError::from)?;
            from = next;
        }
        Ok(())
    }

    /// Waits until a volume is out of `creating` (available, or in-use elsewhere: the
    /// attach then fails with the API's own message).
    pub(crate) async fn volume_ready(
        &self,
        id: &Id,
        timeout: Duration,
    ) -> Result<(), barrack_api::Error> {
        self.client
            .wait_volume_status(
                id,
                &[wire::volume_status::AVAILABLE, wire::volume_status::IN_USE],
                timeout,
            )
            .await
            .map(|_| ())
    }

    /// Waits while an instance is in a transitional status (CREATING, HIBERNATING, ...):
    /// the API refuses actions until it settles. An instance adopted from an interrupted
    /// run is typically still CREATING.
    pub(crate) async fn settle_instance(
        &self,
        step: &Step,
        id: &Id,
        timeout: std::time::Duration,
    ) -> Result<wire::Instance, barrack_api::Error> {
        let c = &self.client;
        let current = c.observe_instance(id, timeout).await?;
        if !wire::instance_status::is_transitional(&current.status)
            || current.status == wire::instance_status::DELETING
        {
            return Ok(current);
        }
        self.waiting(step, "a stable status");
        c.wait_instance_settled(id, timeout).await
    }
}
