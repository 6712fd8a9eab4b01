//! Custom images: made from a snapshot (which must be ready first).

use std::time::Duration;

use barrack_api::wire::{self, snapshot_status, CreateImageRequest};
use barrack_api::{Client, Error, Id};
use garrison_config::model::{ImageSpec, Kind, Op, Resource};
use garrison_plan::desired::Attrs;
use garrison_plan::schema::{self, image};
use garrison_plan::Step;
use serde_json::{json, Value};

use super::EngineKind;
use crate::observe::id_or_null;
use crate::remote::RemoteObject;
use crate::steps::{exists, CreateFailure, Ctx};

/// The `image` kind.
pub(crate) struct Image;

impl EngineKind for Image {
    type Object = wire::Image;
    type Spec = ImageSpec;
    const LIST: barrack_api::Op = barrack_api::Op::ListImages;

    super::wire_members!(Image, wire::Image, images);

    async fn fetch(client: &Client, id: &Id) -> Result<wire::Image, Error> {
        client.observe_image(id, super::READ_TIMEOUT).await
    }

    fn observe(i: &wire::Image, out: &mut Attrs) {
        out.insert(image::SNAPSHOT.into(), id_or_null(i.snapshot_id.as_ref()));
        out.insert(image::DESCRIPTION.into(), json!(i.description));
        out.insert(schema::STATUS.into(), json!(i.status));
        out.insert(image::SIZE_GB.into(), json!(i.size_gb));
    }

    fn is_transitional(i: &wire::Image) -> bool {
        i.status == snapshot_status::CREATING
    }

    async fn settle(
        client: &Client,
        i: wire::Image,
        timeout: Duration,
    ) -> Result<wire::Image, Error> {
        client.wait_image_ready(&i.id, timeout).await
    }

    async fn create(
        ctx: &Ctx,
        step: &Step,
        resource: &Resource,
        spec: &ImageSpec,
    ) -> Result<RemoteObject, CreateFailure> {
        let c = &ctx.client;
        let timeout = ctx.timeout(Kind::Image, Op::Create);
        let snapshot = ctx
            .id_of(&spec.snapshot)
            .map_err(|e| CreateFailure::NotCreated(e.into()))?;
        c.wait_snapshot_ready(&snapshot, timeout)
            .await
            .map_err(|e| CreateFailure::NotCreated(e.into()))?;
        let request = CreateImageRequest {
            name: resource.name.clone(),
            description: spec.description.clone(),
        };
        let answer = c.create_image_from_snapshot(&snapshot, &request).await;
        let created = ctx.or_adopt(step, resource, answer, Self::pick).await?;
        let id = created.value.id.clone();
        ctx.waiting(step, snapshot_status::SUCCESS);
        let image = c
            .wait_image_ready(&id, timeout)
            .await
            .map_err(exists(&id))?;
        Ok(RemoteObject::Image(image))
    }

    fn expected(_: &Resource, spec: &ImageSpec) -> Value {
        json!({"description": spec.description})
    }

    async fn delete(ctx: &Ctx, step: &Step, id: &Id, _: &mut bool) -> Result<(), Error> {
        ctx.client.delete_image(id).await?;
        ctx.wait_gone(step, Kind::Image, id).await
    }
}
