//! Firewall operations: CRUD, rules, attachments (which REPLACE the set), protocols.

use barrack_wire::wire::{
    firewall_status, instance_status as st, keys, AttachFirewallRequest, CreateFirewallRequest,
    Firewall, FirewallAttachment, Instance, RuleRequest,
};
use barrack_wire::Id;

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::delay;
use crate::request::Req;
use crate::sim::Sim;
use crate::validate;
use crate::world::{FirewallRec, Target};

use super::instances::rule_from;

impl Sim {
    fn firewall(&self, req: &Req) -> ApiResult<(u64, &FirewallRec)> {
        let id = req.id("firewall")?;
        self.world
            .firewalls
            .get(&id)
            .map(|f| (id, f))
            .ok_or_else(|| ApiError::not_found("firewall", id))
    }

    fn firewall_mut(&mut self, req: &Req) -> ApiResult<(u64, &mut FirewallRec)> {
        let id = req.id("firewall")?;
        self.world
            .firewalls
            .get_mut(&id)
            .map(|f| (id, f))
            .ok_or_else(|| ApiError::not_found("firewall", id))
    }

    pub(super) fn list_firewalls(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region(&self.catalog)?;
        let list: Vec<&Firewall> = self
            .world
            .firewalls
            .values()
            .map(|f| &f.wire)
            .filter(|f| region.is_none_or(|r| r == f.region))
            .collect();
        Ok(Envelope::ok("Firewalls retrieved").page(keys::FIREWALLS, list, req.paging()?))
    }

    pub(super) fn get_firewall(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (_, rec) = self.firewall(req)?;
        Ok(Envelope::ok("Firewall retrieved").with(keys::FIREWALL, &rec.wire))
    }

    pub(super) fn create_firewall(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: CreateFirewallRequest = req.json()?;
        validate::name("firewall", &body.name, true)?;
        if self
            .world
            .firewalls
            .values()
            .any(|f| f.wire.name == body.name)
        {
            return Err(ApiError::bad_request(format!(
                "a firewall named `{}` already exists",
                body.name
            )));
        }
        validate::region(&self.catalog, &body.region)?;
        validate::description(&body.description)?;
        if self.world.firewalls.len() >= self.limits.firewalls {
            return Err(ApiError::bad_request(format!(
                "limit reached: {} firewalls per account",
                self.limits.firewalls
            )));
        }
        let id = self.world.new_id();
        let to = if req.doomed {
            firewall_status::ERROR
        } else {
            firewall_status::SUCCESS
        };
        let due = now + self.delay(delay::FIREWALL_CREATING);
        let pending = self.world.schedule(Target::Firewall(id), due, to);
        let wire = Firewall {
            id: Id::from(id),
            name: body.name,
            region: body.region,
            description: body.description,
            status: firewall_status::CREATING.to_owned(),
            rules: Vec::new(),
            attachments: Vec::new(),
            created_at: self.timestamp(now),
        };
        self.world.firewalls.insert(
            id,
            FirewallRec {
                wire: wire.clone(),
                pending: Some(pending),
                attaching: Default::default(),
            },
        );
        self.dirty = true;
        Ok(Envelope::ok("Firewall created").with(keys::FIREWALL, wire))
    }

    pub(super) fn delete_firewall(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.firewall(req)?;
        if !rec.wire.attachments.is_empty() {
            return Err(ApiError::conflict(format!(
                "firewall {id} is attached to {} instance(s); detach it first",
                rec.wire.attachments.len()
            )));
        }
        self.world.firewalls.remove(&id);
        self.dirty = true;
        Ok(Envelope::ok(format!("Firewall {id} deleted")))
    }

    pub(super) fn add_firewall_rule(&mut self, req: &Req) -> ApiResult<Envelope> {
        let body: RuleRequest = req.json()?;
        validate::rule(&self.catalog, &body)?;
        let rule_id = self.world.new_id();
        let (id, rec) = self.firewall_mut(req)?;
        if rec.wire.status == firewall_status::ERROR {
            return Err(ApiError::conflict(format!("firewall {id} is in ERROR")));
        }
        let rule = rule_from(rule_id, &body);
        rec.wire.rules.push(rule.clone());
        self.dirty = true;
        Ok(Envelope::ok("Firewall rule added").with(keys::FIREWALL_RULE, rule))
    }

    pub(super) fn delete_firewall_rule(&mut self, req: &Req) -> ApiResult<Envelope> {
        let rule_id = Id::from(req.param("rule_id", "firewall rule")?);
        let (_, rec) = self.firewall_mut(req)?;
        let before = rec.wire.rules.len();
        rec.wire.rules.retain(|r| r.id != rule_id);
        if rec.wire.rules.len() == before {
            return Err(ApiError::not_found("firewall rule", rule_id));
        }
        self.dirty = true;
        Ok(Envelope::ok(format!("Firewall rule {rule_id} removed")))
    }

    /// Makes `instance_ids` the firewall's whole attachment set. New members must be ACTIVE
    /// and in the firewall's region; they go ATTACHING -> SUCCESS. Members not listed leave.
    /// Only a SUCCESS firewall takes new members; any firewall can let members go (so a
    /// broken one can be emptied and deleted).
    pub(super) fn attach_firewall(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: AttachFirewallRequest = req.json()?;
        let (id, rec) = self.firewall(req)?;
        let only_leaving = body
            .instance_ids
            .iter()
            .all(|i| rec.wire.attachments.iter().any(|a| &a.instance_id == i));
        if rec.wire.status != firewall_status::SUCCESS && !only_leaving {
            return Err(ApiError::conflict(format!(
                "firewall {id} is {}, not SUCCESS",
                rec.wire.status
            )));
        }
        let region = rec.wire.region.clone();
        let current: Vec<Id> = rec
            .wire
            .attachments
            .iter()
            .map(|a| a.instance_id.clone())
            .collect();
        let mut wanted: Vec<u64> = Vec::new();
        for instance_id in &body.instance_ids {
            let (iid, instance) = instance_id
                .as_u64()
                .and_then(|i| self.world.instances.get(&i).map(|rec| (i, rec)))
                .ok_or_else(|| ApiError::not_found("instance", instance_id))?;
            if instance.wire.region != region {
                return Err(ApiError::bad_request(format!(
                    "instance {instance_id} is in {}, firewall {id} in {region}",
                    instance.wire.region
                )));
            }
            if !current.contains(instance_id) && instance.wire.status != st::ACTIVE {
                return Err(ApiError::conflict(format!(
                    "cannot attach firewall {id} to instance {instance_id} in status {}; it \
                     must be ACTIVE",
                    instance.wire.status
                )));
            }
            if !wanted.contains(&iid) {
                wanted.push(iid);
            }
        }
        let due = now + self.delay(delay::FIREWALL_ATTACHING);
        let mut scheduled = Vec::new();
        for iid in &wanted {
            if !current.contains(&Id::from(*iid)) {
                let pending = self.world.schedule(Target::Attachment(id, *iid), due, "");
                scheduled.push((*iid, pending));
            }
        }
        let (_, rec) = self.firewall_mut(req)?;
        let wanted_ids: Vec<Id> = wanted.iter().copied().map(Id::from).collect();
        rec.wire
            .attachments
            .retain(|a| wanted_ids.contains(&a.instance_id));
        rec.attaching.retain(|iid, _| wanted.contains(iid));
        for (iid, pending) in scheduled {
            rec.wire.attachments.push(FirewallAttachment {
                instance_id: Id::from(iid),
                status: firewall_status::ATTACHING.to_owned(),
            });
            rec.attaching.insert(iid, pending);
        }
        let wire = rec.wire.clone();
        let fw_id = Id::from(id);
        for (iid, instance) in self.world.instances.iter_mut() {
            let member = wanted.contains(iid);
            let listed = instance.wire.firewall_ids.contains(&fw_id);
            if member && !listed {
                instance.wire.firewall_ids.push(fw_id.clone());
            } else if !member && listed {
                instance.wire.firewall_ids.retain(|f| f != &fw_id);
            }
        }
        self.dirty = true;
        Ok(Envelope::ok("Firewall attachments updated").with(keys::FIREWALL, wire))
    }

    pub(super) fn list_protocols(&mut self, req: &Req) -> ApiResult<Envelope> {
        Ok(Envelope::ok("Protocols retrieved").page(
            keys::PROTOCOLS,
            self.catalog.protocols.clone(),
            req.paging()?,
        ))
    }

    /// ACTIVE instances in the firewall's region that it is not attached to yet.
    pub(super) fn firewall_available_instances(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (_, rec) = self.firewall(req)?;
        let attached: Vec<&Id> = rec
            .wire
            .attachments
            .iter()
            .map(|a| &a.instance_id)
            .collect();
        let list: Vec<&Instance> = self
            .world
            .instances
            .values()
            .map(|i| &i.wire)
            .filter(|i| {
                i.region == rec.wire.region && i.status == st::ACTIVE && !attached.contains(&&i.id)
            })
            .collect();
        Ok(Envelope::ok("Instances retrieved").page(keys::INSTANCES, list, req.paging()?))
    }
}
