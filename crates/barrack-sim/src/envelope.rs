//! Success bodies: `{"status": true, "message": .., "<key>": ..}` and paginated lists.

use std::collections::HashMap;

use barrack_wire::wire::{PageInfo, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// A success body under construction.
#[derive(Debug, Default)]
pub(crate) struct Envelope(Map<String, Value>);

impl Envelope {
    /// `{"status": true, "message": message}`.
    pub(crate) fn ok(message: impl Into<String>) -> Self {
        let mut map = Map::new();
        map.insert("status".into(), Value::Bool(true));
        map.insert("message".into(), Value::String(message.into()));
        Envelope(map)
    }

    /// Adds `key: value`.
    pub(crate) fn with(mut self, key: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.0.insert(key.to_owned(), value);
        self
    }

    /// Adds one page of `items` under `key`, plus `count`, `page` and `page_size`.
    pub(crate) fn page<T: Serialize>(self, key: &str, items: Vec<T>, query: Paging) -> Self {
        let count = items.len() as u64;
        let start = (query.page as usize - 1).saturating_mul(query.page_size as usize);
        let slice: Vec<T> = items
            .into_iter()
            .skip(start)
            .take(query.page_size as usize)
            .collect();
        let info = PageInfo {
            count,
            page: query.page,
            page_size: query.page_size,
        };
        self.with(key, slice)
            .with("count", info.count)
            .with("page", info.page)
            .with("page_size", info.page_size)
    }

    pub(crate) fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

/// A validated `?page=&page_size=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    pub(crate) page: u32,
    pub(crate) page_size: u32,
}

impl Paging {
    /// Reads and validates the query: page >= 1, 1 <= page_size <= 200 (default 50).
    pub(crate) fn from_query(query: &HashMap<String, String>) -> ApiResult<Self> {
        let page = match query.get("page") {
            None => 1,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| {
                    ApiError::bad_request(format!("page must be a positive integer, got `{text}`"))
                })?,
        };
        let page_size = match query.get("page_size") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|s| (1..=MAX_PAGE_SIZE).contains(s))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "page_size must be between 1 and {MAX_PAGE_SIZE}, got `{text}`"
                    ))
                })?,
        };
        Ok(Paging { page, page_size })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn paging_defaults_and_limits() {
        assert_eq!(
            Paging::from_query(&query(&[])),
            Ok(Paging {
                page: 1,
                page_size: 50
            })
        );
        assert!(Paging::from_query(&query(&[("page_size", "201")])).is_err());
        assert!(Paging::from_query(&query(&[("page_size", "0")])).is_err());
        assert!(Paging::from_query(&query(&[("page", "0")])).is_err());
        assert!(Paging::from_query(&query(&[("page", "x")])).is_err());
        assert_eq!(
            Paging::from_query(&query(&[("page", "3"), ("page_size", "200")])),
            Ok(Paging {
                page: 3,
                page_size: 200
            })
        );
    }

    #[test]
    fn page_slices_and_counts() {
        let body = Envelope::ok("x")
            .page(
                "items",
                (1..=5).collect::<Vec<u32>>(),
                Paging {
                    page: 2,
                    page_size: 2,
                },
            )
            .into_value();
        assert_eq!(body["items"], serde_json::json!([3, 4]));
        assert_eq!(body["count"], 5);
        assert_eq!(body["page"], 2);
        assert_eq!(body["page_size"], 2);
    }
}
