//! An `image` block: the snapshot it was made from, and a description. An image whose
//! snapshot is gone cannot be written (`snapshot` is required).

use barrack_api::wire::{snapshot_status, Image};
use garrison_core::attr::image;

use super::{references, region, settled, Body, Ctx};
use crate::generate::kdl::string;
use crate::generate::refs::{links, targets};
use crate::kinds::EngineKind;
use crate::remote::RemoteObject;

pub(super) fn body(m: &Image, ctx: &Ctx<'_>) -> Result<Body, String> {
    let transitional = <crate::kinds::image::Image as EngineKind>::is_transitional(m);
    settled(&m.status, &[snapshot_status::SUCCESS], transitional)?;
    let links = links(&RemoteObject::Image(m.clone()));
    let snapshot = references(image::SNAPSHOT, ctx, &targets(&links, image::SNAPSHOT))
        .map_err(|e| format!("{e}; an `image` block needs the `snapshot` it was made from"))?.ok_or(
        "the API names no snapshot for it, and an `image` block needs the `snapshot` it was made from",
    )?;
    let mut lines = vec![snapshot];
    if !m.description.is_empty() {
        lines.push(format!("{} {}", image::DESCRIPTION, string(&m.description)));
    }
    Ok(Body {
        region: region(&m.region, ctx)?,
        lines,
        notes: Vec::new(),
    })
}
