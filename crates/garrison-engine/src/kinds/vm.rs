//! GPU VMs: deployed from an OS image, a custom image or a boot volume; once ACTIVE their
//! volumes are attached, and a VM configured stopped or hibernated joins its firewalls
//! first (they attach only to ACTIVE VMs), then powers down.

use std::time::Duration;

use barrack_api::wire::{self, instance_status as st, DeploymentRequest};
use barrack_api::{Client, Error, Id};
use garrison_config::model::{BootSource, Kind, Op, Power, Resource, VmSpec};
use garrison_plan::desired::Attrs;
use garrison_plan::schema::{self, vm};
use garrison_plan::Step;
use serde_json::{json, Value};

use super::{unique_rules, EngineKind};
use crate::observe::{id_or_null, id_set, power_of, rule_request, rules};
use crate::outcome::StepError;
use crate::remote::RemoteObject;
use crate::steps::{exists, CreateFailure, Ctx};

/// The `vm` kind.
pub(crate) struct Vm;

impl EngineKind for Vm {
    type Object = wire::Instance;
    type Spec = VmSpec;
    const LIST: barrack_api::Op = barrack_api::Op::ListInstances;

    super::wire_members!(Vm, wire::Instance, instances);

    async fn fetch(client: &Client, id: &Id) -> Result<wire::Instance, Error> {
        client.observe_instance(id, super::READ_TIMEOUT).await
    }

    fn observe(i: &wire::Instance, out: &mut Attrs) {
        observe_boot(i, out);
        out.insert(vm::GPU_MODEL.into(), json!(i.gpu_model));
        out.insert(vm::GPU_COUNT.into(), json!(i.gpu_count));
        out.insert(vm::SSH_KEYS.into(), id_set(i.ssh_key_ids.iter()));
        out.insert(
            vm::STARTUP_SCRIPT.into(),
            id_or_null(i.startup_script_id.as_ref()),
        );
        out.insert(vm::FIREWALLS.into(), id_set(i.firewall_ids.iter()));
        let attached = i.volume_attachments.iter().map(|a| &a.volume_id);
        out.insert(
            vm::VOLUMES.into(),
            id_set(attached.filter(|v| Some(*v) != i.boot_volume_id.as_ref())),
        );
        out.insert(
            vm::PUBLIC_IP.into(),
            json!(i.public_ip_enabled || i.public_ip.is_some()),
        );
        out.insert(
            vm::POWER.into(),
            power_of(&i.status).map_or(Value::Null, |p| json!(p.as_str())),
        );
        out.insert(vm::SECURITY_RULES.into(), rules(&i.security_rules));
        out.insert(schema::STATUS.into(), json!(i.status));
        out.insert(vm::PUBLIC_IP_ADDRESS.into(), json!(i.public_ip));
        out.insert(vm::FIXED_IP.into(), json!(i.fixed_ip));
    }

    /// A VM being deleted is not transitional: it will not settle into something usable.
    fn is_transitional(i: &wire::Instance) -> bool {
        st::is_transitional(&i.status) && i.status != st::DELETING
    }

    async fn settle(
        client: &Client,
        i: wire::Instance,
        timeout: Duration,
    ) -> Result<wire::Instance, Error> {
        wait_settled(client, &i.id, timeout).await
    }

    async fn create(
        ctx: &Ctx,
        step: &Step,
        resource: &Resource,
        spec: &VmSpec,
    ) -> Result<RemoteObject, CreateFailure> {
        let timeout = ctx.timeout(Kind::Vm, Op::Create);
        let inputs =
            Inputs::resolve(ctx, step, spec).map_err(|e| CreateFailure::NotCreated(e.into()))?;
        inputs.wait_ready(ctx, timeout).await?;
        let request = inputs.request(resource, spec);
        let answer = ctx.client.deploy_instance(&request).await;
        let created = ctx.or_adopt(step, resource, answer, deployment).await?;
        let Some(instance) = created.value.instances.into_iter().next() else {
            return Err(CreateFailure::Unknown(
                "the deployment answer named no instance".into(),
            ));
        };
        let id = instance.id.clone();
        finish(ctx, step, spec, &inputs, &id, timeout)
            .await
            .map_err(|message| CreateFailure::Exists {
                id: id.clone(),
                message,
            })?;
        // Read back from the watcher's next round of lists (it started after the attach),
        // not by a GET per VM.
        let instance = ctx
            .client
            .wait_instance_settled(&id, timeout)
            .await
            .map_err(exists(&id))?;
        Ok(RemoteObject::Vm(instance))
    }

    /// An instance mid-transition (e.g. HIBERNATING) refuses a delete: it settles first.
    fn expected(resource: &Resource, spec: &VmSpec) -> Value {
        json!({"region": resource.region, "gpu_model": spec.gpu_model, "gpu_count": spec.gpu_count})
    }

    async fn delete(ctx: &Ctx, step: &Step, id: &Id, _: &mut bool) -> Result<(), Error> {
        let timeout = ctx.timeout(Kind::Vm, Op::Delete);
        ctx.settle_instance(step, id, timeout).await?;
        ctx.client.delete_instance(id).await?;
        ctx.waiting(step, "deleted");
        ctx.client.wait_instance_deleted(id, timeout).await
    }
}

/// The boot source as observed: an OS image by name, a custom image or a boot volume.
fn observe_boot(i: &wire::Instance, out: &mut Attrs) {
    let from_os_image = i.boot_volume_id.is_none() && i.image.id.is_none();
    out.insert(
        vm::IMAGE.into(),
        if from_os_image && !i.image.name.is_empty() {
            json!(i.image.name)
        } else {
            Value::Null
        },
    );
    out.insert(vm::BOOT_IMAGE.into(), id_or_null(i.image.id.as_ref()));
    out.insert(
        vm::BOOT_VOLUME.into(),
        id_or_null(i.boot_volume_id.as_ref()),
    );
}

/// Waits until the instance leaves every transitional status.
pub(crate) async fn wait_settled(
    client: &Client,
    id: &Id,
    timeout: Duration,
) -> Result<wire::Instance, Error> {
    client.wait_instance_settled(id, timeout).await
}

/// An adopted instance as the deployment answer a create would have had.
fn deployment(object: RemoteObject) -> Option<wire::Deployment> {
    Vm::pick(object).map(|i| wire::Deployment {
        deployment_id: String::new(),
        instances: vec![i],
    })
}

/// The remote ids a VM's create needs, from the state.
struct Inputs {
    ssh_key_ids: Vec<Id>,
    startup_script_id: Option<Id>,
    image_name: Option<String>,
    image_id: Option<Id>,
    boot_volume_id: Option<Id>,
    /// The volumes attached right after the create (not those a hand-over brings, C3).
    volume_ids: Vec<Id>,
    /// Volumes come later by a hand-over: it, not the create, powers the VM down.
    handed_over: bool,
}

impl Inputs {
    fn resolve(ctx: &Ctx, step: &Step, spec: &VmSpec) -> Result<Self, String> {
        let id = |a: &garrison_config::model::Address| ctx.id_of(a);
        let (image_name, image_id, boot_volume_id) = match &spec.boot {
            BootSource::OsImage(n) => (Some(n.clone()), None, None),
            BootSource::Image(a) => (None, Some(id(a)?), None),
            BootSource::Volume(a) => (None, None, Some(id(a)?)),
            BootSource::DataImage(l) => (None, Some(Id::new(l.id.as_str())), None),
        };
        let existing = |kind: Kind| {
            spec.data_links
                .iter()
                .filter(move |l| l.kind == kind)
                .map(|l| Id::new(l.id.as_str()))
        };
        let later = ctx.handed_over(&step.address);
        let volume_ids = spec
            .volumes
            .iter()
            .filter(|v| !later.is_some_and(|l| l.contains(&v.to_string())))
            .map(id)
            .chain(existing(Kind::Volume).map(Ok))
            .collect::<Result<_, _>>()?;
        Ok(Inputs {
            ssh_key_ids: spec
                .ssh_keys
                .iter()
                .map(id)
                .chain(existing(Kind::SshKey).map(Ok))
                .collect::<Result<_, _>>()?,
            startup_script_id: spec.startup_script.as_ref().map(id).transpose()?,
            image_name,
            image_id,
            boot_volume_id,
            volume_ids,
            handed_over: later.is_some(),
        })
    }

    /// What the VM uses may still be settling (adopted from an interrupted run).
    async fn wait_ready(&self, ctx: &Ctx, timeout: Duration) -> Result<(), CreateFailure> {
        let not_created = |e: Error| CreateFailure::NotCreated(e.into());
        if let Some(image) = &self.image_id {
            ctx.client
                .wait_image_ready(image, timeout)
                .await
                .map_err(not_created)?;
        }
        for volume in self.boot_volume_id.iter().chain(&self.volume_ids) {
            ctx.volume_ready(volume, timeout)
                .await
                .map_err(not_created)?;
        }
        Ok(())
    }

    fn request(&self, resource: &Resource, spec: &VmSpec) -> DeploymentRequest {
        DeploymentRequest {
            name: resource.name.clone(),
            region: resource.region.clone(),
            gpu_model: spec.gpu_model.clone(),
            gpu_count: spec.gpu_count,
            image_name: self.image_name.clone(),
            image_id: self.image_id.clone(),
            boot_volume_id: self.boot_volume_id.clone(),
            ssh_key_ids: self.ssh_key_ids.clone(),
            startup_script_id: self.startup_script_id.clone(),
            cloud_init: spec.cloud_init.clone(),
            public_ip: spec.public_ip,
            security_rules: unique_rules(&spec.security_rules)
                .map(|r| rule_request(&r.into()))
                .collect(),
            count: Some(1),
        }
    }
}

/// After the deployment: ACTIVE, volumes attached, then (configured asleep) firewalls
/// joined and power brought down.
async fn finish(
    ctx: &Ctx,
    step: &Step,
    spec: &VmSpec,
    inputs: &Inputs,
    id: &Id,
    timeout: Duration,
) -> Result<(), StepError> {
    let c = &ctx.client;
    ctx.waiting(step, st::ACTIVE);
    c.wait_instance_status(id, &[st::ACTIVE], timeout)
        .await
        .map_err(StepError::from)?;
    if !inputs.volume_ids.is_empty() {
        c.attach_instance_volumes(id, &inputs.volume_ids)
            .await
            .map_err(StepError::from)?;
    }
    if spec.power == Power::Running {
        return Ok(());
    }
    // Firewalls attach only to ACTIVE VMs: join them before powering down.
    for fw in &spec.firewalls {
        ctx.join_firewall(&fw.to_string(), id, timeout).await?;
    }
    // With volumes still to come, the hand-over powers it down after them.
    if !inputs.handed_over {
        ctx.set_power(step, id, spec.power, timeout).await?;
    }
    Ok(())
}
