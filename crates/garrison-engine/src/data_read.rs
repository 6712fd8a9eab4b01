//! The account as object data sources read it at plan time (docs/language.md, "Data
//! sources"): one paginated list per kind a `data` block names (the refresh's list calls,
//! concurrently), and the GPU stock when a `data "gpu-stock"` is declared; never a GET
//! per object. Objects are described by the refresh's `observe`, so a data source's
//! attributes are named as plans name them.

use barrack_api::Client;
use garrison_config::model::{Kind, RemoteId};
use garrison_config::{Account, AccountNeeds, AccountObject, StockLine};

use crate::error::EngineError;
use crate::observe::observe;
use crate::remote::Inventory;

/// Reads what `needs` names from the account.
pub async fn read_account(client: &Client, needs: &AccountNeeds) -> Result<Account, EngineError> {
    let lists = needs.kinds.iter().map(|kind| list(client, *kind));
    let inventories = futures::future::try_join_all(lists).await?;
    let mut objects = Vec::new();
    for (kind, inventory) in needs.kinds.iter().zip(&inventories) {
        for object in inventory.objects(*kind) {
            objects.push(AccountObject {
                kind: *kind,
                id: RemoteId::new(object.id().as_str()),
                name: object.name().to_owned(),
                region: object.region().to_owned(),
                attrs: observe(&object, ""),
            });
        }
    }
    let stock = if needs.stock {
        let stocks = client.list_gpu_stocks().await;
        let stocks = stocks.map_err(|e| EngineError::api("reading GPU stock", e))?;
        stocks
            .into_iter()
            .map(|s| StockLine {
                region: s.region,
                gpu_model: s.gpu_model,
                available: s.available,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Account { objects, stock })
}

/// One kind's list, as an inventory holding only it.
async fn list(client: &Client, kind: Kind) -> Result<Inventory, EngineError> {
    let api = |doing: &'static str| move |e| EngineError::api(doing, e);
    let mut inventory = Inventory::default();
    match kind {
        Kind::Vm => {
            inventory.instances = client
                .list_instances()
                .await
                .map_err(api("listing instances"))?
        }
        Kind::Volume => {
            inventory.volumes = client
                .list_volumes()
                .await
                .map_err(api("listing volumes"))?
        }
        Kind::Firewall => {
            inventory.firewalls = client
                .list_firewalls()
                .await
                .map_err(api("listing firewalls"))?
        }
        Kind::SshKey => {
            let keys = client
                .list_ssh_keys()
                .await
                .map_err(api("listing ssh keys"))?;
            inventory.ssh_keys = keys
                .into_iter()
                .map(|mut k| {
                    k.private_key = None;
                    k
                })
                .collect();
        }
        Kind::Script => {
            inventory.scripts = client
                .list_scripts()
                .await
                .map_err(api("listing scripts"))?
        }
        Kind::Snapshot => {
            inventory.snapshots = client
                .list_snapshots()
                .await
                .map_err(api("listing snapshots"))?
        }
        Kind::Image => {
            inventory.images = client.list_images().await.map_err(api("listing images"))?
        }
    }
    Ok(inventory)
}
