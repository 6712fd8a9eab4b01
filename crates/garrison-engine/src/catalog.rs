//! The live catalog: what the API lists now (regions, GPU specs with their prices, OS
//! images, volume types, rule protocols: five requests, concurrently), and its cache in
//! `.garrison/catalog.json` (with `fetched_at`), which offline commands validate against.

use std::io;
use std::path::{Path, PathBuf};

use barrack_api::wire::{Catalog, GpuModel, GPU_COUNTS};
use barrack_api::Client;
use chrono::{DateTime, Utc};
use garrison_config::{CatalogSource, Offered};
use serde::{Deserialize, Serialize};

use crate::error::EngineError;

/// Where the catalog is cached, relative to the config directory.
pub const CATALOG_CACHE: &str = ".garrison/catalog.json";

/// The cache file's format version.
const CACHE_FORMAT_VERSION: u32 = 1;

/// `.garrison/catalog.json`: the catalog file format under `catalog`, and when it was read.
#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    format_version: u32,
    fetched_at: DateTime<Utc>,
    catalog: Catalog,
}

/// Reads the catalog from the API. The API lists no GPU counts per model: every model
/// gets the built-in counts (1, 2, 4, 8; GUESSED).
pub async fn fetch_catalog(client: &Client) -> Result<Catalog, EngineError> {
    let api = |doing: &'static str| move |e| EngineError::api(doing, e);
    let (regions, specs, images, volume_types, protocols) = tokio::try_join!(
        async { client.list_regions().await.map_err(api("listing regions")) },
        async {
            let specs = client.list_gpu_specs().await;
            specs.map_err(api("reading GPU specs"))
        },
        async {
            let images = client.list_os_images(None).await;
            images.map_err(api("listing OS images"))
        },
        async {
            let types = client.list_volume_types().await;
            types.map_err(api("listing volume types"))
        },
        async {
            let protocols = client.list_firewall_protocols().await;
            protocols.map_err(api("listing firewall protocols"))
        },
    )?;
    let mut os_images: Vec<String> = Vec::new();
    for image in images {
        if !os_images.contains(&image.name) {
            os_images.push(image.name);
        }
    }
    Ok(Catalog {
        regions: regions.into_iter().map(|r| r.name).collect(),
        gpu_models: specs
            .into_iter()
            .map(|s| GpuModel {
                name: s.gpu_model,
                price_per_hour: s.price_per_hour,
                counts: GPU_COUNTS.to_vec(),
            })
            .collect(),
        os_images,
        volume_types,
        protocols,
        ..Catalog::builtin()
    })
}

/// The cache file of the config in `dir`.
pub fn cache_path(dir: &Path) -> PathBuf {
    dir.join(CATALOG_CACHE)
}

/// Caches `catalog`, read from the API just now.
pub fn write_cache(dir: &Path, catalog: &Catalog) -> Result<(), EngineError> {
    write_cache_at(dir, catalog, Utc::now())
}

/// Caches `catalog` as read from the API at `fetched_at`.
pub fn write_cache_at(
    dir: &Path,
    catalog: &Catalog,
    fetched_at: DateTime<Utc>,
) -> Result<(), EngineError> {
    let path = cache_path(dir);
    let cached = Cached {
        format_version: CACHE_FORMAT_VERSION,
        fetched_at,
        catalog: catalog.clone(),
    };
    let text = serde_json::to_string_pretty(&cached)
        .map_err(|e| cache_error("serialize", &path, e.to_string()))?;
    if let Some(parent) = path.parent() {
        private_dir(parent)
            .map_err(|e| cache_error("create the directory of", &path, e.to_string()))?;
    }
    crate::fsutil::write_private(&path, text.as_bytes())
        .map_err(|e| cache_error("write", &path, e.to_string()))
}

/// The catalog offline commands validate against: the cache, with its age, when `dir` has
/// one, else the built-in catalog.
pub fn offline(dir: &Path) -> Result<Offered, EngineError> {
    offline_at(dir, Utc::now())
}

/// [`offline`], the cache's age taken at `now`.
pub fn offline_at(dir: &Path, now: DateTime<Utc>) -> Result<Offered, EngineError> {
    let path = cache_path(dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Offered::default()),
        Err(e) => return Err(cache_error("read", &path, e.to_string())),
    };
    let cached: Cached =
        serde_json::from_str(&text).map_err(|e| cache_error("parse", &path, e.to_string()))?;
    if cached.format_version != CACHE_FORMAT_VERSION {
        let message = format!("format_version {} is not supported", cached.format_version);
        return Err(cache_error("read", &path, message));
    }
    cached
        .catalog
        .check()
        .map_err(|e| cache_error("read", &path, e.to_string()))?;
    let age = (now - cached.fetched_at).num_seconds().max(0);
    Ok(Offered {
        catalog: cached.catalog,
        source: CatalogSource::Cached {
            age_secs: u64::try_from(age).unwrap_or_default(),
        },
        account: None,
    })
}

/// The catalog as read from the API just now.
pub fn live(catalog: Catalog) -> Offered {
    Offered {
        catalog,
        source: CatalogSource::Live,
        account: None,
    }
}

/// Creates `dir` and its parents, mode 0700 on unix (as the state makes `.garrison/`).
fn private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn cache_error(action: &'static str, path: &Path, message: String) -> EngineError {
    EngineError::CatalogCache {
        action,
        path: path.to_path_buf(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_round_trips_with_its_age() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(offline(dir.path()).unwrap(), Offered::default());
        let mut catalog = Catalog::builtin();
        catalog.regions.push("MARS-1".to_owned());
        let fetched = Utc::now();
        write_cache_at(dir.path(), &catalog, fetched).unwrap();
        let read = offline_at(dir.path(), fetched + chrono::Duration::seconds(7200)).unwrap();
        assert_eq!(read.catalog, catalog);
        assert_eq!(read.source, CatalogSource::Cached { age_secs: 7200 });
        std::fs::write(cache_path(dir.path()), "{").unwrap();
        let error = offline_at(dir.path(), fetched).unwrap_err().to_string();
        assert!(error.contains("catalog.json"), "{error}");
    }
}
