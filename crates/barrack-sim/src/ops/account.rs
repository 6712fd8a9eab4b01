//! Account operations: balance, regions, GPU stock and specs, pricing, OS images.

use std::collections::BTreeMap;

use barrack_wire::wire::{self, keys, Balance, Pricing, Quote, QuoteLine, QuoteRequest};

use crate::clock::SimMs;
use crate::envelope::Envelope;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::storage_rate;
use crate::request::Req;
use crate::seed;
use crate::sim::Sim;
use crate::validate;

/// Currency of every amount.
pub(crate) const CURRENCY: &str = "USD";

impl Sim {
    pub(super) fn get_balance(&mut self, now: SimMs) -> ApiResult<Envelope> {
        let balance = round_cents(self.world.balance(now));
        Ok(Envelope::ok("Balance retrieved").with(
            keys::BALANCE,
            Balance {
                balance,
                currency: CURRENCY.to_owned(),
            },
        ))
    }

    pub(super) fn list_regions(&mut self, req: &Req) -> ApiResult<Envelope> {
        Ok(Envelope::ok("Regions retrieved").page(
            keys::REGIONS,
            seed::regions(&self.catalog),
            req.paging()?,
        ))
    }

    pub(super) fn list_gpu_stocks(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region(&self.catalog)?;
        let stocks: Vec<_> = self
            .world
            .stock
            .iter()
            .filter(|s| region.is_none_or(|r| r == s.region))
            .cloned()
            .collect();
        Ok(Envelope::ok("GPU stock retrieved").page(keys::STOCKS, stocks, req.paging()?))
    }

    pub(super) fn list_gpu_specs(&mut self, req: &Req) -> ApiResult<Envelope> {
        Ok(Envelope::ok("GPU specs retrieved").page(
            keys::GPUS,
            seed::gpu_specs(&self.catalog),
            req.paging()?,
        ))
    }

    pub(super) fn get_pricing(&mut self) -> Envelope {
        let pricing = Pricing {
            currency: CURRENCY.to_owned(),
            gpu_per_hour: self
                .catalog
                .gpu_models
                .iter()
                .map(|m| (m.name.clone(), m.price_per_hour))
                .collect::<BTreeMap<_, _>>(),
            hibernated_per_hour: wire::HIBERNATED_PRICE_PER_HOUR,
            volume_per_tb_hour: wire::VOLUME_PRICE_PER_TB_HOUR,
            snapshot_per_gb_hour: wire::SNAPSHOT_PRICE_PER_GB_HOUR,
            image_per_gb_hour: wire::IMAGE_PRICE_PER_GB_HOUR,
        };
        Envelope::ok("Pricing retrieved").with(keys::PRICING, pricing)
    }

    pub(super) fn quote_pricing(&mut self, req: &Req) -> ApiResult<Envelope> {
        let body: QuoteRequest = req.json()?;
        let hours = body.hours.unwrap_or(1.0);
        if !hours.is_finite() || hours <= 0.0 {
            return Err(ApiError::bad_request("hours must be a positive number"));
        }
        if body.items.is_empty() {
            return Err(ApiError::bad_request("items must not be empty"));
        }
        let mut lines = Vec::new();
        for item in &body.items {
            let quantity = item.quantity.unwrap_or(1);
            if quantity == 0 {
                return Err(ApiError::bad_request("quantity must be at least 1"));
            }
            let (description, each) = match item.kind.as_str() {
                "instance" => {
                    let model = item.gpu_model.as_deref().unwrap_or("");
                    let count = item.gpu_count.unwrap_or(1);
                    let price = validate::gpu(&self.catalog, model, count)?;
                    (
                        format!("{quantity} x {count} x {model}"),
                        price * f64::from(count),
                    )
                }
                "volume" => {
                    let size = item.size_gb.unwrap_or(0);
                    if !(wire::VOLUME_MIN_GB..=wire::VOLUME_MAX_GB).contains(&size) {
                        return Err(ApiError::bad_request(format!(
                            "size_gb must be between {} and {}, got {size}",
                            wire::VOLUME_MIN_GB,
                            wire::VOLUME_MAX_GB
                        )));
                    }
                    (format!("{quantity} x {size} GB volume"), storage_rate(size))
                }
                other => {
                    return Err(ApiError::bad_request(format!(
                        "unknown item kind `{other}`: expected `instance` or `volume`"
                    )))
                }
            };
            lines.push(QuoteLine {
                kind: item.kind.clone(),
                description,
                price_per_hour: each * f64::from(quantity),
            });
        }
        let price_per_hour: f64 = lines.iter().map(|l| l.price_per_hour).sum();
        let quote = Quote {
            currency: CURRENCY.to_owned(),
            price_per_hour,
            hours,
            total: price_per_hour * hours,
            lines,
        };
        Ok(Envelope::ok("Quote computed").with(keys::QUOTE, quote))
    }

    pub(super) fn list_os_images(&mut self, req: &Req) -> ApiResult<Envelope> {
        let region = req.region(&self.catalog)?;
        let images: Vec<_> = self
            .world
            .os_images
            .iter()
            .filter(|i| region.is_none_or(|r| r == i.region))
            .cloned()
            .collect();
        Ok(Envelope::ok("OS images retrieved").page(keys::IMAGES, images, req.paging()?))
    }
}

/// Rounds an amount to 1/10000 of a cent, hiding float noise.
fn round_cents(amount: f64) -> f64 {
    (amount * 1e6).round() / 1e6
}
