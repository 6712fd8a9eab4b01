//! Resource blocks to instances: `count` / `for-each` expansion, then each instance's
//! common attributes and kind-specific [`Spec`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::tree::KdlNode;
use serde_json::Value;

use crate::build::{Builder, Children};
use crate::catalog;
use crate::collect::{name_span, span, suggest};
use crate::diagnostic::Code;
use crate::eval::{Block, Ev, Eval, Expansion, Scope, Val};
use crate::model::*;
use crate::offered::List;
use crate::schema;

/// Largest `count` accepted (a typo guard, far above account quotas).
pub(crate) const MAX_COUNT: i64 = 256;

/// Evaluates `count=` / `for-each=` of a block. References to resources are not allowed
/// there: instances must be known before any resource is evaluated.
pub(crate) fn expand(ev: &mut Eval<'_>, block: &Block<'_>) -> Expansion {
    let file = block.file;
    let mut count = None;
    let mut each = None;
    for e in block
        .node
        .entries()
        .iter()
        .filter(|e| e.name().is_none())
        .skip(1)
    {
        ev.diags.error(
            Code::UnknownAttribute,
            &span(file, e.span()),
            format!("`{} \"{}\"` takes one label", block.kind, block.label),
            "unexpected argument",
            Some("settings go inside the braces: `KIND \"NAME\" { ... }`".to_owned()),
        );
    }
    for e in block.node.entries() {
        let Some(n) = e.name() else { continue };
        match n.value() {
            "count" => count = Some(e),
            "for-each" => each = Some(e),
            other => ev.diags.error(
                Code::UnknownAttribute,
                &span(file, e.span()),
                format!("resources take no property `{other}`"),
                "unknown property",
                suggest(other, schema::RESOURCE_PROPS),
            ),
        }
    }
    let addr = format!("{}.{}", block.kind, block.label);
    expansion(ev, file, &addr, count, each)
}

/// The expansion a `count=` or `for-each=` entry (at most one of them) gives the block or
/// module call `addr`.
pub(crate) fn expansion(
    ev: &mut Eval<'_>,
    file: &std::path::Path,
    addr: &str,
    count: Option<crate::tree::KdlEntry<'_>>,
    each: Option<crate::tree::KdlEntry<'_>>,
) -> Expansion {
    match (count, each) {
        (None, None) => Expansion::Single,
        (Some(_), Some(e)) => {
            ev.diags.error(
                Code::InvalidCount,
                &span(file, e.span()),
                format!("`{addr}` has both `count` and `for-each`"),
                "second expansion",
                Some(
                    "keep one: `count` for N identical instances, `for-each` for one per key"
                        .to_owned(),
                ),
            );
            Expansion::Failed
        }
        (Some(e), None) => {
            let sp = span(file, e.span());
            ev.begin_refs();
            let v = ev.entry(file, e, &Scope::default());
            let refs = ev.end_refs();
            if !refs.is_empty() {
                return no_resource_refs(ev, &sp, "count");
            }
            match v.val {
                Val::Json(Value::Number(n))
                    if n.as_i64().is_some_and(|n| (0..=MAX_COUNT).contains(&n)) =>
                {
                    Expansion::Count(n.as_i64().unwrap_or(0) as u32)
                }
                Val::Poison => Expansion::Failed,
                other => {
                    ev.diags.error(
                        Code::InvalidCount,
                        &sp,
                        format!("`count` must be a whole number from 0 to {MAX_COUNT}"),
                        match other {
                            Val::Json(v) => format!("this is {}", crate::literal::show(&v)),
                            _ => "not a number".to_owned(),
                        },
                        None,
                    );
                    Expansion::Failed
                }
            }
        }
        (None, Some(e)) => {
            let sp = span(file, e.span());
            ev.begin_refs();
            let v = ev.entry(file, e, &Scope::default());
            let refs = ev.end_refs();
            if !refs.is_empty() {
                return no_resource_refs(ev, &sp, "for-each");
            }
            if v.sensitive {
                ev.diags.error(
                    Code::SensitiveName,
                    &sp,
                    "`for-each` derives from a sensitive variable",
                    "sensitive keys",
                    Some("`for-each` keys become addresses and cloud names, which are public: use a non-sensitive list or map".to_owned()),
                );
                return Expansion::Failed;
            }
            let mut m = BTreeMap::new();
            match v.val {
                Val::Json(Value::Array(items)) => {
                    for item in items {
                        match item {
                            Value::String(s) if !s.is_empty() => {
                                if m.insert(s.clone(), Value::String(s.clone())).is_some() {
                                    ev.diags.error(
                                        Code::InvalidCount,
                                        &sp,
                                        format!("`for-each` lists \"{s}\" twice"),
                                        "duplicate key",
                                        None,
                                    );
                                    return Expansion::Failed;
                                }
                            }
                            other => {
                                ev.diags.error(
                                    Code::InvalidCount,
                                    &sp,
                                    format!(
                                        "`for-each` keys must be non-empty strings, found {}",
                                        crate::literal::show(&other)
                                    ),
                                    "bad key",
                                    None,
                                );
                                return Expansion::Failed;
                            }
                        }
                    }
                    Expansion::Each(m)
                }
                Val::Json(Value::Object(obj)) => Expansion::Each(obj.into_iter().collect()),
                Val::Poison => Expansion::Failed,
                _ => {
                    ev.diags.error(
                        Code::InvalidCount,
                        &sp,
                        "`for-each` takes a list of strings or a map",
                        "not a list or map",
                        Some("write `for-each=(ref)\"var.NAMES\"` with a list or map variable or local".to_owned()),
                    );
                    Expansion::Failed
                }
            }
        }
    }
}

fn no_resource_refs(ev: &mut Eval<'_>, sp: &Span, what: &str) -> Expansion {
    ev.diags.error(
        Code::InvalidCount,
        sp,
        format!("`{what}` cannot depend on resources"),
        "refers to a resource",
        Some(
            "instances must be known before any resource is evaluated: use variables and locals"
                .to_owned(),
        ),
    );
    Expansion::Failed
}

const NODE_PROPS_NONE: &[&str] = &[];

/// Builds one instance of `block`.
pub(crate) fn build(
    ev: &mut Eval<'_>,
    position: usize,
    index: Option<Index>,
    each_value: Option<Value>,
) -> Option<Resource> {
    let block = ev.blocks.at(position)?;
    let (kind, node, file) = (block.kind, block.node, block.file);
    let addr = Address::new(kind, Arc::clone(&block.label))
        .with_index(index.clone())
        .in_module(&ev.module);
    let scope = Scope::for_index(&index, each_value);
    let res_span = crate::collect::header_span(file, node);
    let label_span = node
        .entries()
        .iter()
        .find(|e| e.name().is_none())
        .map_or_else(|| name_span(file, node), |e| span(file, e.span()));
    ev.begin_refs();
    let mut b = Builder {
        ev,
        file,
        scope,
        addr: addr.clone(),
        sensitive: BTreeSet::new(),
        sensitive_spans: BTreeSet::new(),
        misspelt: Vec::new(),
    };
    let mut allowed: Vec<&str> = schema::COMMON_ATTRS.to_vec();
    allowed.extend(schema::config_attrs(kind));
    let c = b.children(node, &allowed);

    // name
    let default_name = c.get("name").is_none();
    let name = match c.get("name") {
        Some(n) => b.string(n).and_then(|(s, sp)| {
            if b.sensitive_spans.contains(&sp) {
                sensitive_name(&mut b, &sp);
                return None;
            }
            check_name(&mut b, &s, &sp, kind);
            Some(s)
        }),
        None => {
            let s = crate::eval::default_name(&addr.name, &index);
            check_name(&mut b, &s, &label_span, kind);
            Some(s)
        }
    };
    // region (none for SSH keys: Barrack copies every key to all regions)
    let region = match c.get("region") {
        _ if kind == Kind::SshKey => Some(account_wide_region(&mut b, &c)),
        Some(n) => b
            .string(n)
            .and_then(|(r, sp)| b.offered(&r, &sp, "region", List::Regions).then_some(r)),
        None => {
            let linked = match kind {
                // snapshots and images live where their source does
                Kind::Snapshot | Kind::Image => b.ev.static_attr(&addr, "region", &res_span),
                _ => crate::eval::Ev::poison(),
            };
            match (linked.val, &b.ev.provider_region) {
                (Val::Json(Value::String(r)), _) => Some(r),
                (_, Some(r)) => Some(r.clone()),
                // the provider's region is invalid: reported once, there
                (_, None) if b.ev.provider_region_failed => None,
                (_, None) => {
                    b.ev.diags.error(
                        Code::MissingRegion,
                        &label_span,
                        format!("`{}` has no region", addr.block()),
                        "no `region`, and the provider sets none",
                        Some("add `region \"NORWAY-1\"` here, or `provider \"barrack\" { region \"NORWAY-1\" }`".to_owned()),
                    );
                    None
                }
            }
        }
    };
    let protect = c.get("protect").and_then(|n| b.bool(n)).unwrap_or(false);
    let depends_on = c
        .get("depends-on")
        .map(|n| depends_on(&mut b, n))
        .unwrap_or_default();
    let pre = c.all("precondition");
    let scope = b.scope.clone();
    crate::conditions::preconditions(b.ev, file, &pre, &scope, &addr.to_string());
    let postconditions = crate::postcondition::collect(b.ev, file, &c.all("postcondition"));
    let lifecycle = c
        .get("lifecycle")
        .map(|n| lifecycle(&mut b, n, kind))
        .unwrap_or_default();
    let spec = match kind {
        Kind::Vm => vm(&mut b, &c, &label_span).map(|v| Spec::Vm(Box::new(v))),
        Kind::Volume => volume(&mut b, &c, &label_span).map(Spec::Volume),
        Kind::Firewall => firewall(&mut b, &c).map(Spec::Firewall),
        Kind::SshKey => ssh_key(&mut b, &c, &label_span).map(Spec::SshKey),
        Kind::Script => script(&mut b, &c, &label_span).map(Spec::Script),
        Kind::Snapshot => {
            let vm = required(&mut b, &c, "vm", &label_span, "(ref)\"vm.NAME\"")
                .and_then(|n| b.link(n, Kind::Vm));
            let description = description(&mut b, &c);
            vm.map(|vm| Spec::Snapshot(SnapshotSpec { vm, description }))
        }
        Kind::Image => {
            let snap = required(
                &mut b,
                &c,
                "snapshot",
                &label_span,
                "(ref)\"snapshot.NAME\"",
            )
            .and_then(|n| b.link(n, Kind::Snapshot));
            let description = description(&mut b, &c);
            snap.map(|snapshot| {
                Spec::Image(ImageSpec {
                    snapshot,
                    description,
                })
            })
        }
    };
    if let (Some(Spec::Vm(vm)), Some(region)) = (&spec, &region) {
        let mut links = vm.data_links.clone();
        if let BootSource::DataImage(l) = &vm.boot {
            links.push(l.clone());
        }
        crate::data_links::check_regions(b.ev, &links, region, &label_span);
    }
    let sensitive_attrs = std::mem::take(&mut b.sensitive);
    let refs = b.ev.end_refs();
    Some(Resource {
        address: addr,
        name: name?,
        default_name,
        region: region?,
        protect,
        lifecycle,
        depends_on,
        refs,
        sensitive_attrs,
        spec: spec?,
        span: res_span,
        postconditions,
    })
}

/// Cloud-side names are public (listed by the API, stored in plain text in the state,
/// plans and the journal): a name must not derive from a sensitive variable.
fn sensitive_name(b: &mut Builder<'_, '_>, sp: &Span) {
    b.ev.diags.error(
        Code::SensitiveName,
        sp,
        format!(
            "the name of `{}` derives from a sensitive variable",
            b.addr.block()
        ),
        "sensitive value in a name",
        Some("cloud names are public: build the name from non-sensitive values only".to_owned()),
    );
}

fn check_name(b: &mut Builder<'_, '_>, s: &str, sp: &Span, kind: Kind) {
    let ok_char: fn(char) -> bool = if kind == Kind::SshKey {
        catalog::is_ssh_key_name_char
    } else {
        catalog::is_name_char
    };
    let bad: Vec<char> = s.chars().filter(|c| !ok_char(*c)).collect();
    let len = s.chars().count();
    if len == 0 || len > catalog::NAME_MAX || !bad.is_empty() {
        let why = if len == 0 {
            "is empty".to_owned()
        } else if len > catalog::NAME_MAX {
            format!("is {len} characters long (at most {})", catalog::NAME_MAX)
        } else {
            format!("contains `{}`", bad.iter().collect::<String>())
        };
        let allowed = if kind == Kind::SshKey {
            "letters, digits, `_`, `.` and `-` (no spaces)"
        } else {
            "letters, digits, spaces, `_`, `.` and `-`"
        };
        b.ev.diags.error(
            Code::InvalidName,
            sp,
            // counted instances report a shared mistake once: the block, without the
            // per-instance value (the template is in the snippet)
            if b.addr.index.is_some() {
                format!("the name of `{}` {why}", b.addr.block())
            } else {
                format!("the name `{s}` of `{}` {why}", b.addr)
            },
            "invalid name",
            Some(format!(
                "{kind} names are 1-{} characters: {allowed}",
                catalog::NAME_MAX
            )),
        );
    }
}

fn required<'a>(
    b: &mut Builder<'_, 'a>,
    c: &Children<'a>,
    attr: &str,
    sp: &Span,
    example: &str,
) -> Option<KdlNode<'a>> {
    let n = c.get(attr);
    // `size-gbb` was reported with "did you mean `size-gb`?": that is the one mistake.
    let misspelt = b.misspelt.iter().any(|m| m == attr);
    if n.is_none() && !misspelt {
        b.ev.diags.error(
            Code::MissingAttribute,
            sp,
            format!("`{}` needs `{attr}`", b.addr.block()),
            format!("`{attr}` missing"),
            Some(format!("add `{attr} {example}`")),
        );
    }
    n
}

fn description<'a>(b: &mut Builder<'_, 'a>, c: &Children<'a>) -> String {
    c.get("description")
        .and_then(|n| b.string(n))
        .map(|(s, _)| s)
        .unwrap_or_default()
}

fn depends_on<'a>(b: &mut Builder<'_, 'a>, node: KdlNode<'a>) -> Vec<Edge> {
    let mut out = Vec::new();
    b.check_props(node, NODE_PROPS_NONE);
    // explicit dependencies are not implicit references: keep them out of `refs`
    b.ev.begin_refs();
    for e in Builder::args(node) {
        let sp = b.sp(e.span());
        // a plain "vm.x" string is accepted as well as (ref)"vm.x"
        let ev = match (e.ty(), e.value().as_string()) {
            (None, Some(s)) => b.ev.reference(s, &sp, &b.scope.clone()),
            _ => b.ev.entry(b.file, e, &b.scope.clone()),
        };
        match ev.val {
            Val::Link(a) => out.push(Edge {
                target: a,
                span: sp,
            }),
            Val::Links(v) => out.extend(v.into_iter().map(|a| Edge {
                target: a,
                span: sp.clone(),
            })),
            Val::Poison => {}
            _ => b.ev.diags.error(
                Code::WrongType,
                &sp,
                "`depends-on` lists resources",
                "not a resource",
                Some("write `depends-on (ref)\"KIND.NAME\"`".to_owned()),
            ),
        }
    }
    b.ev.end_refs();
    out
}

/// `replace-triggered-by (ref)"KIND.NAME" ...`: resources (any kind, an instance or every
/// instance of a block) whose planned change replaces this resource.
fn triggers<'a>(b: &mut Builder<'_, 'a>, node: KdlNode<'a>) -> Vec<Address> {
    let mut out = Vec::new();
    for e in Builder::args(node) {
        let sp = b.sp(e.span());
        let scope = b.scope.clone();
        match b.ev.entry(b.file, e, &scope).val {
            Val::Link(a) => out.push(a),
            Val::Links(all) => out.extend(all),
            Val::Poison => {}
            _ => b.ev.diags.error(
                Code::WrongType,
                &sp,
                "`replace-triggered-by` lists resources",
                "not a resource",
                Some("write `replace-triggered-by (ref)\"script.provision\"` (a resource, not an attribute)".to_owned()),
            ),
        }
    }
    out
}

fn lifecycle<'a>(b: &mut Builder<'_, 'a>, node: KdlNode<'a>, kind: Kind) -> Lifecycle {
    let mut l = Lifecycle::default();
    b.check_props(node, &["create-before-destroy"]);
    if let Some((ev, sp)) = b.prop(node, "create-before-destroy") {
        l.create_before_destroy = b
            .want_bool(ev, &sp, "create-before-destroy")
            .unwrap_or(false);
    }
    let ignorable = schema::ignorable_attrs(kind);
    let c = b.children(
        node,
        &[
            "create-before-destroy",
            "ignore-changes",
            "replace-triggered-by",
        ],
    );
    if let Some(n) = c.get("replace-triggered-by") {
        l.replace_triggered_by = triggers(b, n);
    }
    if let Some(n) = c.get("create-before-destroy") {
        l.create_before_destroy = b.bool(n).unwrap_or(false);
    }
    if let Some(n) = c.get("ignore-changes") {
        for e in Builder::args(n) {
            let sp = b.sp(e.span());
            match e.value().as_string() {
                Some(a) if ignorable.contains(&a) => l.ignore_changes.push(a.to_owned()),
                Some(a) => b.ev.diags.error(
                    Code::UnknownAttribute,
                    &sp,
                    format!("`{kind}` has no attribute `{a}` to ignore"),
                    "unknown attribute",
                    suggest(a, &ignorable),
                ),
                None => b.ev.diags.error(
                    Code::WrongType,
                    &sp,
                    "`ignore-changes` lists attribute names",
                    "not a string",
                    None,
                ),
            }
        }
    }
    l
}

fn vm<'a>(b: &mut Builder<'_, 'a>, c: &Children<'a>, label: &Span) -> Option<VmSpec> {
    let gpu = required(b, c, "gpu", label, "\"H100-SXM5-80GB\" count=1").and_then(|n| {
        let (ev, sp) = b.one(n, &["count"])?;
        let model = b.want_string(ev, &sp, "gpu")?;
        let model_ok = b.offered(&model, &sp, "GPU model", List::GpuModels);
        let count = match b.prop(n, "count") {
            Some((ev, sp)) => {
                let c = b.want_int(ev, &sp, "count")?;
                let counts = b.ev.offered.gpu_counts(&model);
                if !counts.iter().any(|g| i64::from(*g) == c) {
                    let spoken = crate::offered::spoken(&counts);
                    b.ev.diags.error(
                        Code::InvalidValue,
                        &sp,
                        format!("a VM has {spoken} GPUs, not {c}"),
                        "invalid GPU count",
                        Some(format!("GPU counts are {spoken}")),
                    );
                    return None;
                }
                c as u32
            }
            None => 1,
        };
        model_ok.then_some((model, count))
    });
    // boot source
    let image = c.get("image");
    let boot_volume = c.get("boot-volume");
    let boot = match (image, boot_volume) {
        (Some(i), Some(v)) => {
            b.ev.diags.error_labels(
                Code::BootSource,
                format!("`{}` has two boot sources", b.addr.block()),
                vec![
                    crate::diagnostic::Label {
                        span: name_span(b.file, v),
                        text: "boot volume".to_owned(),
                    },
                    crate::diagnostic::Label {
                        span: name_span(b.file, i),
                        text: "image".to_owned(),
                    },
                ],
                Some("keep exactly one of `image` and `boot-volume`".to_owned()),
            );
            None
        }
        (None, None) => {
            b.ev.diags.error(
                Code::BootSource,
                label,
                format!("`{}` has no boot source", b.addr.block()),
                "no `image` or `boot-volume`",
                Some(format!("add `image \"{}\"`, `image (ref)\"image.NAME\"` or `boot-volume (ref)\"volume.NAME\"`", catalog::OS_IMAGES[0])),
            );
            None
        }
        (Some(i), None) => {
            let (ev, sp) = b.one(i, &[])?;
            match (b.data_link(&ev, Kind::Image), ev.val) {
                (Some(link), _) => Some(BootSource::DataImage(link)),
                (None, val @ (crate::eval::Val::Link(_) | crate::eval::Val::Links(_))) => b
                    .want_links(Ev { val, ..ev }, &sp, "image", Kind::Image)
                    .into_iter()
                    .next()
                    .map(BootSource::Image),
                (None, val) => {
                    let s = b.want_string(Ev { val, ..ev }, &sp, "image")?;
                    b.offered(&s, &sp, "OS image", List::OsImages)
                        .then_some(BootSource::OsImage(s))
                }
            }
        }
        (None, Some(v)) => b.link(v, Kind::Volume).map(BootSource::Volume),
    };
    let mut data_links = Vec::new();
    let ssh_keys = required(b, c, "ssh-keys", label, "(ref)\"ssh-key.NAME\"").map(|n| {
        let (keys, existing) = b.links_or_data(n, Kind::SshKey);
        data_links.extend(existing);
        keys
    });
    let startup_script = c
        .get("startup-script")
        .and_then(|n| b.link(n, Kind::Script));
    let cloud_init = c.get("cloud-init").and_then(|n| {
        let (s, sp) = b.string(n)?;
        if s.len() > catalog::CLOUD_INIT_MAX_BYTES {
            b.ev.diags.error(
                Code::Limit,
                &sp,
                format!(
                    "cloud-init is {} bytes; the limit is {} (16 KB)",
                    s.len(),
                    catalog::CLOUD_INIT_MAX_BYTES
                ),
                "too large",
                Some("move the bulk into a `script`, or fetch it at boot".to_owned()),
            );
        }
        Some(s)
    });
    let firewalls = c
        .get("firewalls")
        .map(|n| b.links(n, Kind::Firewall))
        .unwrap_or_default();
    let volumes = match c.get("volumes") {
        Some(n) => {
            let (volumes, existing) = b.links_or_data(n, Kind::Volume);
            data_links.extend(existing);
            volumes
        }
        None => vec![],
    };
    let ready_when = c
        .get("ready-when")
        .and_then(|n| b.readiness(n))
        .map(Box::new);
    let public_ip = c.get("public-ip").and_then(|n| b.bool(n)).unwrap_or(false);
    let power = match c.get("power") {
        Some(n) => {
            let (s, sp) = b.string(n)?;
            if b.one_of(&s, &sp, "power state", catalog::POWER_STATES) {
                s.parse().unwrap_or_default()
            } else {
                return None;
            }
        }
        None => Power::Running,
    };
    let mut security_rules = Vec::new();
    let mut rules_ok = true;
    for r in c.all("security-rule") {
        match b.rule(r) {
            Some(r) => security_rules.push(r),
            None => rules_ok = false,
        }
    }
    let (gpu_model, gpu_count) = gpu?;
    let ssh_keys = ssh_keys?;
    if !rules_ok {
        return None;
    }
    Some(VmSpec {
        gpu_model,
        gpu_count,
        boot: boot?,
        ssh_keys,
        startup_script,
        cloud_init,
        firewalls,
        volumes,
        public_ip,
        power,
        security_rules,
        data_links,
        ready_when,
    })
}

fn volume<'a>(b: &mut Builder<'_, 'a>, c: &Children<'a>, label: &Span) -> Option<VolumeSpec> {
    let size = required(b, c, "size-gb", label, "100").and_then(|n| b.int(n));
    let volume_type = match c.get("type") {
        Some(n) => {
            let (s, sp) = b.string(n)?;
            b.offered(&s, &sp, "volume type", List::VolumeTypes)
                .then_some(s)?
        }
        None => b.ev.offered.catalog.default_volume_type().to_owned(),
    };
    let bootable = c.get("bootable").and_then(|n| b.bool(n)).unwrap_or(false);
    let image = match c.get("image") {
        Some(n) => {
            let (s, sp) = b.string(n)?;
            if !b.offered(&s, &sp, "OS image", List::OsImages) {
                return None;
            }
            if !bootable {
                b.ev.diags.error(
                    Code::InvalidValue,
                    &sp,
                    "only a bootable volume takes an `image`",
                    "image on a data volume",
                    Some("add `bootable #true`, or remove `image`".to_owned()),
                );
                return None;
            }
            Some(s)
        }
        None => {
            if bootable {
                b.ev.diags.error(
                    Code::MissingAttribute,
                    label,
                    format!("bootable `{}` needs an OS `image`", b.addr.block()),
                    "`image` missing",
                    Some(format!("add `image \"{}\"`", catalog::OS_IMAGES[0])),
                );
                return None;
            }
            None
        }
    };
    let description = description(b, c);
    let (size, sp) = size?;
    let min = if bootable {
        catalog::BOOTABLE_VOLUME_MIN_GB
    } else {
        catalog::VOLUME_SIZE_MIN_GB
    };
    if size < min as i64 || size > catalog::VOLUME_SIZE_MAX_GB as i64 {
        b.ev.diags.error(
            Code::Limit,
            &sp,
            format!(
                "a {}volume is {min}..={} GB, not {size}",
                if bootable { "bootable " } else { "" },
                catalog::VOLUME_SIZE_MAX_GB
            ),
            "size out of range",
            None,
        );
        return None;
    }
    Some(VolumeSpec {
        size_gb: size as u64,
        volume_type,
        bootable,
        image,
        description,
    })
}

fn firewall<'a>(b: &mut Builder<'_, 'a>, c: &Children<'a>) -> Option<FirewallSpec> {
    let description = match c.get("description") {
        Some(n) => {
            let (s, sp) = b.string(n)?;
            if s.chars().count() > catalog::FIREWALL_DESCRIPTION_MAX {
                b.ev.diags.error(
                    Code::Limit,
                    &sp,
                    format!(
                        "a firewall description is at most {} characters; this is {}",
                        catalog::FIREWALL_DESCRIPTION_MAX,
                        s.chars().count()
                    ),
                    "too long",
                    None,
                );
            }
            s
        }
        None => String::new(),
    };
    let mut rules = Vec::new();
    let mut ok = true;
    for r in c.all("rule") {
        match b.rule(r) {
            Some(r) => rules.push(r),
            None => ok = false,
        }
    }
    ok.then_some(FirewallSpec { description, rules })
}

/// The region of an account-wide kind (SSH keys): none, recorded as the empty string. A
/// `region` written anyway is accepted with a warning (configs from before keys were
/// known to be account-wide keep working) and otherwise ignored.
fn account_wide_region<'a>(b: &mut Builder<'_, 'a>, c: &Children<'a>) -> String {
    if let Some(n) = c.get("region") {
        let sp = span(b.file, n.span());
        b.ev.diags.warning(
            Code::AccountWide,
            &sp,
            format!(
                "`{}` has a `region`, but SSH keys are account-wide",
                b.addr.block()
            ),
            "ignored: Barrack copies every SSH key to all regions",
            Some("remove `region`; one key serves VMs in every region".to_owned()),
        );
    }
    String::new()
}

fn ssh_key<'a>(b: &mut Builder<'_, 'a>, c: &Children<'a>, label: &Span) -> Option<SshKeySpec> {
    let public_key = match c.get("public-key") {
        Some(n) => {
            let (s, sp) = b.string(n)?;
            let s = s.trim().to_owned();
            let looks = ["ssh-", "ecdsa-", "sk-"].iter().any(|p| s.starts_with(p));
            if !looks {
                b.ev.diags.error(
                    Code::InvalidValue,
                    &sp,
                    "this does not look like an OpenSSH public key",
                    "expected `ssh-ed25519 AAAA...` or similar",
                    Some("use the `.pub` file: `public-key (file)\"keys/NAME.pub\"`".to_owned()),
                );
                return None;
            }
            Some(s)
        }
        None => None,
    };
    let private_key_file = c
        .get("private-key-file")
        .and_then(|n| b.string(n))
        .map(|(s, _)| PathBuf::from(s));
    if public_key.is_some() && private_key_file.is_some() {
        b.ev.diags.error(
            Code::InvalidValue,
            label,
            format!(
                "`{}` has both `public-key` and `private-key-file`",
                b.addr.block()
            ),
            "both given",
            Some(
                "`private-key-file` is only for keys the cloud generates (no `public-key`)"
                    .to_owned(),
            ),
        );
        return None;
    }
    if public_key.is_none() && private_key_file.is_none() {
        b.ev.diags.error(
            Code::MissingAttribute,
            label,
            format!("`{}` has no `public-key`, and the generated private key would be lost", b.addr.block()),
            "no `public-key` or `private-key-file`",
            Some("add `public-key (file)\"keys/NAME.pub\"`, or `private-key-file \"keys/NAME\"` to keep a generated key".to_owned()),
        );
        return None;
    }
    Some(SshKeySpec {
        public_key,
        private_key_file,
    })
}

fn script<'a>(b: &mut Builder<'_, 'a>, c: &Children<'a>, label: &Span) -> Option<ScriptSpec> {
    let content =
        required(b, c, "content", label, "(file)\"scripts/NAME.sh\"").and_then(|n| b.string(n));
    if let Some((s, sp)) = &content {
        if s.len() > catalog::SCRIPT_MAX_BYTES {
            b.ev.diags.error(
                Code::Limit,
                sp,
                format!(
                    "script content is {} bytes; the API accepts at most {} (16 KiB)",
                    s.len(),
                    catalog::SCRIPT_MAX_BYTES
                ),
                "too large",
                Some("keep the script small and have it fetch the rest at boot".to_owned()),
            );
        }
    }
    let description = description(b, c);
    Some(ScriptSpec {
        content: content?.0,
        description,
    })
}
