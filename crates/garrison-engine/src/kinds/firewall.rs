//! Firewalls: created, then their rules added one by one; members are set by the
//! attachment steps (the API replaces the whole set), and detached before a delete.

use std::time::Duration;

use barrack_api::wire::{self, firewall_status, CreateFirewallRequest};
use barrack_api::{Client, Error, Id};
use garrison_config::model::{FirewallSpec, Kind, Op, Resource};
use garrison_plan::desired::Attrs;
use garrison_plan::schema::{self, firewall};
use garrison_plan::Step;
use serde_json::{json, Value};

use super::{unique_rules, EngineKind};
use crate::observe::{id_set, rule_request, rules};
use crate::remote::RemoteObject;
use crate::steps::{exists, CreateFailure, Ctx};

/// The `firewall` kind.
pub(crate) struct Firewall;

impl EngineKind for Firewall {
    type Object = wire::Firewall;
    type Spec = FirewallSpec;
    const LIST: barrack_api::Op = barrack_api::Op::ListFirewalls;

    super::wire_members!(Firewall, wire::Firewall, firewalls);

    async fn fetch(client: &Client, id: &Id) -> Result<wire::Firewall, Error> {
        client.observe_firewall(id, super::READ_TIMEOUT).await
    }

    fn observe(f: &wire::Firewall, out: &mut Attrs) {
        out.insert(firewall::DESCRIPTION.into(), json!(f.description));
        out.insert(firewall::RULES.into(), rules(&f.rules));
        out.insert(schema::STATUS.into(), json!(f.status));
        out.insert(
            firewall::ATTACHED_VMS.into(),
            id_set(f.attachments.iter().map(|a| &a.instance_id)),
        );
    }

    fn is_transitional(f: &wire::Firewall) -> bool {
        f.status == firewall_status::CREATING || f.status == firewall_status::ATTACHING
    }

    async fn settle(
        client: &Client,
        f: wire::Firewall,
        timeout: Duration,
    ) -> Result<wire::Firewall, Error> {
        client.wait_firewall_ready(&f.id, timeout).await
    }

    async fn create(
        ctx: &Ctx,
        step: &Step,
        resource: &Resource,
        spec: &FirewallSpec,
    ) -> Result<RemoteObject, CreateFailure> {
        let c = &ctx.client;
        let request = CreateFirewallRequest {
            name: resource.name.clone(),
            region: resource.region.clone(),
            description: spec.description.clone(),
        };
        let answer = c.create_firewall(&request).await;
        let created = ctx.or_adopt(step, resource, answer, Self::pick).await?;
        let id = created.value.id.clone();
        ctx.waiting(step, firewall_status::SUCCESS);
        c.wait_firewall_ready(&id, ctx.timeout(Kind::Firewall, Op::Create))
            .await
            .map_err(exists(&id))?;
        for rule in unique_rules(&spec.rules) {
            c.add_firewall_rule(&id, &rule_request(&rule.into()))
                .await
                .map_err(exists(&id))?;
        }
        let firewall = c
            .observe_firewall(&id, super::READ_TIMEOUT)
            .await
            .map_err(exists(&id))?;
        Ok(RemoteObject::Firewall(firewall))
    }

    /// Members leave first (a firewall with members refuses a delete).
    fn expected(resource: &Resource, spec: &FirewallSpec) -> Value {
        json!({"region": resource.region, "description": spec.description})
    }

    async fn delete(ctx: &Ctx, _: &Step, id: &Id, touched: &mut bool) -> Result<(), Error> {
        let c = &ctx.client;
        let fw = c.get_firewall(id).await?;
        if !fw.attachments.is_empty() {
            *touched = true;
            c.attach_firewall(id, &[]).await?;
            // A broken firewall never gets ready; members leave it at once.
            if fw.status != firewall_status::ERROR {
                c.wait_firewall_ready(id, ctx.timeout(Kind::Firewall, Op::Delete))
                    .await?;
            }
        }
        c.delete_firewall(id).await
    }
}
