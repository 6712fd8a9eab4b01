//! The API work of one plan step, journaled: INTENT (fsynced) before any call that changes
//! the cloud, COMPLETION after, with the object re-read and observed. `Failed` is recorded
//! only when the operation certainly had no effect; an unknown outcome leaves the intent
//! for the next run's recovery.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use barrack_api::wire::{
    self, instance_status as st, CreateFirewallRequest, CreateImageRequest, CreateSshKeyRequest,
    CreateVolumeRequest, DeploymentRequest, ScriptRequest,
};
use barrack_api::{Client, Id, Poll};
use garrison_config::model::{
    Address, BootSource, JournalAction, Kind, Model, Op, Power, RemoteId, Resource, Spec, StateKey,
};
use garrison_plan::{Step, StepOp, UpdateOp};
use garrison_state::{OpRef, OpSpec, Outcome, Store};

use crate::event::{Event, EventSink};
use crate::fsutil::write_private;
use crate::observe::{power_of, rule_request, rule_request_from_value};
use crate::record::resource_state;
use crate::remote::RemoteObject;

mod handover;
mod moving;
mod snapshot;

/// Everything a step needs.
pub(crate) struct Ctx {
    pub(crate) client: Client,
    pub(crate) model: Arc<Model>,
    pub(crate) store: Arc<Mutex<Store>>,
    pub(crate) sink: EventSink,
    /// Serializes read-modify-write of a firewall's attachment set (the API replaces it).
    firewall_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Addresses replaced create-before-destroy: their create deposes the old object.
    create_before_destroy: std::collections::HashSet<String>,
    /// VM address -> volumes its create leaves out: a later step hands them over from the
    /// VM it replaces (C3).
    handed_over: HashMap<String, Vec<String>>,
    /// Generated ssh keys adopted without their private key in this run (C7).
    lost_keys: Mutex<std::collections::HashSet<String>>,
}

/// How a create went wrong.
enum CreateFailure {
    /// Certainly nothing was created.
    NotCreated(String),
    /// We cannot know: leave the intent for recovery.
    Unknown(String),
    /// The resource exists (with this id) but a later stage failed.
    Exists { id: Id, message: String },
}

fn classify(e: barrack_api::Error) -> CreateFailure {
    if e.outcome_unknown() {
        CreateFailure::Unknown(e.to_string())
    } else {
        CreateFailure::NotCreated(e.to_string())
    }
}

fn exists(id: &Id) -> impl Fn(barrack_api::Error) -> CreateFailure + '_ {
    move |e| CreateFailure::Exists {
        id: id.clone(),
        message: e.to_string(),
    }
}

impl Ctx {
    /// A create's answer. "Name taken" while an earlier run's create of this address and
    /// name is pending may be that create, landed late (D2): adopt it if it is ours by the
    /// ownership rule, else fail naming both (D3). See `late.rs`.
    async fn or_adopt<T>(
        &self,
        step: &Step,
        resource: &Resource,
        result: Result<barrack_api::Created<T>, barrack_api::Error>,
        pick: fn(RemoteObject) -> Option<T>,
    ) -> Result<barrack_api::Created<T>, CreateFailure> {
        let e = match result {
            Ok(created) => return Ok(created),
            Err(e) => e,
        };
        if e.outcome_unknown() || !matches!(e.status(), Some(400 | 409)) {
            return Err(classify(e));
        }
        let pending = self
            .with_store(|s| {
                Ok(crate::late::earliest_pending(
                    s,
                    &step.address,
                    step.kind,
                    &resource.name,
                ))
            })
            .ok()
            .flatten();
        let Some(intent) = pending else {
            return Err(classify(e));
        };
        match crate::late::adopt_late(&self.client, &intent, step.kind, resource).await {
            Ok(Some(object)) => {
                let (name, id) = (object.name().to_string(), object.id().as_str().to_string());
                let Some(value) = pick(object) else {
                    return Err(classify(e));
                };
                (self.sink)(Event::Adopted {
                    address: step.address.clone(),
                    kind: step.kind,
                    name,
                    remote_id: id,
                });
                Ok(barrack_api::Created {
                    value,
                    adopted: true,
                })
            }
            Ok(None) => Err(classify(e)),
            Err(conflict) => Err(CreateFailure::NotCreated(format!("{e}; {conflict}"))),
        }
    }
}

impl Ctx {
    pub(crate) fn new(
        client: Client,
        model: Arc<Model>,
        store: Arc<Mutex<Store>>,
        sink: EventSink,
        steps: &[Step],
    ) -> Self {
        let create_before_destroy = steps
            .iter()
            .filter(|s| s.create_before_destroy)
            .map(|s| s.address.clone())
            .collect();
        let handed_over = steps
            .iter()
            .filter_map(|s| match &s.op {
                StepOp::HandOverVolumes { volumes, .. } => {
                    Some((s.address.clone(), volumes.clone()))
                }
                _ => None,
            })
            .collect();
        Ctx {
            handed_over,
            client,
            model,
            store,
            sink,
            create_before_destroy,
            firewall_locks: Mutex::new(HashMap::new()),
            lost_keys: Mutex::default(),
        }
    }

    /// Runs one step to its recorded end; `Err` is the message for the report.
    pub(crate) async fn run(&self, step: &Step) -> Result<(), String> {
        match &step.op {
            StepOp::Create => self.create(step).await,
            StepOp::Delete { remote_id } => self.delete(step, remote_id).await,
            StepOp::Update { remote_id, ops } => self.update(step, remote_id, ops).await,
            StepOp::Forget => {
                let op = self.with_store(|s| Ok(s.next_op()))?;
                self.record(op, &step.address, Outcome::Deleted)
            }
            StepOp::SyncFirewallAttachments { vms } => self.sync_firewall(step, vms).await,
            StepOp::Move { from } => self.move_entry(step, from),
            StepOp::Settle { remote_id } => self.settle(step, remote_id).await,
            StepOp::HandOverVolumes {
                from_remote_id,
                volumes,
            } => self.hand_over(step, from_remote_id, volumes).await,
        }
    }

    // ---------------------------------------------------------------- state helpers

    fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, garrison_state::Error>,
    ) -> Result<T, String> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| "the state store is poisoned (a step panicked)".to_string())?;
        f(&mut store).map_err(|e| format!("recording state: {e}"))
    }

    pub(crate) fn intent(
        &self,
        address: &str,
        kind: Kind,
        action: JournalAction,
        name: &str,
        region: &str,
    ) -> Result<OpRef, String> {
        let address = state_key(address)?;
        self.with_store(|s| {
            s.record_intent(OpSpec {
                address,
                kind,
                action,
                name: name.to_string(),
                region: region.to_string(),
            })
        })
    }

    fn record(&self, op: OpRef, address: &str, outcome: Outcome) -> Result<(), String> {
        let key = state_key(address)?;
        self.with_store(|s| s.record_completion(op, &key, outcome))
    }

    /// The remote id the state holds for `address` now.
    fn id_of(&self, address: &str) -> Result<Id, String> {
        self.with_store(|s| {
            Ok(s.state()
                .resources
                .get(address)
                .map(|r| r.remote_id.clone()))
        })?
        .map(Id::new)
        .ok_or_else(|| format!("`{address}` has no remote id in the state (was it created?)"))
    }

    fn ids_of(&self, addresses: &[Address]) -> Result<Vec<Id>, String> {
        addresses
            .iter()
            .map(|a| self.id_of(&a.to_string()))
            .collect()
    }

    pub(crate) fn previous(&self, address: &str) -> Option<garrison_state::ResourceState> {
        self.store
            .lock()
            .ok()
            .and_then(|s| s.state().resources.get(address).cloned())
    }

    fn resource(&self, address: &str) -> Option<&Resource> {
        state_key(address)
            .ok()
            .and_then(|k| self.model.resource(k.live()?))
    }

    pub(crate) fn timeout(&self, kind: Kind, op: Op) -> Duration {
        self.model.timeouts.get(kind, op)
    }

    pub(crate) fn waiting(&self, step: &Step, status: &str) {
        (self.sink)(Event::Waiting {
            step: step.id,
            address: step.address.clone(),
            status: status.to_string(),
        });
    }

    fn warn(&self, address: &str, message: String) {
        (self.sink)(Event::Warning {
            address: address.to_string(),
            message,
        });
    }

    /// Reads one object by id.
    pub(crate) async fn fetch(
        &self,
        kind: Kind,
        id: &Id,
    ) -> Result<RemoteObject, barrack_api::Error> {
        let c = &self.client;
        Ok(match kind {
            Kind::Vm => RemoteObject::Vm(c.get_instance(id).await?),
            Kind::Volume => RemoteObject::Volume(c.get_volume(id).await?),
            Kind::Firewall => RemoteObject::Firewall(c.get_firewall(id).await?),
            Kind::SshKey => {
                let mut key = c.get_ssh_key(id).await?;
                key.private_key = None;
                RemoteObject::SshKey(key)
            }
            Kind::Script => RemoteObject::Script(c.get_script(id).await?),
            Kind::Snapshot => RemoteObject::Snapshot(c.get_snapshot(id).await?),
            Kind::Image => RemoteObject::Image(c.get_image(id).await?),
        })
    }

    /// Re-reads the object and records it as the state of `address`; when the re-read
    /// fails the intent stays unresolved (recovery re-reads it next run).
    pub(crate) async fn record_truth(
        &self,
        op: OpRef,
        address: &str,
        kind: Kind,
        id: &Id,
    ) -> Result<(), String> {
        match self.fetch(kind, id).await {
            Ok(object) => {
                let rs = resource_state(
                    &state_key(address)?,
                    &object,
                    self.resource(address),
                    self.previous(address).as_ref(),
                );
                self.record(op, address, Outcome::Upserted(rs))
            }
            Err(e) if e.is_not_found() => self.record(op, address, Outcome::Deleted),
            Err(e) => Err(format!(
                "could not re-read {kind} {id} to record it ({e}); the next run resolves it"
            )),
        }
    }

    // ---------------------------------------------------------------- create

    async fn create(&self, step: &Step) -> Result<(), String> {
        let resource = self
            .resource(&step.address)
            .ok_or_else(|| format!("`{}` is not in the config", step.address))?;
        // Create-before-destroy: the object being replaced still exists. Move it to its
        // deposed address first, so that whatever happens next (a crash, a failed delete)
        // the state still knows it and the next plan destroys it.
        if let Some(previous) = self
            .previous(&step.address)
            .filter(|_| self.create_before_destroy.contains(&step.address))
        {
            let deposed = deposed_address(&step.address, &previous.remote_id)?;
            let mut old = previous;
            old.address = deposed.clone();
            let op = self.with_store(|s| Ok(s.next_op()))?;
            self.record(op, &deposed.to_string(), Outcome::Upserted(old))?;
        }
        let op = self.intent(
            &step.address,
            step.kind,
            JournalAction::Create,
            &resource.name,
            &resource.region,
        )?;
        match self.create_remote(step, resource).await {
            Ok(object) => {
                let mut rs =
                    resource_state(&state_key(&step.address)?, &object, Some(resource), None);
                rs.private_key_lost = self
                    .lost_keys
                    .lock()
                    .is_ok_and(|keys| keys.contains(&step.address));
                self.record(op, &step.address, Outcome::Upserted(rs))
            }
            Err(CreateFailure::NotCreated(message)) => {
                self.record(
                    op,
                    &step.address,
                    Outcome::Failed {
                        message: message.clone(),
                    },
                )?;
                Err(message)
            }
            Err(CreateFailure::Unknown(message)) => Err(format!(
                "{message} (the outcome is unknown; the next run finds `{}` by name and adopts it)",
                resource.name
            )),
            Err(CreateFailure::Exists { id, message }) => {
                match self.fetch(step.kind, &id).await {
                    Ok(object) => {
                        let rs = resource_state(&state_key(&step.address)?, &object, Some(resource), None);
                        self.record(op, &step.address, Outcome::Upserted(rs))?;
                    }
                    Err(e) => {
                        return Err(format!(
                            "{message}; {} {id} exists but could not be re-read ({e}); the next run adopts it",
                            step.kind
                        ))
                    }
                }
                Err(message)
            }
        }
    }

    async fn create_remote(
        &self,
        step: &Step,
        resource: &Resource,
    ) -> Result<RemoteObject, CreateFailure> {
        let c = &self.client;
        let timeout = self.timeout(step.kind, Op::Create);
        let name = resource.name.clone();
        let region = resource.region.clone();
        match &resource.spec {
            Spec::SshKey(spec) => {
                let request = CreateSshKeyRequest {
                    name,
                    public_key: spec.public_key.clone(),
                };
                let created = self
                    .or_adopt(
                        step,
                        resource,
                        c.create_ssh_key(&request).await,
                        |o| match o {
                            RemoteObject::SshKey(k) => Some(k),
                            _ => None,
                        },
                    )
                    .await?;
                let mut key = created.value;
                let private = key.private_key.take();
                match (private, &spec.private_key_file) {
                    (Some(private), Some(file)) => {
                        let path = self.model.dir.join(file);
                        write_private(&path, private.as_bytes()).map_err(|e| CreateFailure::Exists {
                            id: key.id.clone(),
                            message: format!(
                                "the key was created but its private key could not be written to `{}`: {e}; delete the key and apply again",
                                path.display()
                            ),
                        })?;
                    }
                    (Some(_), None) => self.warn(
                        &step.address,
                        "the cloud generated a private key but `private-key-file` is not set: it was discarded".into(),
                    ),
                    (None, Some(_)) if spec.public_key.is_none() && created.adopted => {
                        if let Ok(mut keys) = self.lost_keys.lock() {
                            keys.insert(step.address.clone());
                        }
                        self.warn(
                            &step.address,
                            "the create's answer was lost and the key was adopted: its generated private key is gone; the next plan replaces the key and the VMs that use it".into(),
                        );
                    }
                    (None, _) => {}
                }
                Ok(RemoteObject::SshKey(key))
            }
            Spec::Script(spec) => {
                let request = ScriptRequest {
                    name,
                    content: spec.content.clone(),
                    description: spec.description.clone(),
                };
                let created = self
                    .or_adopt(
                        step,
                        resource,
                        c.create_script(&request).await,
                        |o| match o {
                            RemoteObject::Script(x) => Some(x),
                            _ => None,
                        },
                    )
                    .await?;
                Ok(RemoteObject::Script(created.value))
            }
            Spec::Volume(spec) => {
                let request = CreateVolumeRequest {
                    name,
                    region,
                    size: spec.size_gb,
                    volume_type: spec.volume_type.clone(),
                    bootable: spec.bootable,
                    image_name: spec.image.clone(),
                    description: spec.description.clone(),
                };
                let created = self
                    .or_adopt(
                        step,
                        resource,
                        c.create_volume(&request).await,
                        |o| match o {
                            RemoteObject::Volume(x) => Some(x),
                            _ => None,
                        },
                    )
                    .await?;
                let id = created.value.id.clone();
                self.waiting(step, wire::volume_status::AVAILABLE);
                let volume = c
                    .wait_volume_status(&id, &[wire::volume_status::AVAILABLE], timeout)
                    .await
                    .map_err(exists(&id))?;
                Ok(RemoteObject::Volume(volume))
            }
            Spec::Firewall(spec) => {
                let request = CreateFirewallRequest {
                    name,
                    region,
                    description: spec.description.clone(),
                };
                let created = self
                    .or_adopt(
                        step,
                        resource,
                        c.create_firewall(&request).await,
                        |o| match o {
                            RemoteObject::Firewall(x) => Some(x),
                            _ => None,
                        },
                    )
                    .await?;
                let id = created.value.id.clone();
                self.waiting(step, wire::firewall_status::SUCCESS);
                c.wait_firewall_ready(&id, timeout)
                    .await
                    .map_err(exists(&id))?;
                for rule in unique_rules(&spec.rules) {
                    c.add_firewall_rule(&id, &rule_request(rule))
                        .await
                        .map_err(exists(&id))?;
                }
                let firewall = c.get_firewall(&id).await.map_err(exists(&id))?;
                Ok(RemoteObject::Firewall(firewall))
            }
            Spec::Snapshot(spec) => {
                self.create_snapshot(step, resource, spec, name, timeout)
                    .await
            }
            Spec::Image(spec) => {
                let snapshot = self
                    .id_of(&spec.snapshot.to_string())
                    .map_err(CreateFailure::NotCreated)?;
                c.wait_snapshot_ready(&snapshot, timeout)
                    .await
                    .map_err(|e| CreateFailure::NotCreated(e.to_string()))?;
                let request = CreateImageRequest {
                    name,
                    description: spec.description.clone(),
                };
                let created = self
                    .or_adopt(
                        step,
                        resource,
                        c.create_image_from_snapshot(&snapshot, &request).await,
                        |o| match o {
                            RemoteObject::Image(x) => Some(x),
                            _ => None,
                        },
                    )
                    .await?;
                let id = created.value.id.clone();
                self.waiting(step, wire::snapshot_status::SUCCESS);
                let image = c
                    .wait_image_ready(&id, timeout)
                    .await
                    .map_err(exists(&id))?;
                Ok(RemoteObject::Image(image))
            }
            Spec::Vm(spec) => {
                let ssh_key_ids = self
                    .ids_of(&spec.ssh_keys)
                    .map_err(CreateFailure::NotCreated)?;
                let startup_script_id = spec
                    .startup_script
                    .as_ref()
                    .map(|a| self.id_of(&a.to_string()))
                    .transpose()
                    .map_err(CreateFailure::NotCreated)?;
                let (image_name, image_id, boot_volume_id) = match &spec.boot {
                    BootSource::OsImage(n) => (Some(n.clone()), None, None),
                    BootSource::Image(a) => (
                        None,
                        Some(
                            self.id_of(&a.to_string())
                                .map_err(CreateFailure::NotCreated)?,
                        ),
                        None,
                    ),
                    BootSource::Volume(a) => (
                        None,
                        None,
                        Some(
                            self.id_of(&a.to_string())
                                .map_err(CreateFailure::NotCreated)?,
                        ),
                    ),
                };
                let later = self.handed_over.get(&step.address);
                let attach_now: Vec<Address> = spec
                    .volumes
                    .iter()
                    .filter(|v| !later.is_some_and(|l| l.contains(&v.to_string())))
                    .cloned()
                    .collect();
                let volume_ids = self
                    .ids_of(&attach_now)
                    .map_err(CreateFailure::NotCreated)?;
                // What the VM uses may still be settling (adopted from an interrupted run).
                if let Some(image) = &image_id {
                    c.wait_image_ready(image, timeout)
                        .await
                        .map_err(|e| CreateFailure::NotCreated(e.to_string()))?;
                }
                for volume in boot_volume_id.iter().chain(&volume_ids) {
                    self.volume_ready(volume, timeout)
                        .await
                        .map_err(|e| CreateFailure::NotCreated(e.to_string()))?;
                }
                let request = DeploymentRequest {
                    name,
                    region,
                    gpu_model: spec.gpu_model.clone(),
                    gpu_count: spec.gpu_count,
                    image_name,
                    image_id,
                    boot_volume_id,
                    ssh_key_ids,
                    startup_script_id,
                    cloud_init: spec.cloud_init.clone(),
                    public_ip: spec.public_ip,
                    security_rules: unique_rules(&spec.security_rules)
                        .map(rule_request)
                        .collect(),
                    count: Some(1),
                };
                let created = self
                    .or_adopt(
                        step,
                        resource,
                        c.deploy_instance(&request).await,
                        |o| match o {
                            RemoteObject::Vm(i) => Some(wire::Deployment {
                                deployment_id: String::new(),
                                instances: vec![i],
                            }),
                            _ => None,
                        },
                    )
                    .await?;
                let Some(instance) = created.value.instances.into_iter().next() else {
                    return Err(CreateFailure::Unknown(
                        "the deployment answer named no instance".into(),
                    ));
                };
                let id = instance.id.clone();
                self.waiting(step, st::ACTIVE);
                c.wait_instance_status(&id, &[st::ACTIVE], timeout)
                    .await
                    .map_err(exists(&id))?;
                if !volume_ids.is_empty() {
                    c.attach_instance_volumes(&id, &volume_ids)
                        .await
                        .map_err(exists(&id))?;
                }
                if spec.power != Power::Running {
                    // Firewalls attach only to ACTIVE VMs: join them before powering down.
                    for fw in &spec.firewalls {
                        self.join_firewall(&fw.to_string(), &id, timeout)
                            .await
                            .map_err(|message| CreateFailure::Exists {
                                id: id.clone(),
                                message,
                            })?;
                    }
                    // With volumes still to come, the hand-over powers it down after them.
                    if later.is_none() {
                        self.set_power(step, &id, spec.power, timeout)
                            .await
                            .map_err(|message| CreateFailure::Exists {
                                id: id.clone(),
                                message,
                            })?;
                    }
                }
                let instance = c.get_instance(&id).await.map_err(exists(&id))?;
                Ok(RemoteObject::Vm(instance))
            }
        }
    }

    fn firewall_lock(&self, address: &str) -> Arc<tokio::sync::Mutex<()>> {
        match self.firewall_locks.lock() {
            Ok(mut locks) => locks.entry(address.to_string()).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }

    /// Adds `vm` to the firewall's attachment set (read, add, write the whole set).
    async fn join_firewall(
        &self,
        firewall: &str,
        vm: &Id,
        timeout: Duration,
    ) -> Result<(), String> {
        let fw_id = self.id_of(firewall)?;
        let lock = self.firewall_lock(firewall);
        let _held = lock.lock().await;
        let current = self
            .client
            .get_firewall(&fw_id)
            .await
            .map_err(|e| e.to_string())?;
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
            .map_err(|e| e.to_string())?;
        self.client
            .wait_firewall_ready(&fw_id, timeout)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    // ---------------------------------------------------------------- power

    /// Brings a VM to `to` from whatever stable power it has now (two hops where needed:
    /// stopped <-> hibernated goes through running).
    async fn set_power(
        &self,
        step: &Step,
        id: &Id,
        to: Power,
        timeout: Duration,
    ) -> Result<(), String> {
        let c = &self.client;
        let stable = [st::ACTIVE, st::SHUTOFF, st::HIBERNATED];
        let mut instance = c.get_instance(id).await.map_err(|e| e.to_string())?;
        if !stable.contains(&instance.status.as_str()) {
            self.waiting(step, "a stable status");
            instance = c
                .wait_instance_status(id, &stable, timeout)
                .await
                .map_err(|e| e.to_string())?;
        }
        let mut from = power_of(&instance.status).unwrap_or(Power::Running);
        while from != to {
            let (next, target) = match (from, to) {
                (Power::Running, Power::Stopped) => {
                    c.stop_instance(id).await.map_err(|e| e.to_string())?;
                    (Power::Stopped, st::SHUTOFF)
                }
                (Power::Running, Power::Hibernated) => {
                    c.hibernate_instance(id).await.map_err(|e| e.to_string())?;
                    (Power::Hibernated, st::HIBERNATED)
                }
                (Power::Stopped, _) => {
                    c.start_instance(id).await.map_err(|e| e.to_string())?;
                    (Power::Running, st::ACTIVE)
                }
                (Power::Hibernated, _) => {
                    c.restore_instance(id).await.map_err(|e| e.to_string())?;
                    (Power::Running, st::ACTIVE)
                }
                (Power::Running, Power::Running) => break,
            };
            self.waiting(step, target);
            c.wait_instance_status(id, &[target], timeout)
                .await
                .map_err(|e| e.to_string())?;
            from = next;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- delete

    async fn delete(&self, step: &Step, remote_id: &str) -> Result<(), String> {
        // The object lives at the step's address, or (create-before-destroy) at its deposed
        // address once the replacement took the address over.
        let holder = self.holder_of(&step.address, remote_id);
        let (name, region) = holder
            .as_ref()
            .map(|p| (p.name.clone(), p.region.clone()))
            .unwrap_or_else(|| (remote_id.to_string(), String::new()));
        let at = holder
            .as_ref()
            .map_or_else(|| step.address.clone(), |h| h.address.to_string());
        let op = self.intent(&at, step.kind, JournalAction::Delete, &name, &region)?;
        let id = Id::new(remote_id);
        let c = &self.client;
        let timeout = self.timeout(step.kind, Op::Delete);
        // `touched`: something already changed (detach) before the delete call.
        let mut touched = false;
        let result: Result<(), barrack_api::Error> = async {
            match step.kind {
                Kind::Vm => {
                    // An instance mid-transition (e.g. HIBERNATING) refuses a delete.
                    self.settle_instance(step, &id, timeout).await?;
                    c.delete_instance(&id).await?;
                    self.waiting(step, "deleted");
                    c.wait_instance_deleted(&id, timeout).await
                }
                Kind::Firewall => {
                    let fw = c.get_firewall(&id).await?;
                    if !fw.attachments.is_empty() {
                        touched = true;
                        c.attach_firewall(&id, &[]).await?;
                        // A broken firewall never gets ready; members leave it at once.
                        if fw.status != wire::firewall_status::ERROR {
                            c.wait_firewall_ready(&id, timeout).await?;
                        }
                    }
                    c.delete_firewall(&id).await
                }
                Kind::Volume => {
                    c.delete_volume(&id).await?;
                    self.wait_gone(step, Kind::Volume, &id, timeout).await
                }
                Kind::SshKey => c.delete_ssh_key(&id).await,
                Kind::Script => c.delete_script(&id).await,
                Kind::Snapshot => {
                    c.delete_snapshot(&id).await?;
                    self.wait_gone(step, Kind::Snapshot, &id, timeout).await
                }
                Kind::Image => {
                    c.delete_image(&id).await?;
                    self.wait_gone(step, Kind::Image, &id, timeout).await
                }
            }
        }
        .await;
        // Nothing in the state holds this object any more (already replaced and dropped).
        let replaced = holder.is_none() && self.previous(&step.address).is_some();
        match result {
            Ok(()) => self.complete_delete(op, &at, replaced),
            Err(e) if e.is_not_found() => self.complete_delete(op, &at, replaced),
            Err(e)
                if e.outcome_unknown()
                    || touched
                    || matches!(
                        e,
                        barrack_api::Error::WaitTimeout { .. }
                            | barrack_api::Error::WaitFailed { .. }
                    ) =>
            {
                if !replaced {
                    // Best effort: record what is there now; otherwise recovery does.
                    let _ = self.record_truth(op, &at, step.kind, &id).await;
                }
                Err(e.to_string())
            }
            Err(e) => {
                self.record(
                    op,
                    &at,
                    Outcome::Failed {
                        message: e.to_string(),
                    },
                )?;
                Err(e.to_string())
            }
        }
    }

    /// The state entry holding `remote_id` for `address`: the address itself, or its
    /// deposed entry (create-before-destroy).
    fn holder_of(&self, address: &str, remote_id: &str) -> Option<garrison_state::ResourceState> {
        let deposed = deposed_address(address, &RemoteId::from(remote_id))
            .ok()?
            .to_string();
        self.store.lock().ok().and_then(|s| {
            let resources = &s.state().resources;
            resources
                .get(address)
                .filter(|p| p.remote_id.as_str() == remote_id)
                .or_else(|| resources.get(&deposed))
                .cloned()
        })
    }

    fn complete_delete(&self, op: OpRef, address: &str, replaced: bool) -> Result<(), String> {
        if replaced {
            self.record(
                op,
                address,
                Outcome::Failed {
                    message: "deleted the replaced object; the address keeps its replacement"
                        .into(),
                },
            )
        } else {
            self.record(op, address, Outcome::Deleted)
        }
    }

    async fn wait_gone(
        &self,
        step: &Step,
        kind: Kind,
        id: &Id,
        timeout: Duration,
    ) -> Result<(), barrack_api::Error> {
        self.waiting(step, "deleted");
        let what = format!("{kind} {id} to be deleted");
        self.client
            .wait_until(
                &what,
                timeout,
                || async {
                    match self.fetch(kind, id).await {
                        Ok(_) => Ok(false),
                        Err(e) if e.is_not_found() => Ok(true),
                        Err(e) => Err(e),
                    }
                },
                |gone: &bool| {
                    if *gone {
                        Poll::Done
                    } else {
                        Poll::Pending("present".into())
                    }
                },
            )
            .await
            .map(drop)
    }

    // ---------------------------------------------------------------- update

    /// Waits until a volume is out of `creating` (available, or in-use elsewhere: the
    /// attach then fails with the API's own message).
    async fn volume_ready(&self, id: &Id, timeout: Duration) -> Result<(), barrack_api::Error> {
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
    async fn settle_instance(
        &self,
        step: &Step,
        id: &Id,
        timeout: std::time::Duration,
    ) -> Result<wire::Instance, barrack_api::Error> {
        let c = &self.client;
        let current = c.get_instance(id).await?;
        if !wire::instance_status::is_transitional(&current.status)
            || current.status == wire::instance_status::DELETING
        {
            return Ok(current);
        }
        self.waiting(step, "a stable status");
        c.wait_until(
            &format!("instance {id} to settle"),
            timeout,
            || c.get_instance(id),
            |i: &wire::Instance| {
                if wire::instance_status::is_transitional(&i.status) {
                    barrack_api::Poll::Pending(i.status.clone())
                } else {
                    barrack_api::Poll::Done
                }
            },
        )
        .await
    }

    async fn update(&self, step: &Step, remote_id: &str, ops: &[UpdateOp]) -> Result<(), String> {
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
                    return Err(e.to_string());
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

    async fn update_op(&self, step: &Step, id: &Id, update: &UpdateOp) -> Result<(), String> {
        let c = &self.client;
        let timeout = self.timeout(step.kind, Op::Update);
        let s = |e: barrack_api::Error| e.to_string();
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
                let Some(Resource {
                    spec: Spec::Script(spec),
                    name,
                    ..
                }) = self.resource(&step.address)
                else {
                    return Err(format!("`{}` is not a script in the config", step.address));
                };
                let request = ScriptRequest {
                    name: name.clone(),
                    content: spec.content.clone(),
                    description: spec.description.clone(),
                };
                c.update_script(id, &request).await.map_err(s)?;
            }
            UpdateOp::AddFirewallRules { rules } => {
                for rule in rules {
                    c.add_firewall_rule(id, &rule_request_from_value(rule))
                        .await
                        .map_err(s)?;
                }
            }
            UpdateOp::DeleteFirewallRules { rule_ids } => {
                for rule in rule_ids {
                    match c.delete_firewall_rule(id, &Id::new(rule)).await {
                        Err(e) if !e.is_not_found() => return Err(e.to_string()),
                        _ => {}
                    }
                }
            }
            UpdateOp::AddSecurityRules { rules } => {
                for rule in rules {
                    c.add_instance_security_rule(id, &rule_request_from_value(rule))
                        .await
                        .map_err(s)?;
                }
            }
            UpdateOp::DeleteSecurityRules { rule_ids } => {
                for rule in rule_ids {
                    match c.delete_instance_security_rule(id, &Id::new(rule)).await {
                        Err(e) if !e.is_not_found() => return Err(e.to_string()),
                        _ => {}
                    }
                }
            }
            UpdateOp::AttachVolumes { volumes } => {
                let ids: Vec<Id> = volumes
                    .iter()
                    .map(|a| self.id_of(a))
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

    // ---------------------------------------------------------------- firewall attachments

    async fn sync_firewall(&self, step: &Step, vms: &[String]) -> Result<(), String> {
        let fw_id = self.id_of(&step.address)?;
        let vm_ids: Vec<Id> = vms
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
            .get_firewall(&fw_id)
            .await
            .map(|f| f.attachments.into_iter().map(|a| a.instance_id).collect())
            .unwrap_or_default();
        let mut sleepers: Vec<(String, Id, Power)> = Vec::new();
        for (address, vm) in vms.iter().zip(&vm_ids) {
            let instance = self
                .settle_instance(step, vm, vm_timeout)
                .await
                .map_err(|e| e.to_string())?;
            if let Some(power) =
                crate::observe::power_of(&instance.status).filter(|p| *p != Power::Running)
            {
                if !attached.contains(vm) {
                    sleepers.push((address.clone(), vm.clone(), power));
                }
            }
        }
        sleepers.sort_by(|a, b| a.0.cmp(&b.0));
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
        let lock = self.firewall_lock(&step.address);
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
                            .map_err(|e| e.to_string())
                    }
                    Err(e) => Err(e.to_string()),
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

/// Where a replaced object waits for its delete under create-before-destroy:
/// `vm.x (deposed 42)`. Not a config address, so a plan destroys whatever is left there.
pub(crate) fn deposed_address(address: &str, remote_id: &RemoteId) -> Result<StateKey, String> {
    let live = state_key(address)?.address().clone();
    Ok(StateKey::deposed(live, remote_id.clone()))
}

/// The state key a step names. Steps carry their address as text (the saved-plan format);
/// this is where it becomes a key, once per journal record.
pub(crate) fn state_key(address: &str) -> Result<StateKey, String> {
    address
        .parse::<StateKey>()
        .map_err(|e| format!("`{address}` is not a state address: {e}"))
}

/// Each distinct rule once, in config order (a rule written twice is one rule, as the plan
/// sees it).
fn unique_rules(
    rules: &[garrison_config::model::RuleSpec],
) -> impl Iterator<Item = &garrison_config::model::RuleSpec> {
    let mut seen = std::collections::HashSet::new();
    rules.iter().filter(move |r| seen.insert(*r))
}
