//! Account-wide shapes: balance, regions, GPU stock and specs, pricing and quotes, OS
//! images, and the billing record of a resource.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::id::Id;

/// `GET /balance` -> `balance`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Balance {
    /// Remaining credit.
    pub balance: f64,
    pub currency: String,
}

/// `GET /regions` -> `regions`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Region {
    pub id: Id,
    pub name: String,
    pub description: String,
}

/// `GET /gpu/stocks` -> `stocks`: what can be deployed now, per region and model.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct GpuStock {
    pub region: String,
    pub gpu_model: String,
    /// GPUs free to deploy.
    pub available: u32,
    /// GPUs in the region in all.
    pub total: u32,
}

/// `GET /gpu/specs` -> `gpus`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct GpuSpec {
    pub gpu_model: String,
    pub memory_gb: u32,
    pub cpu_per_gpu: u32,
    pub ram_gb_per_gpu: u32,
    pub ephemeral_gb_per_gpu: u32,
    /// USD per GPU-hour.
    pub price_per_hour: f64,
}

/// `GET /pricing` -> `pricing`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Pricing {
    pub currency: String,
    /// USD per GPU-hour, by GPU model.
    pub gpu_per_hour: BTreeMap<String, f64>,
    /// USD per hour for a hibernated VM.
    pub hibernated_per_hour: f64,
    /// USD per TB-hour of provisioned volume size.
    pub volume_per_tb_hour: f64,
    /// USD per GB-hour of snapshot storage (actual size). GUESSED: the rate is not published.
    pub snapshot_per_gb_hour: f64,
    /// USD per GB-hour of custom image storage (the snapshot's footprint). GUESSED likewise.
    pub image_per_gb_hour: f64,
}

/// `POST /pricing` body: a quote for a configuration.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct QuoteRequest {
    pub items: Vec<QuoteItem>,
    /// Hours to quote for (default 1).
    pub hours: Option<f64>,
}

/// One line of a quote request.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct QuoteItem {
    /// `instance` or `volume`.
    pub kind: String,
    pub gpu_model: Option<String>,
    pub gpu_count: Option<u32>,
    pub size_gb: Option<u64>,
    /// How many of this item (default 1).
    pub quantity: Option<u32>,
}

/// `POST /pricing` -> `quote`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Quote {
    pub currency: String,
    pub price_per_hour: f64,
    pub hours: f64,
    pub total: f64,
    pub lines: Vec<QuoteLine>,
}

/// One priced line of a quote.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct QuoteLine {
    pub kind: String,
    pub description: String,
    pub price_per_hour: f64,
}

/// `GET /os-images?region=` -> `images`: the stock OS images.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct OsImage {
    pub id: Id,
    pub name: String,
    pub region: String,
    pub size_gb: u64,
}

/// Query of `GET /os-images`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RegionQuery {
    pub region: Option<String>,
}

/// `GET /{instances|volumes|snapshots}/{id}/billing` -> `billing`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Billing {
    pub resource_id: Id,
    /// `instance`, `volume`, `snapshot`.
    pub resource_type: String,
    /// Current rate, USD per hour.
    pub price_per_hour: f64,
    /// USD billed so far.
    pub incurred_bill: f64,
    /// Billed minutes per status (`ACTIVE`, `SHUTOFF`, `HIBERNATED`, ...).
    pub usage_minutes: BTreeMap<String, u64>,
}
