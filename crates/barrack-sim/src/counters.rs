//! Request counters per method and route template, for `GET /_sim/counters`.

use std::collections::BTreeMap;

use serde::Serialize;

/// `{"total": N, "throttled": T, "routes": {"GET /instances": n, ...}, "late": {"held": h, "delivered": d}}`.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Counters {
    pub(crate) total: u64,
    /// Requests answered 429 by the rate limit (injected 429s not included).
    pub(crate) throttled: u64,
    pub(crate) routes: BTreeMap<String, u64>,
    pub(crate) late: Late,
}

/// Mutations held by the `late_delivery` fault: held now, and applied late so far.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Late {
    pub(crate) held: u64,
    pub(crate) delivered: u64,
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
