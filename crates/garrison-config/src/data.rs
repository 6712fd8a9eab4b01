//! Data sources (docs/language.md, "Data sources"): `data "KIND" "LABEL" { ... }` reads
//! something the cloud offers, referenced as `data.KIND.LABEL.ATTR`. The catalog kinds
//! (`pricing`, `os-images`, `gpu-models`, `regions`) are read from the catalog the config
//! is validated against: the API's at plan time, the cached or built-in one offline. The
//! object kinds and `gpu-stock` read the account (`data_objects.rs`).

use std::path::Path;

use crate::tree::KdlNode;
use serde_json::{json, Map, Value};

use crate::collect::{name_span, span, suggest};
use crate::diagnostic::Code;
use crate::eval::{Eval, Scope, Val};

/// The kinds this Garrison reads.
pub(crate) const KINDS: &[&str] = &[
    "pricing",
    "os-images",
    "gpu-models",
    "regions",
    "gpu-stock",
    "volume",
    "ssh-key",
    "image",
    "snapshot",
    "firewall",
    "vm",
];

/// The catalog kinds (the others read the account).
const CATALOG_KINDS: &[&str] = &["pricing", "os-images", "gpu-models", "regions"];

/// Evaluates every `data` node into `ev.data` (`KIND.LABEL` -> its value).
pub(crate) fn sources(ev: &mut Eval<'_>, nodes: &[(KdlNode<'_>, &Path)]) {
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
                &name_span(file, *node),
                "a data source needs a kind and a label",
                "kind or label missing",
                Some("write `data \"pricing\" \"now\"`".to_owned()),
            );
            continue;
        };
        let kind_span = span(file, args[0].span());
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
        let key = format!("{kind}.{label}");
        let value = if CATALOG_KINDS.contains(&kind) {
            read(ev, file, *node, kind)
        } else {
            crate::data_objects::read(ev, file, *node, kind, &key, &kind_span)
        };
        match value {
            Some(value) => {
                ev.data.insert(key, value);
            }
            None => {
                // Reported (or not read offline): what reads it stays quiet.
                ev.data_unread.insert(key);
            }
        }
    }
}

/// The value of one catalog data source; its only setting is an optional `region` filter
/// for `os-images` (every stock image is offered in every region).
fn read(ev: &mut Eval<'_>, file: &Path, node: KdlNode<'_>, kind: &str) -> Option<Value> {
    for c in node.children().unwrap_or_default() {
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
