//! The paginator: page 1 learns `count`, the other pages are fetched concurrently, in order,
//! within a cap on pages and stopping at the first empty page.

use futures::StreamExt;
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

/// Pages per list beyond which a listing is refused: 1,000 pages of 200 are 200,000 items
/// of one kind, far beyond any real account; a `count` needing more is a broken answer.
pub const MAX_PAGES: u64 = 1_000;

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
    /// remaining pages are fetched concurrently (at most `config.list_concurrency` in
    /// flight) and concatenated in page order. A list that is not paginated (no `count`,
    /// or it ignores the parameters and sends everything) costs one request. The page
    /// parameters are sent to every list route: harmless where they are ignored.
    ///
    /// The server's `count` is not trusted beyond reason: paging stops at the first empty
    /// page or once `count` items arrived; a `count` with an empty page 1, a `count` that
    /// needs more than [`MAX_PAGES`] pages, or a page larger than the page size is a
    /// [`Error::BadListing`].
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        op: Op,
        params: &[&str],
        query: &[(&str, String)],
    ) -> Result<Listing<T>, Error> {
        let (mut items, count, used, mut requests) = self
            .fetch_page::<T>(op, params, query, 1, MAX_PAGE_SIZE)
            .await?;
        let single = |items, requests| Listing {
            items,
            count,
            pages: 1,
            requests,
        };
        let Some(total) = count else {
            return Ok(single(items, requests));
        };
        if items.len() as u64 >= total {
            return Ok(single(items, requests));
        }
        let bad = |message: String| Error::BadListing {
            url: self.url(op, params).unwrap_or_else(|_| format!("{op:?}")),
            message,
        };
        if items.is_empty() {
            return Err(bad(format!(
                "the server claims {total} items but page 1 holds none"
            )));
        }
        // The page size actually received counts too: a server claiming `page_size: 1`
        // while sending 200 items is paged by 200.
        let page_size = u64::from(used).max(items.len() as u64).max(1);
        let pages = total.div_ceil(page_size);
        if pages > MAX_PAGES {
            return Err(bad(format!(
                "the server claims {total} items at {page_size} per page: {pages} pages, \
                 more than the limit of {MAX_PAGES} pages per list"
            )));
        }
        let size = u32::try_from(page_size).unwrap_or(MAX_PAGE_SIZE);
        let concurrency = self.config().list_concurrency.max(1);
        let mut rest = futures::stream::iter(2..=pages)
            .map(|page| {
                let page = u32::try_from(page).unwrap_or(u32::MAX);
                // Ask with the same page size the server used for page 1.
                self.fetch_page::<T>(op, params, query, page, size)
            })
            .buffered(concurrency);
        let mut fetched = 1u32;
        // Dropping `rest` early cancels the pages still in flight (reads only).
        while let Some(page) = rest.next().await {
            let (page_items, _, _, attempts) = page?;
            requests += attempts;
            if page_items.is_empty() {
                break;
            }
            if page_items.len() as u64 > page_size {
                return Err(bad(format!(
                    "page {} holds {} items, more than the page size {page_size}",
                    fetched + 1,
                    page_items.len()
                )));
            }
            fetched += 1;
            items.extend(page_items);
            if items.len() as u64 >= total {
                break;
            }
        }
        Ok(Listing {
            items,
            count,
            pages: fetched,
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
