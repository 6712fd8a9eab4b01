//! The catalog as a value: what an account is offered (regions, GPU models with their
//! price and counts, OS images, volume types, rule protocols). [`Catalog::builtin`] is the
//! constants of [`super::catalog`]; the JSON form is the catalog file
//! (`barrack-sim --catalog FILE`, Garrison's cached `.garrison/catalog.json`), documented
//! in `docs/sim.md` "Catalog file".

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::catalog;

/// The catalog file format this build reads and writes.
pub const CATALOG_FORMAT_VERSION: u32 = 1;

/// What an account is offered. Every list of a file may be left out: it is then the
/// built-in one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Catalog {
    /// [`CATALOG_FORMAT_VERSION`].
    pub format_version: u32,
    /// Region names.
    pub regions: Vec<String>,
    /// GPU models, each with its price and the GPU counts a VM may have.
    pub gpu_models: Vec<GpuModel>,
    /// Stock OS image names (offered in every region).
    pub os_images: Vec<String>,
    /// Volume types; the first is the default.
    pub volume_types: Vec<String>,
    /// Firewall rule protocols.
    pub protocols: Vec<String>,
}

/// One GPU model of a [`Catalog`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GpuModel {
    /// The model's name, e.g. `H100-SXM5-80GB`.
    pub name: String,
    /// USD per GPU-hour.
    pub price_per_hour: f64,
    /// The GPU counts a VM of this model may have (default 1, 2, 4, 8).
    #[serde(default = "default_counts")]
    pub counts: Vec<u32>,
}

fn default_counts() -> Vec<u32> {
    catalog::GPU_COUNTS.to_vec()
}

/// Why a catalog file was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CatalogError {
    /// Not JSON, or not the catalog's shape.
    #[error("not a catalog file: {message} (line {line}, column {column})")]
    Json {
        message: String,
        line: usize,
        column: usize,
    },
    /// A `format_version` this build does not know.
    #[error("catalog format_version {found} is not supported (this build reads {CATALOG_FORMAT_VERSION})")]
    Version { found: u32 },
    /// A list with nothing in it.
    #[error("the catalog's `{list}` is empty")]
    Empty { list: &'static str },
    /// A name given twice, or empty.
    #[error("the catalog's `{list}` has {problem} `{name}`")]
    BadName {
        list: &'static str,
        problem: &'static str,
        name: String,
    },
    /// A price that is negative or not a number.
    #[error("GPU model `{model}` has price_per_hour {price}: expected a number >= 0")]
    Price { model: String, price: f64 },
    /// A GPU model without counts, or with a count of 0.
    #[error("GPU model `{model}` has counts {counts:?}: expected at least one count, each >= 1")]
    Counts { model: String, counts: Vec<u32> },
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::builtin()
    }
}

impl Catalog {
    /// The catalog compiled in: the constants of [`super::catalog`].
    pub fn builtin() -> Self {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        Catalog {
            format_version: CATALOG_FORMAT_VERSION,
            regions: owned(catalog::REGIONS),
            gpu_models: catalog::GPU_PRICES
                .iter()
                .map(|(name, price)| GpuModel {
                    name: (*name).to_owned(),
                    price_per_hour: *price,
                    counts: default_counts(),
                })
                .collect(),
            os_images: owned(catalog::OS_IMAGES),
            volume_types: owned(catalog::VOLUME_TYPES),
            protocols: owned(catalog::PROTOCOLS),
        }
    }

    /// Reads a catalog file, checked (see [`Catalog::check`]).
    pub fn from_json(text: &str) -> Result<Self, CatalogError> {
        let catalog: Catalog = serde_json::from_str(text).map_err(|e| CatalogError::Json {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        })?;
        catalog.check()?;
        Ok(catalog)
    }

    /// The catalog file's text (pretty JSON).
    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and lists always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Refuses an unknown version, an empty list, an empty or repeated name, a negative
    /// price or a GPU model without counts.
    pub fn check(&self) -> Result<(), CatalogError> {
        if self.format_version != CATALOG_FORMAT_VERSION {
            return Err(CatalogError::Version {
                found: self.format_version,
            });
        }
        let models: Vec<String> = self.gpu_models.iter().map(|m| m.name.clone()).collect();
        names("regions", &self.regions)?;
        names("gpu_models", &models)?;
        names("os_images", &self.os_images)?;
        names("volume_types", &self.volume_types)?;
        names("protocols", &self.protocols)?;
        self.gpu_models.iter().try_for_each(GpuModel::check)
    }

    /// The GPU model named `name`.
    pub fn gpu_model(&self, name: &str) -> Option<&GpuModel> {
        self.gpu_models.iter().find(|m| m.name == name)
    }

    /// The price of GPU model `name`, USD per GPU-hour.
    pub fn gpu_price(&self, name: &str) -> Option<f64> {
        self.gpu_model(name).map(|m| m.price_per_hour)
    }

    /// The GPU model names, in the catalog's order.
    pub fn gpu_model_names(&self) -> Vec<String> {
        self.gpu_models.iter().map(|m| m.name.clone()).collect()
    }

    /// The volume type of a volume that names none (the first).
    pub fn default_volume_type(&self) -> &str {
        self.volume_types
            .first()
            .map_or(catalog::DEFAULT_VOLUME_TYPE, String::as_str)
    }
}

impl GpuModel {
    fn check(&self) -> Result<(), CatalogError> {
        if !(self.price_per_hour >= 0.0 && self.price_per_hour.is_finite()) {
            return Err(CatalogError::Price {
                model: self.name.clone(),
                price: self.price_per_hour,
            });
        }
        if self.counts.is_empty() || self.counts.contains(&0) {
            return Err(CatalogError::Counts {
                model: self.name.clone(),
                counts: self.counts.clone(),
            });
        }
        Ok(())
    }
}

/// `list` is not empty and has no empty or repeated name.
fn names(list: &'static str, values: &[String]) -> Result<(), CatalogError> {
    if values.is_empty() {
        return Err(CatalogError::Empty { list });
    }
    let mut seen = BTreeSet::new();
    for name in values {
        let problem = if name.trim().is_empty() {
            "an empty name"
        } else if !seen.insert(name.as_str()) {
            "a repeated name"
        } else {
            continue;
        };
        return Err(CatalogError::BadName {
            list,
            problem,
            name: name.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalog_is_the_constants_and_round_trips() {
        let builtin = Catalog::builtin();
        assert_eq!(builtin.regions, catalog::REGIONS);
        assert_eq!(builtin.gpu_model_names(), catalog::GPU_MODELS);
        assert_eq!(builtin.gpu_price("L40"), catalog::gpu_price("L40"));
        assert_eq!(Catalog::from_json(&builtin.to_json()), Ok(builtin));
    }

    #[test]
    fn a_file_may_name_only_what_it_changes() {
        let text = r#"{"gpu_models": [{"name": "B200", "price_per_hour": 5.99, "counts": [8]}]}"#;
        let catalog = Catalog::from_json(text).expect("a valid file");
        assert_eq!(catalog.gpu_model_names(), ["B200"]);
        assert_eq!(
            catalog.gpu_model("B200").map(|m| m.counts.clone()),
            Some(vec![8])
        );
        assert_eq!(catalog.regions, catalog::REGIONS);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let check = |text: &str, expected: &str| {
            let error = Catalog::from_json(text).expect_err(text).to_string();
            assert!(error.contains(expected), "{text}: {error}");
        };
        check("{", "not a catalog file");
        check(r#"{"regions": "US-1"}"#, "line 1");
        check(r#"{"format_version": 9}"#, "format_version 9");
        check(r#"{"regions": []}"#, "`regions` is empty");
        check(r#"{"os_images": ["a", "a"]}"#, "a repeated name `a`");
        check(
            r#"{"gpu_models": [{"name": "X", "price_per_hour": -1}]}"#,
            "price_per_hour -1",
        );
        check(
            r#"{"gpu_models": [{"name": "X", "price_per_hour": 1, "counts": []}]}"#,
            "expected at least one count",
        );
    }
}
