//! `SimConfig::catalog` (`--catalog FILE`): the emulator offers, lists, prices and
//! validates against its catalog, not the built-in one.

mod common;

use barrack_sim::{Catalog, SimConfig};
use barrack_wire::GpuModel;
use common::{config, Sim};
use reqwest::StatusCode;
use serde_json::Value;

/// The built-in catalog plus `B200` at 5.99 per GPU-hour in counts of 8, and one more region.
fn with_b200() -> SimConfig {
    let mut catalog = Catalog::builtin();
    catalog.gpu_models.push(GpuModel {
        name: "B200".to_owned(),
        price_per_hour: 5.99,
        counts: vec![8],
    });
    catalog.regions.push("MARS-1".to_owned());
    SimConfig {
        catalog,
        ..config()
    }
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v[field].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_model_only_the_catalog_knows_is_listed_priced_and_deployed() {
    let sim = Sim::start(with_b200()).await;
    let specs = sim.get("/gpu/specs").await.body;
    assert!(
        names(&specs["gpus"], "gpu_model").contains(&"B200".to_owned()),
        "{specs}"
    );
    let regions = sim.get("/regions").await.body;
    assert!(
        names(&regions["regions"], "name").contains(&"MARS-1".to_owned()),
        "{regions}"
    );
    let pricing = sim.get("/pricing").await.body;
    assert_eq!(
        pricing["pricing"]["gpu_per_hour"]["B200"], 5.99,
        "{pricing}"
    );
    assert_eq!(
        sim.stock("MARS-1", "B200").await,
        sim.stock("NORWAY-1", "L40").await
    );
    let key = sim.ssh_key("k").await;
    let refused = sim.deploy("four", "B200", 4, key).await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        refused.body
    );
    assert!(
        refused.body.to_string().contains("one of 8, got 4"),
        "{:?}",
        refused.body
    );
    let deployed = sim.deploy("eight", "B200", 8, key).await;
    assert_eq!(deployed.status, StatusCode::OK, "{:?}", deployed.body);
}

#[tokio::test]
async fn the_built_in_catalog_refuses_that_model() {
    let sim = Sim::start(config()).await;
    let key = sim.ssh_key("k").await;
    let refused = sim.deploy("eight", "B200", 8, key).await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        refused.body
    );
    assert!(
        refused
            .body
            .to_string()
            .contains("unknown gpu_model `B200`"),
        "{:?}",
        refused.body
    );
}
