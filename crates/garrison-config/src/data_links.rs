//! A resource's links to existing objects data sources found: `volumes
//! (ref)"data.volume.dataset"` (or `.id`) names the object by its remote id instead of a
//! resource of the config (docs/language.md, "Data sources").

use crate::tree::KdlNode;
use serde_json::Value;

use crate::build::Builder;
use crate::diagnostic::Code;
use crate::eval::{Ev, Eval, Val};
use crate::model::{Address, DataLink, Kind, RemoteId, Span};

impl<'a> Builder<'_, 'a> {
    /// The data object of `kind` `ev` names (the data source's value or its `id`).
    pub(crate) fn data_link(&self, ev: &Ev, kind: Kind) -> Option<DataLink> {
        let id = match &ev.val {
            Val::Json(Value::Object(o)) => o.get("id")?.as_str()?,
            Val::Json(Value::String(s)) => s.as_str(),
            _ => return None,
        };
        let id = RemoteId::new(id);
        let source = self.ev.data_ids.get(&(kind, id.clone()))?.clone();
        Some(DataLink { kind, id, source })
    }

    /// One link of `kind`: a resource of the config, or an existing object.
    pub(crate) fn link_or_data(
        &mut self,
        ev: Ev,
        sp: &Span,
        what: &str,
        kind: Kind,
    ) -> (Vec<Address>, Option<DataLink>) {
        match self.data_link(&ev, kind) {
            Some(link) => (vec![], Some(link)),
            None => (self.want_links(ev, sp, what, kind), None),
        }
    }

    /// All positional arguments of `node` as links of `kind`: resources of the config, and
    /// existing objects data sources found.
    pub(crate) fn links_or_data(
        &mut self,
        node: KdlNode<'a>,
        kind: Kind,
    ) -> (Vec<Address>, Vec<DataLink>) {
        let name = node.name().value().to_owned();
        let args = Self::args(node);
        if args.is_empty() {
            // The managed-only path says the list is empty.
            return (self.links(node, kind), vec![]);
        }
        self.check_props(node, &[]);
        // Sized for one address per argument (see `links`).
        let mut links = Vec::with_capacity(args.len());
        let mut existing = Vec::new();
        for e in &args {
            let ev = self.ev.entry(self.file, *e, &self.scope);
            let sp = self.sp(e.span());
            let (found, link) = self.link_or_data(ev, &sp, &name, kind);
            links.extend(found);
            existing.extend(link);
        }
        (links, existing)
    }
}

/// A VM in `region` uses existing volumes and images of its region only (the API refuses
/// another): each one elsewhere is a `region_mismatch` at `at`.
pub(crate) fn check_regions(ev: &mut Eval<'_>, links: &[DataLink], region: &str, at: &Span) {
    for link in links.iter().filter(|l| l.kind != Kind::SshKey) {
        let key = link.source.trim_start_matches("data.");
        let theirs = ev
            .data
            .get(key)
            .and_then(|v| v.get("region"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !theirs.is_empty() && theirs != region {
            ev.diags.error(
                Code::RegionMismatch,
                at,
                format!("this VM ({region}) uses `{}` ({theirs})", link.source),
                "another region",
                Some(format!(
                    "a VM uses volumes and images of its own region: put the VM in {theirs}, or read one in {region}"
                )),
            );
        }
    }
}
