//! `garrison.lock` on disk and against the cloud: read the catalog (OS images, GPU specs
//! and stock, volume types, prices: five requests, made only when a lock is consulted or
//! written), read and write the file, and hand the pure work to `garrison_plan::pins`.

use std::io;
use std::path::{Path, PathBuf};

use barrack_api::Client;
use garrison_config::model::Model;
use garrison_plan::pins::{
    self, relock, resolve, Catalog, GpuPin, Lock, OsImagePin, Relock, Used, VolumeTypePin,
};

use crate::error::EngineError;

/// The lock file of the config in `dir`.
pub fn lock_path(dir: &Path) -> PathBuf {
    dir.join(pins::LOCK_FILE)
}

/// The config's lock, `None` when it has none.
pub fn read_lock(dir: &Path) -> Result<Option<Lock>, EngineError> {
    let path = lock_path(dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(lock_error("read", &path, e.to_string())),
    };
    Lock::from_text(&text)
        .map(Some)
        .map_err(|e| lock_error("parse", &path, e.to_string()))
}

fn lock_error(action: &'static str, path: &Path, message: String) -> EngineError {
    EngineError::LockFile {
        action,
        path: path.to_path_buf(),
        message,
    }
}

/// One line per pin of `model`'s lock that moved in the cloud (or in this Garrison's
/// state format), for the plan's hints; none without a lock file.
pub async fn pin_warnings(model: &Model, client: &Client) -> Result<Vec<String>, EngineError> {
    let Some(pinned) = read_lock(&model.dir)? else {
        return Ok(Vec::new());
    };
    let catalog = read_catalog(client).await?;
    let now = resolve(
        &Used::from_model(model),
        &catalog,
        garrison_state::FORMAT_VERSION,
    );
    Ok(pins::check(&pinned, &now, &catalog)
        .iter()
        .map(ToString::to_string)
        .collect())
}

/// What `garrison lock` did.
#[derive(Clone, Debug)]
pub struct Locked {
    /// The file.
    pub path: PathBuf,
    /// Whether it existed before.
    pub existed: bool,
    /// What was decided (`write: None`: the file already said this).
    pub relock: Relock,
    /// How many pins the file holds now.
    pub pins: usize,
}

/// `garrison lock [--update]`: pins what `model` resolves to now; refused, writing
/// nothing, when a pin moved and `update` is false or when the cloud lists something not.
pub async fn lock(model: &Model, client: &Client, update: bool) -> Result<Locked, EngineError> {
    let old = read_lock(&model.dir)?;
    let catalog = read_catalog(client).await?;
    let now = resolve(
        &Used::from_model(model),
        &catalog,
        garrison_state::FORMAT_VERSION,
    );
    let relock = relock(old.as_ref(), &now, &catalog, update).map_err(EngineError::LockRefused)?;
    let path = lock_path(&model.dir);
    if let Some(lock) = &relock.write {
        crate::fsutil::write_shared(&path, lock.to_text().as_bytes())
            .map_err(|e| lock_error("write", &path, e.to_string()))?;
    }
    Ok(Locked {
        path,
        existed: old.is_some(),
        pins: now.lock.len(),
        relock,
    })
}

/// Reads the catalog: five requests, concurrently.
pub async fn read_catalog(client: &Client) -> Result<Catalog, EngineError> {
    let api = |doing: &'static str| move |e| EngineError::api(doing, e);
    let (images, specs, stocks, types, pricing) = tokio::try_join!(
        async {
            let images = client.list_os_images(None).await;
            images.map_err(api("listing OS images"))
        },
        async {
            client
                .list_gpu_specs()
                .await
                .map_err(api("reading GPU specs"))
        },
        async {
            client
                .list_gpu_stocks()
                .await
                .map_err(api("reading GPU stock"))
        },
        async {
            let types = client.list_volume_types().await;
            types.map_err(api("listing volume types"))
        },
        async { client.get_pricing().await.map_err(api("reading prices")) },
    )?;
    let os_images = images
        .into_iter()
        .map(|i| OsImagePin {
            region: i.region,
            name: i.name,
            id: i.id.as_str().to_owned(),
            size_gb: i.size_gb,
        })
        .collect();
    // A model is offered in a region when the region's stock lists it at all.
    let gpu_models = stocks
        .iter()
        .filter(|s| s.total > 0)
        .filter_map(|s| {
            let spec = specs.iter().find(|g| g.gpu_model == s.gpu_model)?;
            Some(GpuPin {
                region: s.region.clone(),
                model: spec.gpu_model.clone(),
                price_per_hour: spec.price_per_hour,
                memory_gb: spec.memory_gb,
                cpu_per_gpu: spec.cpu_per_gpu,
                ram_gb_per_gpu: spec.ram_gb_per_gpu,
                ephemeral_gb_per_gpu: spec.ephemeral_gb_per_gpu,
            })
        })
        .collect();
    let volume_types = types
        .into_iter()
        .map(|name| VolumeTypePin {
            name,
            price_per_tb_hour: pricing.volume_per_tb_hour,
        })
        .collect();
    Ok(Catalog {
        os_images,
        gpu_models,
        volume_types,
    })
}
