//! The account's prices (the pricing route) as the planner's [`Prices`]: read with every
//! refresh, and alone where only costs are wanted (`garrison workspace list`).

use barrack_api::wire::Pricing;
use barrack_api::Client;
use garrison_plan::Prices;

use crate::error::EngineError;

/// The planner's prices from the API's answer.
pub(crate) fn from_wire(pricing: Pricing) -> Prices {
    Prices {
        gpu_per_hour: pricing.gpu_per_hour,
        hibernated_per_hour: pricing.hibernated_per_hour,
        volume_per_tb_hour: pricing.volume_per_tb_hour,
        snapshot_per_gb_hour: pricing.snapshot_per_gb_hour,
        image_per_gb_hour: pricing.image_per_gb_hour,
    }
}

/// Reads the prices (one request).
pub async fn prices(client: &Client) -> Result<Prices, EngineError> {
    client
        .get_pricing()
        .await
        .map(from_wire)
        .map_err(|e| EngineError::api("reading prices", e))
}
