//! Block volumes: created `creating` -> `available`; attached to VMs by the VM's steps.

use std::time::Duration;

use barrack_api::wire::{self, volume_status, CreateVolumeRequest};
use barrack_api::{Client, Error, Id};
use garrison_config::model::{Kind, Op, Resource, VolumeSpec};
use garrison_plan::desired::Attrs;
use garrison_plan::schema::{self, volume};
use garrison_plan::Step;
use serde_json::{json, Value};

use super::EngineKind;
use crate::observe::id_or_null;
use crate::remote::RemoteObject;
use crate::steps::{exists, CreateFailure, Ctx};

/// The `volume` kind.
pub(crate) struct Volume;

/// The statuses a volume settles in: free, or attached.
pub(crate) const SETTLED: [&str; 2] = [volume_status::AVAILABLE, volume_status::IN_USE];

impl EngineKind for Volume {
    type Object = wire::Volume;
    type Spec = VolumeSpec;
    const LIST: barrack_api::Op = barrack_api::Op::ListVolumes;

    super::wire_members!(Volume, wire::Volume, volumes);

    async fn fetch(client: &Client, id: &Id) -> Result<wire::Volume, Error> {
        client.observe_volume(id, super::READ_TIMEOUT).await
    }

    fn observe(v: &wire::Volume, out: &mut Attrs) {
        out.insert(volume::SIZE_GB.into(), json!(v.size));
        out.insert(volume::TYPE.into(), json!(v.volume_type));
        out.insert(volume::BOOTABLE.into(), json!(v.bootable));
        out.insert(
            volume::IMAGE.into(),
            v.image_name
                .as_deref()
                .filter(|n| !n.is_empty())
                .map_or(Value::Null, |n| json!(n)),
        );
        out.insert(volume::DESCRIPTION.into(), json!(v.description));
        out.insert(schema::STATUS.into(), json!(v.status));
        out.insert(
            volume::ATTACHED_TO.into(),
            id_or_null(v.instance_id.as_ref()),
        );
    }

    fn is_transitional(v: &wire::Volume) -> bool {
        v.status == volume_status::CREATING
    }

    async fn settle(
        client: &Client,
        v: wire::Volume,
        timeout: Duration,
    ) -> Result<wire::Volume, Error> {
        client.wait_volume_status(&v.id, &SETTLED, timeout).await
    }

    async fn create(
        ctx: &Ctx,
        step: &Step,
        resource: &Resource,
        spec: &VolumeSpec,
    ) -> Result<RemoteObject, CreateFailure> {
        let request = CreateVolumeRequest {
            name: resource.name.clone(),
            region: resource.region.clone(),
            size: spec.size_gb,
            volume_type: spec.volume_type.clone(),
            bootable: spec.bootable,
            image_name: spec.image.clone(),
            description: spec.description.clone(),
        };
        let answer = ctx.client.create_volume(&request).await;
        let created = ctx.or_adopt(step, resource, answer, Self::pick).await?;
        let id = created.value.id.clone();
        ctx.waiting(step, volume_status::AVAILABLE);
        let timeout = ctx.timeout(Kind::Volume, Op::Create);
        let volume = ctx
            .client
            .wait_volume_status(&id, &[volume_status::AVAILABLE], timeout)
            .await
            .map_err(exists(&id))?;
        Ok(RemoteObject::Volume(volume))
    }

    fn expected(resource: &Resource, spec: &VolumeSpec) -> Value {
        json!({
            "region": resource.region, "size": spec.size_gb, "volume_type": spec.volume_type,
            "bootable": spec.bootable, "description": spec.description,
        })
    }

    async fn delete(ctx: &Ctx, step: &Step, id: &Id, _: &mut bool) -> Result<(), Error> {
        ctx.client.delete_volume(id).await?;
        ctx.wait_gone(step, Kind::Volume, id).await
    }
}
