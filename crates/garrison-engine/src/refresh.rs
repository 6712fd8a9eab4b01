//! Refresh: ONE paginated list per resource kind (all kinds concurrently), plus GPU stock and
//! pricing, turned into the planner's [`RemoteView`]. Never one GET per resource.

use std::collections::{BTreeMap, BTreeSet};

use barrack_api::Client;
use garrison_config::model::{Kind, Model};
use garrison_plan::{Observed, Prices, RemoteView, Stock};
use garrison_state::StateDoc;

use crate::error::EngineError;
use crate::observe::observe;
use crate::remote::Inventory;

/// What one refresh read: the raw inventory (for recovery) and the market data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refreshed {
    /// Every resource in the account.
    pub inventory: Inventory,
    /// GPU stock per region and model.
    pub stock: Vec<Stock>,
    /// Prices.
    pub prices: Prices,
}

impl Refreshed {
    /// The planner's view of `state` given what was read.
    pub fn view(&self, state: &StateDoc) -> RemoteView {
        remote_view(
            state,
            &self.inventory,
            Some(&self.stock),
            Some(&self.prices),
        )
    }

    /// [`Refreshed::view`] with what the config's `import` blocks found.
    pub fn view_for(&self, state: &StateDoc, model: &Model) -> RemoteView {
        let mut view = self.view(state);
        view.imports = crate::imports::found(model, &self.inventory);
        view
    }
}

/// Reads the whole account: one `list_all` per kind, stock and pricing, concurrently.
pub async fn refresh(client: &Client) -> Result<Refreshed, EngineError> {
    let api = |doing: &'static str| move |e| EngineError::api(doing, e);
    let (instances, volumes, firewalls, ssh_keys, scripts, snapshots, images, stocks, pricing) = tokio::try_join!(
        async {
            client
                .list_instances()
                .await
                .map_err(api("listing instances"))
        },
        async { client.list_volumes().await.map_err(api("listing volumes")) },
        async {
            client
                .list_firewalls()
                .await
                .map_err(api("listing firewalls"))
        },
        async {
            client
                .list_ssh_keys()
                .await
                .map_err(api("listing ssh keys"))
        },
        async { client.list_scripts().await.map_err(api("listing scripts")) },
        async {
            client
                .list_snapshots()
                .await
                .map_err(api("listing snapshots"))
        },
        async { client.list_images().await.map_err(api("listing images")) },
        async {
            client
                .list_gpu_stocks()
                .await
                .map_err(api("reading GPU stock"))
        },
        async { client.get_pricing().await.map_err(api("reading prices")) },
    )?;
    let ssh_keys = ssh_keys
        .into_iter()
        .map(|mut k| {
            k.private_key = None;
            k
        })
        .collect();
    Ok(Refreshed {
        inventory: Inventory {
            instances,
            volumes,
            firewalls,
            ssh_keys,
            scripts,
            snapshots,
            images,
        },
        stock: stocks
            .into_iter()
            .map(|s| Stock {
                region: s.region,
                gpu_model: s.gpu_model,
                available: s.available,
            })
            .collect(),
        prices: crate::prices::from_wire(pricing),
    })
}

/// Pure: each state resource Present (observed attributes) or Gone, by remote id; every
/// account resource the state does not know under `unmanaged`.
pub fn remote_view(
    state: &StateDoc,
    inventory: &Inventory,
    stock: Option<&[Stock]>,
    prices: Option<&Prices>,
) -> RemoteView {
    let mut resources = BTreeMap::new();
    let mut known: BTreeSet<(String, String)> = BTreeSet::new();
    let index = inventory.index();
    for (address, rs) in &state.resources {
        known.insert((rs.kind.to_string(), rs.remote_id.to_string()));
        let observed =
            index
                .get(&(rs.kind, rs.remote_id.to_string()))
                .map_or(Observed::Gone, |object| Observed::Present {
                    attrs: observe(object, &rs.region),
                });
        resources.insert(address.clone(), observed);
    }
    let mut unmanaged: BTreeMap<Kind, BTreeMap<String, String>> = BTreeMap::new();
    let mut unmanaged_created_at: BTreeMap<Kind, BTreeMap<String, String>> = BTreeMap::new();
    for kind in Kind::ALL {
        for object in inventory.objects(kind) {
            let id = object.id().as_str().to_string();
            if !known.contains(&(kind.to_string(), id.clone())) {
                unmanaged
                    .entry(kind)
                    .or_default()
                    .insert(object.name().to_string(), id);
                if let Some(at) = crate::kinds::wire_json(&object)["created_at"].as_str() {
                    unmanaged_created_at
                        .entry(kind)
                        .or_default()
                        .insert(object.name().to_string(), at.to_string());
                }
            }
        }
    }
    RemoteView {
        refreshed: true,
        resources,
        unmanaged,
        unmanaged_created_at,
        imports: BTreeMap::new(),
        stock: stock.map(<[Stock]>::to_vec),
        prices: prices.cloned(),
    }
}
