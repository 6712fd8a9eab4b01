//! Startup scripts: account-wide text the API returns without a region.

use std::time::Duration;

use barrack_api::wire::{self, ScriptRequest};
use barrack_api::{Client, Error, Id};
use garrison_config::model::{Resource, ScriptSpec};
use garrison_plan::desired::Attrs;
use garrison_plan::schema::script;
use garrison_plan::Step;
use serde_json::{json, Value};

use super::EngineKind;
use crate::remote::RemoteObject;
use crate::steps::{CreateFailure, Ctx};

/// The `script` kind.
pub(crate) struct Script;

/// The API's request body for a script's config (create and update).
pub(crate) fn request(resource: &Resource, spec: &ScriptSpec) -> ScriptRequest {
    ScriptRequest {
        name: resource.name.clone(),
        content: spec.content.clone(),
        description: spec.description.clone(),
    }
}

impl EngineKind for Script {
    type Object = wire::Script;
    type Spec = ScriptSpec;
    const LIST: barrack_api::Op = barrack_api::Op::ListScripts;

    super::wire_members!(Script, wire::Script, scripts, no_region);

    async fn fetch(client: &Client, id: &Id) -> Result<wire::Script, Error> {
        client.get_script(id).await
    }

    fn observe(s: &wire::Script, out: &mut Attrs) {
        out.insert(script::CONTENT.into(), json!(s.content));
        out.insert(script::DESCRIPTION.into(), json!(s.description));
    }

    fn is_transitional(_: &wire::Script) -> bool {
        false
    }

    async fn settle(_: &Client, s: wire::Script, _: Duration) -> Result<wire::Script, Error> {
        Ok(s)
    }

    async fn create(
        ctx: &Ctx,
        step: &Step,
        resource: &Resource,
        spec: &ScriptSpec,
    ) -> Result<RemoteObject, CreateFailure> {
        let answer = ctx.client.create_script(&request(resource, spec)).await;
        let created = ctx.or_adopt(step, resource, answer, Self::pick).await?;
        Ok(RemoteObject::Script(created.value))
    }

    fn expected(_: &Resource, spec: &ScriptSpec) -> Value {
        json!({"content": spec.content, "description": spec.description})
    }

    async fn delete(ctx: &Ctx, _: &Step, id: &Id, _: &mut bool) -> Result<(), Error> {
        ctx.client.delete_script(id).await
    }
}
