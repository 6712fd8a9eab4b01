//! Object data sources (docs/language.md, "Data sources"): `data "volume" "LABEL" { name
//! "..." }` (and `ssh-key`, `image`, `snapshot`, `firewall`, `vm`) finds one existing
//! object by exact name (and `region`) in the account the engine listed at plan time, and
//! `data "gpu-stock"` reads the GPUs available. Read only: a data object is never adopted,
//! changed or destroyed; a VM may attach it by id. Offline (no account read) each is a
//! `data_not_read` warning and what reads it is left out.

use std::path::Path;

use crate::tree::KdlNode;
use serde_json::{json, Map, Value};

use crate::account::{Account, AccountObject};
use crate::collect::{did_you_mean, name_span};
use crate::diagnostic::Code;
use crate::eval::{Eval, Scope, Val};
use crate::model::{Kind, Span};

/// The stock kind.
pub(crate) const STOCK: &str = "gpu-stock";

/// The settings of one data block, evaluated: `name` and `region`.
#[derive(Default)]
struct Filter {
    name: Option<String>,
    region: Option<String>,
}

/// Reads `data "KIND" "LABEL"` of an object kind or `gpu-stock`; `None` when it is not
/// decided (reported, or not read offline).
pub(crate) fn read(
    ev: &mut Eval<'_>,
    file: &Path,
    node: KdlNode<'_>,
    kind: &str,
    key: &str,
    kind_span: &Span,
) -> Option<Value> {
    let object_kind = kind.parse::<Kind>().ok().filter(|_| kind != STOCK);
    let filter = settings(ev, file, node, kind, object_kind)?;
    if let Some(k) = object_kind {
        ev.account_needs.kinds.insert(k);
    } else {
        ev.account_needs.stock = true;
    }
    let Some(account) = ev.offered.account.clone() else {
        ev.data_unread.insert(key.to_owned());
        ev.diags.warning(
            Code::DataNotRead,
            kind_span,
            format!("data source `data.{key}` is read from the cloud at plan time, not offline"),
            "not read offline",
            Some("`garrison plan` reads it; here, what uses it is left out".to_owned()),
        );
        return None;
    };
    match object_kind {
        Some(k) => object(ev, &account, k, &filter, key, &name_span(file, node)),
        None => Some(stock(&account, filter.region.as_deref())),
    }
}

/// The `name` and `region` settings; `name` is required of an object kind, `gpu-stock`
/// takes only `region`, an SSH key (account-wide) no `region`.
fn settings(
    ev: &mut Eval<'_>,
    file: &Path,
    node: KdlNode<'_>,
    kind: &str,
    object_kind: Option<Kind>,
) -> Option<Filter> {
    let mut filter = Filter::default();
    let mut ok = true;
    for c in node.children().unwrap_or_default() {
        let setting = c.name().value();
        let allowed = match setting {
            "name" => object_kind.is_some(),
            "region" => object_kind != Some(Kind::SshKey),
            _ => false,
        };
        if !allowed {
            ev.diags.error(
                Code::UnknownAttribute,
                &name_span(file, c),
                format!("data source `{kind}` has no setting `{setting}`"),
                "unknown setting",
                Some(if object_kind.is_some() {
                    "an object data source takes `name` (exact) and `region` (not an SSH key)"
                        .to_owned()
                } else {
                    "`gpu-stock` takes `region`".to_owned()
                }),
            );
            ok = false;
            continue;
        }
        let value = string_setting(ev, file, c)?;
        if setting == "name" {
            filter.name = Some(value);
        } else {
            filter.region = Some(value);
        }
    }
    if object_kind.is_some() && filter.name.is_none() && ok {
        ev.diags.error(
            Code::MissingAttribute,
            &name_span(file, node),
            format!("data source `{kind}` needs `name`"),
            "no `name`",
            Some(format!(
                "write `data \"{kind}\" \"LABEL\" {{ name \"...\" }}`"
            )),
        );
        return None;
    }
    ok.then_some(filter)
}

/// One string setting's value (plan-time; reported otherwise).
fn string_setting(ev: &mut Eval<'_>, file: &Path, c: KdlNode<'_>) -> Option<String> {
    let Some(first) = c.entries().iter().find(|e| e.name().is_none()) else {
        ev.diags.error(
            Code::MissingAttribute,
            &name_span(file, c),
            format!("`{}` needs a value", c.name().value()),
            "no value",
            None,
        );
        return None;
    };
    let at = crate::collect::span(file, first.span());
    match ev.entry(file, first, &Scope::default()).val {
        Val::Json(Value::String(s)) => Some(s),
        Val::Poison => None,
        _ => {
            ev.diags.error(
                Code::WrongType,
                &at,
                format!("`{}` is a plan-time string", c.name().value()),
                "not a string",
                None,
            );
            None
        }
    }
}

/// The one object of `kind` named `filter.name` (in `filter.region`): its attributes;
/// none or several is an error naming what was found.
fn object(
    ev: &mut Eval<'_>,
    account: &Account,
    kind: Kind,
    filter: &Filter,
    key: &str,
    at: &Span,
) -> Option<Value> {
    let name = filter.name.as_deref().unwrap_or_default();
    let of_kind = || account.objects.iter().filter(move |o| o.kind == kind);
    let matches: Vec<&AccountObject> = of_kind()
        .filter(|o| o.name == name)
        .filter(|o| filter.region.as_ref().is_none_or(|r| &o.region == r))
        .collect();
    let place = filter
        .region
        .as_ref()
        .map(|r| format!(" in region `{r}`"))
        .unwrap_or_default();
    match matches.as_slice() {
        [one] => {
            ev.data_ids
                .insert((kind, one.id.clone()), format!("data.{key}"));
            Some(value(one))
        }
        [] => {
            let help = did_you_mean(name, of_kind().map(|o| o.name.as_str()))
                .map(|c| format!("did you mean `{c}`?"))
                .or_else(|| Some(format!("`data.{key}` reads an existing {kind}; create it first, or manage it with a `{kind}` block")));
            ev.diags.error(
                Code::DataNotFound,
                at,
                format!("no {kind} named `{name}`{place} in the account"),
                "nothing found",
                help,
            );
            None
        }
        several => {
            let ids: Vec<String> = several.iter().map(|o| o.id.to_string()).collect();
            ev.diags.error(
                Code::DataAmbiguous,
                at,
                format!(
                    "{} {kind}s are named `{name}`{place} in the account (ids {})",
                    several.len(),
                    ids.join(", ")
                ),
                "several found",
                Some(if filter.region.is_none() && kind != Kind::SshKey {
                    "add `region` to choose one".to_owned()
                } else {
                    "rename all but one in the cloud".to_owned()
                }),
            );
            None
        }
    }
}

/// An object's data source value: its attributes, with `id`, `name` and `region` always.
fn value(o: &AccountObject) -> Value {
    let mut attrs = o.attrs.clone();
    attrs.insert("id".into(), json!(o.id.as_str()));
    attrs.insert("name".into(), json!(o.name));
    attrs.insert("region".into(), json!(o.region));
    Value::Object(attrs)
}

/// `gpu-stock`: `available` (model -> GPUs, summed over regions unless `region` is
/// given) and `regions` (region -> model -> GPUs).
fn stock(account: &Account, region: Option<&str>) -> Value {
    let mut available: Map<String, Value> = Map::new();
    let mut regions: Map<String, Value> = Map::new();
    for line in &account.stock {
        let per = regions
            .entry(line.region.clone())
            .or_insert_with(|| json!({}));
        if let Value::Object(m) = per {
            m.insert(line.gpu_model.clone(), json!(line.available));
        }
        if region.is_none_or(|r| r == line.region) {
            let sum = available
                .get(&line.gpu_model)
                .and_then(Value::as_u64)
                .unwrap_or_default();
            available.insert(
                line.gpu_model.clone(),
                json!(sum + u64::from(line.available)),
            );
        }
    }
    json!({ "available": available, "regions": regions })
}
