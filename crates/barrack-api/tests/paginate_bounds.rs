//! H4: the paginator does not trust a server's `count`: it stops at the first empty page,
//! refuses a count needing more than `MAX_PAGES` pages before sending page 2, and pages by
//! the number of items it actually received.

mod mock;

use std::time::Duration;

use barrack_api::wire::Volume;
use barrack_api::{Client, ClientConfig, Error, Op, RetryPolicy, MAX_PAGES};
use mock::ok;
use serde_json::json;

fn client(base_url: &str) -> Client {
    let mut config = ClientConfig::new(base_url, "sk-paginate-test-key");
    config.timeout = Duration::from_secs(5);
    config.retry = RetryPolicy::none();
    Client::new(config).unwrap()
}

fn volumes(range: std::ops::Range<u64>) -> Vec<serde_json::Value> {
    range
        .map(|i| json!({"id": i, "name": format!("v{i}")}))
        .collect()
}

async fn list(base_url: &str) -> Result<barrack_api::Listing<Volume>, Error> {
    client(base_url)
        .list_all::<Volume>(Op::ListVolumes, &[], &[])
        .await
}

/// H4: `count: 10^12, page_size: 1` with one item per page: refused after page 1, where
/// the old paginator went on to 100,000 requests.
#[tokio::test]
async fn huge_count_is_refused_after_one_request() {
    let server = mock::start(|seen, _| {
        let page: u64 = seen.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        ok(
            json!({"status": true, "count": 1_000_000_000_000u64, "page": page,
                  "page_size": 1, "volumes": volumes(page..page + 1)}),
        )
    })
    .await;
    let e = list(&server.base_url).await.unwrap_err();
    assert!(matches!(e, Error::BadListing { .. }), "{e:?}");
    let shown = e.to_string();
    assert!(
        shown.contains(&format!("limit of {MAX_PAGES} pages")),
        "{shown}"
    );
    assert_eq!(server.seen().len(), 1);
}

/// H4: a count of 5,000 items but the pages run dry at page 3: paging stops there (the
/// in-flight pages beyond are cancelled) and returns what arrived.
#[tokio::test]
async fn paging_stops_at_the_first_empty_page() {
    let server = mock::start(|seen, _| {
        let page: u64 = seen.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let items = if page <= 2 {
            volumes((page - 1) * 10..page * 10)
        } else {
            vec![]
        };
        ok(json!({"status": true, "count": 5_000, "page": page, "page_size": 10, "volumes": items}))
    })
    .await;
    let listing = list(&server.base_url).await.unwrap();
    assert_eq!(listing.items.len(), 20);
    assert_eq!(listing.pages, 2);
    // Page 1, then at most `list_concurrency` (8) pages in flight before the empty one
    // was seen: never the 500 pages the count claims.
    assert!(
        server.seen().len() <= 1 + 8,
        "{} requests",
        server.seen().len()
    );
}

/// A server claiming `page_size: 1` while sending 50 items per page is paged by 50.
#[tokio::test]
async fn pages_by_the_items_received() {
    let server = mock::start(|seen, _| {
        let page: u64 = seen.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let items = volumes(((page - 1) * 50).min(120)..(page * 50).min(120));
        ok(json!({"status": true, "count": 120, "page": page, "page_size": 1, "volumes": items}))
    })
    .await;
    let listing = list(&server.base_url).await.unwrap();
    assert_eq!(listing.items.len(), 120);
    assert_eq!(server.seen().len(), 3);
}
