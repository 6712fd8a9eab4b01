//! Startup script operations: list, create, get, update, delete, bulk delete.

use barrack_wire::wire::{self, keys, Script, ScriptIdsRequest, ScriptRequest};
use barrack_wire::Id;

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::request::Req;
use crate::sim::Sim;
use crate::validate;

impl Sim {
    fn script_id(&self, req: &Req) -> ApiResult<u64> {
        let id = req.id("script")?;
        if self.world.scripts.contains_key(&id) {
            Ok(id)
        } else {
            Err(ApiError::not_found("script", id))
        }
    }

    /// Validates a script body; `own` is the script being updated (its name may stay).
    fn check_script(&self, body: &ScriptRequest, own: Option<u64>) -> ApiResult<()> {
        validate::name("script", &body.name, true)?;
        if self
            .world
            .scripts
            .iter()
            .any(|(id, s)| s.name == body.name && Some(*id) != own)
        {
            return Err(ApiError::bad_request(format!(
                "a script named `{}` already exists",
                body.name
            )));
        }
        if body.content.is_empty() {
            return Err(ApiError::bad_request("content must not be empty"));
        }
        if body.content.len() > wire::CLOUD_INIT_MAX_BYTES {
            return Err(ApiError::bad_request(format!(
                "content is {} bytes; the limit is {} bytes",
                body.content.len(),
                wire::CLOUD_INIT_MAX_BYTES
            )));
        }
        validate::description(&body.description)
    }

    pub(super) fn list_scripts(&mut self, req: &Req) -> ApiResult<Envelope> {
        let list: Vec<&Script> = self.world.scripts.values().collect();
        Ok(Envelope::ok("Scripts retrieved").page(keys::SCRIPTS, list, req.paging()?))
    }

    pub(super) fn get_script(&mut self, req: &Req) -> ApiResult<Envelope> {
        let id = self.script_id(req)?;
        Ok(Envelope::ok("Script retrieved").with(keys::SCRIPT, &self.world.scripts[&id]))
    }

    pub(super) fn create_script(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let body: ScriptRequest = req.json()?;
        self.check_script(&body, None)?;
        let id = self.world.new_id();
        let script = Script {
            id: Id::from(id),
            name: body.name,
            content: body.content,
            description: body.description,
            created_at: self.timestamp(now),
            updated_at: self.timestamp(now),
        };
        self.world.scripts.insert(id, script.clone());
        self.dirty = true;
        Ok(Envelope::ok("Script created").with(keys::SCRIPT, script))
    }

    pub(super) fn update_script(&mut self, now: SimMs, req: &Req) -> ApiResult<Envelope> {
        let id = self.script_id(req)?;
        let body: ScriptRequest = req.json()?;
        self.check_script(&body, Some(id))?;
        let updated_at = self.timestamp(now);
        let script = self
            .world
            .scripts
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("script", id))?;
        script.name = body.name;
        script.content = body.content;
        script.description = body.description;
        script.updated_at = updated_at;
        let script = script.clone();
        self.dirty = true;
        Ok(Envelope::ok("Script updated").with(keys::SCRIPT, script))
    }

    pub(super) fn delete_script(&mut self, req: &Req) -> ApiResult<Envelope> {
        let id = self.script_id(req)?;
        self.world.scripts.remove(&id);
        self.dirty = true;
        Ok(Envelope::ok(format!("Script {id} deleted")))
    }

    /// Deletes all or nothing: any unknown id is a 404 and nothing is deleted.
    pub(super) fn bulk_delete_scripts(&mut self, req: &Req) -> ApiResult<Envelope> {
        let body: ScriptIdsRequest = req.json()?;
        if body.script_ids.is_empty() {
            return Err(ApiError::bad_request("script_ids must not be empty"));
        }
        let mut ids = Vec::new();
        for script_id in &body.script_ids {
            match script_id.as_u64() {
                Some(id) if self.world.scripts.contains_key(&id) => ids.push(id),
                _ => return Err(ApiError::not_found("script", script_id)),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for id in &ids {
            self.world.scripts.remove(id);
        }
        self.dirty = true;
        Ok(Envelope::ok(format!("{} scripts deleted", ids.len())).with(keys::COUNT, ids.len()))
    }
}
