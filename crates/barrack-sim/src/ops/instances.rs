//! Instance operations: read, life-cycle actions, public IP, security rules, billing
//! (deploy is `deploy.rs`, volume attachments `instance_volumes.rs`).

use barrack_wire::wire::{
    instance_status as st, keys, Billing, Firewall, Instance, PublicIpRequest, Rule, RuleRequest,
};
use barrack_wire::Id;

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::{delay, public_ip_for, set_instance_status, GONE, RULE_ACTIVE};
use crate::request::Req;
use crate::sim::Sim;
use crate::validate;
use crate::world::{InstanceRec, Target};

/// A life-cycle action: allowed source states, the transitional state, the target.
#[derive(Clone, Copy, Debug)]
struct Action {
    verb: &'static str,
    from: &'static [&'static str],
    via: &'static str,
    to: &'static str,
    seconds: f64,
}

const DELETE: Action = Action {
    verb: "delete",
    from: &[st::ACTIVE, st::SHUTOFF, st::HIBERNATED, st::ERROR],
    via: st::DELETING,
    to: GONE,
    seconds: delay::INSTANCE_DELETING,
};

const START: Action = Action {
    verb: "start",
    from: &[st::SHUTOFF],
    via: st::STARTING,
    to: st::ACTIVE,
    seconds: delay::INSTANCE_STARTING,
};

const STOP: Action = Action {
    verb: "stop",
    from: &[st::ACTIVE],
    via: st::STOPPING,
    to: st::SHUTOFF,
    seconds: delay::INSTANCE_STOPPING,
};

const REBOOT: Action = Action {
    verb: "reboot",
    from: &[st::ACTIVE],
    via: st::REBOOTING,
    to: st::ACTIVE,
    seconds: delay::INSTANCE_REBOOTING,
};

const HIBERNATE: Action = Action {
    verb: "hibernate",
    from: &[st::ACTIVE, st::SHUTOFF],
    via: st::HIBERNATING,
    to: st::HIBERNATED,
    seconds: delay::INSTANCE_HIBERNATING,
};

const RESTORE: Action = Action {
    verb: "restore",
    from: &[st::HIBERNATED],
    via: st::RESTORING,
    to: st::ACTIVE,
    seconds: delay::INSTANCE_RESTORING,
};

impl Sim {
    pub(super) fn instance(&self, req: &Req) -> ApiResult<(u64, &InstanceRec)> {
        let id = req.id("instance")?;
        self.world
            .instances
            .get(&id)
            .map(|rec| (id, rec))
            .ok_or_else(|| ApiError::not_found("instance", id))
    }

    pub(super) fn instance_mut(&mut self, req: &Req) -> ApiResult<(u64, &mut InstanceRec)> {
        let id = req.id("instance")?;
        self.world
            .instances
            .get_mut(&id)
            .map(|rec| (id, rec))
            .ok_or_else(|| ApiError::not_found("instance", id))
    }

    pub(super) fn list_instances(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region(&self.catalog)?;
        let list: Vec<&Instance> = self
            .world
            .instances
            .values()
            .map(|rec| &rec.wire)
            .filter(|i| region.is_none_or(|r| r == i.region))
            .collect();
        Ok(Envelope::ok("Instances retrieved").page(keys::INSTANCES, list, req.paging()?))
    }

    pub(super) fn get_instance(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (_, rec) = self.instance(req)?;
        Ok(Envelope::ok("Instance retrieved").with(keys::INSTANCE, &rec.wire))
    }

    /// Moves an instance in one of `action.from` to `action.via` now, and to `action.to`
    /// after `action.seconds`.
    fn instance_action(&mut self, now: SimMs, req: &Req, action: &Action) -> ApiResult<Envelope> {
        let Action {
            verb,
            from,
            via,
            to,
            seconds,
        } = *action;
        let (id, rec) = self.instance(req)?;
        if !from.contains(&rec.wire.status.as_str()) {
            return Err(ApiError::conflict(format!(
                "cannot {verb} instance {id} in status {}; it must be {}",
                rec.wire.status,
                from.join(" or ")
            )));
        }
        let due = now + self.delay(seconds);
        let pending = self.world.schedule(Target::Instance(id), due, to);
        let (_, rec) = self.instance_mut(req)?;
        set_instance_status(rec, now, via);
        rec.pending = Some(pending);
        let wire = rec.wire.clone();
        self.dirty = true;
        Ok(Envelope::ok(format!("Instance {verb} requested")).with(keys::INSTANCE, wire))
    }

    pub(super) fn delete_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.instance(req)?;
        if rec.wire.status == st::DELETING {
            return Ok(
                Envelope::ok(format!("Instance {id} is already being deleted"))
                    .with(keys::INSTANCE, &rec.wire),
            );
        }
        self.instance_action(now, req, &DELETE)
    }

    pub(super) fn start_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        self.instance_action(now, req, &START)
    }

    pub(super) fn stop_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        self.instance_action(now, req, &STOP)
    }

    pub(super) fn reboot_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        self.instance_action(now, req, &REBOOT)
    }

    pub(super) fn hibernate_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        self.instance_action(now, req, &HIBERNATE)
    }

    /// Restore takes the GPUs back from stock (hibernation released them).
    pub(super) fn restore_instance(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.instance(req)?;
        if rec.wire.status != st::HIBERNATED {
            return Err(ApiError::conflict(format!(
                "cannot restore instance {id} in status {}; it must be HIBERNATED",
                rec.wire.status
            )));
        }
        let (region, model, gpus) = (
            rec.wire.region.clone(),
            rec.wire.gpu_model.clone(),
            rec.wire.gpu_count,
        );
        let needs_gpus = !rec.holds_gpus;
        if needs_gpus {
            self.reserve(now, &region, &model, gpus, 0.0)?;
        }
        if let Some(rec) = self.world.instances.get_mut(&id) {
            rec.holds_gpus = true;
        }
        self.instance_action(now, req, &RESTORE)
    }

    pub(super) fn set_public_ip(&mut self, req: &Req) -> ApiResult<Envelope> {
        let body: PublicIpRequest = req.json()?;
        let (id, rec) = self.instance_mut(req)?;
        if !matches!(rec.wire.status.as_str(), st::ACTIVE | st::SHUTOFF) {
            return Err(ApiError::conflict(format!(
                "cannot change the public IP of instance {id} in status {}; it must be ACTIVE \
                 or SHUTOFF",
                rec.wire.status
            )));
        }
        rec.wire.public_ip_enabled = body.enable;
        rec.wire.public_ip = body.enable.then(|| public_ip_for(id));
        let wire = rec.wire.clone();
        self.dirty = true;
        Ok(Envelope::ok("Public IP updated").with(keys::INSTANCE, wire))
    }

    pub(super) fn count_hibernated(&mut self) -> Envelope {
        let count = self
            .world
            .instances
            .values()
            .filter(|i| i.wire.status == st::HIBERNATED)
            .count();
        Envelope::ok("Hibernated instances counted").with(keys::COUNT, count)
    }

    pub(super) fn add_security_rule(&mut self, req: &Req) -> ApiResult<Envelope> {
        let body: RuleRequest = req.json()?;
        validate::rule(&self.catalog, &body)?;
        let rule_id = self.world.new_id();
        let (id, rec) = self.instance_mut(req)?;
        if matches!(rec.wire.status.as_str(), st::DELETING | st::ERROR) {
            return Err(ApiError::conflict(format!(
                "cannot add a security rule to instance {id} in status {}",
                rec.wire.status
            )));
        }
        let rule = rule_from(rule_id, &body);
        rec.wire.security_rules.push(rule.clone());
        self.dirty = true;
        Ok(Envelope::ok("Security rule added").with(keys::SECURITY_RULE, rule))
    }

    pub(super) fn delete_security_rule(&mut self, req: &Req) -> ApiResult<Envelope> {
        let rule_id = Id::from(req.param("rule_id", "security rule")?);
        let (_, rec) = self.instance_mut(req)?;
        let before = rec.wire.security_rules.len();
        rec.wire.security_rules.retain(|r| r.id != rule_id);
        if rec.wire.security_rules.len() == before {
            return Err(ApiError::not_found("security rule", rule_id));
        }
        self.dirty = true;
        Ok(Envelope::ok(format!("Security rule {rule_id} removed")))
    }

    pub(super) fn list_instance_firewalls(&mut self, req: &Req) -> ApiResult<Envelope> {
        let (id, _) = self.instance(req)?;
        let id = Id::from(id);
        let list: Vec<&Firewall> = self
            .world
            .firewalls
            .values()
            .map(|f| &f.wire)
            .filter(|f| f.attachments.iter().any(|a| a.instance_id == id))
            .collect();
        Ok(Envelope::ok("Firewalls retrieved").page(keys::FIREWALLS, list, req.paging()?))
    }

    pub(super) fn instance_billing(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let (id, rec) = self.instance_mut(req)?;
        rec.meter.account(now);
        let billing = Billing {
            resource_id: Id::from(id),
            resource_type: "instance".to_owned(),
            price_per_hour: rec.meter.rate(),
            incurred_bill: rec.meter.incurred(),
            usage_minutes: rec.meter.usage_minutes(),
        };
        Ok(Envelope::ok("Billing retrieved").with(keys::BILLING, billing))
    }
}

/// A rule as the API returns it.
pub(super) fn rule_from(id: u64, rule: &RuleRequest) -> Rule {
    Rule::created(Id::from(id), rule, RULE_ACTIVE)
}
