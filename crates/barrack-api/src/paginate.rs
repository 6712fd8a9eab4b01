//! The paginator: page 1 learns `count`, the other pages are fetched concurrently, in order.

use futures::{StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Error;
use crate::routes::Op;
use crate::wire::{keys, MAX_PAGE_SIZE};

/// Every item of a list, and what fetching it cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// The server's `count` (total items), when it sent one.
    pub count: Option<u64>,
    /// Pages fetched.
    pub pages: u32,
    /// HTTP requests sent, retries included.
    pub requests: u32,
}

/// Pages beyond this are refused (a `count` this large is a broken answer).
const MAX_PAGES: u64 = 100_000;

impl Client {
    /// One page of a paginated list: the items and the server's `count`.
    pub async fn list_page<T: DeserializeOwned>(
        &self,
        op: Op,
        params: &[&str],
        page: u32,
        page_size: u32,
    ) -> Result<(Vec<T>, Option<u64>), Error> {
        let (items, count, _, _) = self.fetch_page(op, params, &[], page, page_size).await?;
        Ok((items, count))
    }

    /// Every item of the list `op`: page 1 with `page_size` 200 learns `count`, then the
    /// remaining pages are fetched concurrently (at most `config.list_concurrency` at once)
    /// and concatenated in page order. A list that is not paginated (no `count`, or it
    /// ignores the parameters and sends everything) costs one request. The page
    /// parameters are sent to every list route: harmless where they are ignored.
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        op: Op,
        params: &[&str],
        query: &[(&str, String)],
    ) -> Result<Listing<T>, Error> {
        let (mut items, count, page_size, mut requests) = self
            .fetch_page::<T>(op, params, query, 1, MAX_PAGE_SIZE)
            .await?;
        let Some(total) = count else {
            return Ok(Listing {
                items,
                count,
                pages: 1,
                requests,
            });
        };
        let page_size = u64::from(page_size.max(1));
        let pages = total.div_ceil(page_size).clamp(1, MAX_PAGES);
        if items.len() as u64 >= total || pages <= 1 {
            return Ok(Listing {
                items,
                count,
                pages: 1,
                requests,
            });
        }
        let concurrency = self.config().list_concurrency.max(1);
        let rest: Vec<_> = futures::stream::iter(2..=pages)
            .map(|page| {
                let page = u32::try_from(page).unwrap_or(u32::MAX);
                // Ask with the same page size the server used for page 1.
                let size = u32::try_from(page_size).unwrap_or(MAX_PAGE_SIZE);
                self.fetch_page::<T>(op, params, query, page, size)
            })
            .buffered(concurrency)
            .try_collect()
            .await?;
        for (page_items, _, _, attempts) in rest {
            items.extend(page_items);
            requests += attempts;
        }
        Ok(Listing {
            items,
            count,
            pages: u32::try_from(pages).unwrap_or(u32::MAX),
            requests,
        })
    }

    /// Items, `count`, the page size the server used, attempts.
    async fn fetch_page<T: DeserializeOwned>(
        &self,
        op: Op,
        params: &[&str],
        query: &[(&str, String)],
        page: u32,
        page_size: u32,
    ) -> Result<(Vec<T>, Option<u64>, u32, u32), Error> {
        let mut full: Vec<(&str, String)> = query.to_vec();
        full.push(("page", page.to_string()));
        full.push(("page_size", page_size.to_string()));
        let mut response = self.send(op, params, &full, None).await?;
        let count = response.body.get(keys::COUNT).and_then(|c| c.as_u64());
        let used = response
            .body
            .get("page_size")
            .and_then(|s| s.as_u64())
            .and_then(|s| u32::try_from(s).ok())
            .filter(|s| *s > 0)
            .unwrap_or(page_size);
        let items: Vec<T> = response.decode()?;
        Ok((items, count, used, response.attempts))
    }
}
