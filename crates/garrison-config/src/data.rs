//! Data sources (docs/language.md, "Data sources"): `data "KIND" "LABEL" { ... }` reads
//! something the cloud offers, referenced as `data.KIND.LABEL.ATTR`. The catalog kinds
//! (`pricing`, `os-images`, `gpu-models`, `regions`) are read from the catalog the config
//! is validated against: the API's at plan time, the cached or built-in one offline.

use std::path::Path;

use crate::tree::KdlNode;
use serde_json::{json, Map, Value};

use crate::collect::{name_span, span, suggest};
use crate::diagnostic::Code;
use crate::eval::{Eval, Scope, Val};

/// The kinds this Garrison reads.
pub(crate) const KINDS: &[&str] = &["pricing", "os-images", "gpu-models", "regions"];

/// Kinds the language reserves for later (objects read through the refresh's lists).
const LATER: &[&str] = &[
    "volume",
    "ssh-key",
    "image",
    "snapshot",
    "firewall",
    "vm",
    "gpu-stock",
];

/// Evaluates every `data` node into `ev.data` (`KIND.LABEL` -> its value).
pub(crate) fn sources(ev: &mut Eval<'_>, nodes: &[(&KdlNode, &Path)]) {
    for (node, file) in nodes {
        let args: Vec<_> = node
            .entries()
            .iter()
            .filter(|e| e.name().is_none())
            .collect();
        let (Some(kind), Some(label)) = (
            args.first().and_then(|e| e.value().as_string()),
            args.get(1).and_then(|e| e.value().as_string()),
        ) else {
            ev.diags.error(
                Code::MissingAttribute,
                &name_span(file, node),
                "a data source needs a kind and a label",
                "kind or label missing",
                Some("write `data \"pricing\" \"now\"`".to_owned()),
            );
            continue;
        };
        let kind_span = span(file, args[0].span());
        if LATER.contains(&kind) {
            ev.diags.error(
                Code::InvalidValue,
                &kind_span,
                format!("data source `{kind}` is not supported yet"),
                "not yet",
                Some(format!("this Garrison reads {}; bring an existing object under management with an `import` block instead", listed())),
            );
            continue;
        }
        if !KINDS.contains(&kind) {
            ev.diags.error(
                Code::UnknownKind,
                &kind_span,
                format!("unknown data source `{kind}`"),
                "not a data source",
                suggest(kind, KINDS),
            );
            continue;
        }
        if let Some(value) = read(ev, file, node, kind) {
            ev.data.insert(format!("{kind}.{label}"), value);
        }
    }
}

fn listed() -> String {
    KINDS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value of one catalog data source; its only setting is an optional `region` filter
/// for `os-images` (every stock image is offered in every region).
fn read(ev: &mut Eval<'_>, file: &Path, node: &KdlNode, kind: &str) -> Option<Value> {
    for c in node.children().map(|d| d.nodes()).unwrap_or_default() {
        let name = c.name().value();
        if !(kind == "os-images" && name == "region") {
            ev.diags.error(
                Code::UnknownAttribute,
                &name_span(file, c),
                format!("data source `{kind}` has no setting `{name}`"),
                "unknown setting",
                None,
            );
            return None;
        }
        let first = c.entries().first()?;
        if let Val::Poison = ev.entry(file, first, &Scope::default()).val {
            return None;
        }
    }
    let catalog = &ev.offered.catalog;
    Some(match kind {
        "pricing" => {
            let gpus: Map<String, Value> = catalog
                .gpu_models
                .iter()
                .map(|g| (g.name.clone(), json!(g.price_per_hour)))
                .collect();
            json!({
                "gpus": gpus,
                "volume-tb-hour": barrack_wire::catalog::VOLUME_PRICE_PER_TB_HOUR,
            })
        }
        "os-images" => json!({ "names": catalog.os_images }),
        "gpu-models" => json!({
            "names": catalog.gpu_models.iter().map(|g| g.name.clone()).collect::<Vec<_>>(),
            "counts": catalog.gpu_models.iter().map(|g| (g.name.clone(), json!(g.counts))).collect::<Map<String, Value>>(),
        }),
        _ => json!({ "names": catalog.regions }),
    })
}
