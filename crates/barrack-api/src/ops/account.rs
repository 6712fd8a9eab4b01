//! Account operations: balance, regions, GPU stock and specs, pricing, OS images.

use crate::client::{to_body, Client};
use crate::error::Error;
use crate::routes::Op;
use crate::wire::{Balance, GpuSpec, GpuStock, OsImage, Pricing, Quote, QuoteRequest, Region};

impl Client {
    /// `GET /balance`.
    pub async fn get_balance(&self) -> Result<Balance, Error> {
        self.call(Op::GetBalance, &[], &[], None).await
    }

    /// `GET /regions`.
    pub async fn list_regions(&self) -> Result<Vec<Region>, Error> {
        self.all(Op::ListRegions, &[]).await
    }

    /// `GET /gpu/stocks`.
    pub async fn list_gpu_stocks(&self) -> Result<Vec<GpuStock>, Error> {
        self.all(Op::ListGpuStocks, &[]).await
    }

    /// `GET /gpu/specs`.
    pub async fn list_gpu_specs(&self) -> Result<Vec<GpuSpec>, Error> {
        self.all(Op::ListGpuSpecs, &[]).await
    }

    /// `GET /pricing`.
    pub async fn get_pricing(&self) -> Result<Pricing, Error> {
        self.call(Op::GetPricing, &[], &[], None).await
    }

    /// `POST /pricing`: a quote for a configuration (read-only, so retried like a GET).
    pub async fn quote_pricing(&self, request: &QuoteRequest) -> Result<Quote, Error> {
        let body = to_body(Op::QuotePricing, request)?;
        self.call(Op::QuotePricing, &[], &[], Some(&body)).await
    }

    /// `GET /os-images?region=`.
    pub async fn list_os_images(&self, region: Option<&str>) -> Result<Vec<OsImage>, Error> {
        let query: Vec<(&str, String)> = region
            .map(|r| ("region", r.to_owned()))
            .into_iter()
            .collect();
        Ok(self.list_all(Op::ListOsImages, &[], &query).await?.items)
    }
}
