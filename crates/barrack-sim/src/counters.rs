//! Request counters per method and route template, for `GET /_sim/counters`.

use std::collections::BTreeMap;

use serde::Serialize;

/// `{"total": N, "routes": {"GET /instances": n, ...}}`.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Counters {
    pub(crate) total: u64,
    pub(crate) routes: BTreeMap<String, u64>,
}

impl Counters {
    pub(crate) fn bump(&mut self, key: &str) {
        self.total += 1;
        match self.routes.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                self.routes.insert(key.to_owned(), 1);
            }
        }
    }
}
