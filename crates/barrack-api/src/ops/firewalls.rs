//! Firewall operations. `attach_firewall` REPLACES the whole attachment set.

use serde_json::Value;

use crate::client::{to_body, Client};
use crate::create::{first, Created};
use crate::error::Error;
use crate::id::Id;
use crate::routes::Op;
use crate::wire::{
    AttachFirewallRequest, CreateFirewallRequest, Firewall, Instance, Rule, RuleRequest,
};

impl Client {
    /// `GET /firewalls`, every page.
    pub async fn list_firewalls(&self) -> Result<Vec<Firewall>, Error> {
        self.all(Op::ListFirewalls, &[]).await
    }

    /// `POST /firewalls`. Never duplicates (unknown outcome -> lookup by name).
    pub async fn create_firewall(
        &self,
        request: &CreateFirewallRequest,
    ) -> Result<Created<Firewall>, Error> {
        let body = to_body(Op::CreateFirewall, request)?;
        self.create_adopting(
            Op::CreateFirewall,
            &[],
            &body,
            Op::ListFirewalls,
            &request.name,
            first,
        )
        .await
    }

    /// `GET /firewalls/{id}`.
    pub async fn get_firewall(&self, id: &Id) -> Result<Firewall, Error> {
        self.on(Op::GetFirewall, id, None).await
    }

    /// `DELETE /firewalls/{id}` (409 while attached).
    pub async fn delete_firewall(&self, id: &Id) -> Result<(), Error> {
        self.unit_on(Op::DeleteFirewall, id, None).await
    }

    /// `POST /firewalls/{id}/rules`. Not idempotent: an unknown outcome is returned as the
    /// error (re-read the firewall's rules before trying again).
    pub async fn add_firewall_rule(&self, id: &Id, rule: &RuleRequest) -> Result<Rule, Error> {
        let body = to_body(Op::AddFirewallRule, rule)?;
        self.on(Op::AddFirewallRule, id, Some(&body)).await
    }

    /// `DELETE /firewalls/{id}/rules/{rule_id}`.
    pub async fn delete_firewall_rule(&self, id: &Id, rule_id: &Id) -> Result<(), Error> {
        self.call_unit(
            Op::DeleteFirewallRule,
            &[id.as_str(), rule_id.as_str()],
            None,
        )
        .await
    }

    /// `POST /firewalls/{id}/attach` with `{"instance_ids": [..]}`: the firewall ends up
    /// attached to exactly these instances (an empty list detaches it everywhere).
    /// Idempotent, so retried.
    pub async fn attach_firewall(&self, id: &Id, instance_ids: &[Id]) -> Result<Firewall, Error> {
        let body = to_body(
            Op::AttachFirewall,
            &AttachFirewallRequest {
                instance_ids: instance_ids.to_vec(),
            },
        )?;
        let mut response = self
            .send(Op::AttachFirewall, &[id.as_str()], &[], Some(&body))
            .await?;
        if response.has_key(crate::wire::keys::FIREWALL) {
            response.decode()
        } else {
            self.get_firewall(id).await
        }
    }

    /// `GET /firewalls/protocols`: protocol names.
    pub async fn list_firewall_protocols(&self) -> Result<Vec<String>, Error> {
        let values: Vec<Value> = self.all(Op::ListFirewallProtocols, &[]).await?;
        Ok(super::names(values))
    }

    /// `GET /firewalls/{id}/available-instances`: instances this firewall can attach to.
    pub async fn list_firewall_available_instances(&self, id: &Id) -> Result<Vec<Instance>, Error> {
        self.all(Op::ListFirewallAvailableInstances, &[id.as_str()])
            .await
    }
}
