//! Per-minute billing of one resource: time per status and the bill so far.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock::SimMs;

const MINUTE_MS: u64 = 60_000;

/// Accrues time in the current status and bills every completed minute at the current rate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Meter {
    since: SimMs,
    status: String,
    /// USD per hour in the current status.
    rate: f64,
    /// Billable milliseconds not yet making up a whole minute.
    carry_ms: u64,
    usage_ms: BTreeMap<String, u64>,
    incurred: f64,
}

impl Meter {
    pub(crate) fn start(now: SimMs, status: &str, rate: f64) -> Self {
        Meter {
            since: now,
            status: status.to_owned(),
            rate,
            ..Meter::default()
        }
    }

    /// Brings the meter up to `now`.
    pub(crate) fn account(&mut self, now: SimMs) {
        let elapsed = now.saturating_sub(self.since);
        if elapsed == 0 {
            return;
        }
        *self.usage_ms.entry(self.status.clone()).or_default() += elapsed;
        if self.rate > 0.0 {
            let total = self.carry_ms + elapsed;
            let minutes = total / MINUTE_MS;
            self.carry_ms = total % MINUTE_MS;
            self.incurred += minutes as f64 * self.rate / 60.0;
        }
        self.since = now;
    }

    /// Accounts up to `now`, then bills `status` at `rate` from now on.
    pub(crate) fn set(&mut self, now: SimMs, status: &str, rate: f64) {
        self.account(now);
        if self.status != status || self.rate != rate {
            self.status = status.to_owned();
            self.rate = rate;
        }
    }

    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    /// USD billed so far (as of the last `account`).
    pub(crate) fn incurred(&self) -> f64 {
        self.incurred
    }

    /// Whole minutes spent per status (billed or not).
    pub(crate) fn usage_minutes(&self) -> BTreeMap<String, u64> {
        self.usage_ms
            .iter()
            .map(|(status, ms)| (status.clone(), ms / MINUTE_MS))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bills_whole_minutes_at_the_rate_of_each_status() {
        let mut meter = Meter::start(0, "BUILD", 0.0);
        meter.set(30_000, "ACTIVE", 6.0);
        meter.account(30_000 + 59_999);
        assert_eq!(meter.incurred(), 0.0);
        meter.account(30_000 + 60_000);
        assert!((meter.incurred() - 0.1).abs() < 1e-9);
        // The partial minute carries across accounting calls.
        meter.account(30_000 + 90_000);
        meter.account(30_000 + 120_000);
        assert!((meter.incurred() - 0.2).abs() < 1e-9);
        meter.set(150_000, "HIBERNATED", 0.6);
        meter.account(150_000 + 600_000);
        assert!((meter.incurred() - 0.3).abs() < 1e-9);
        let usage = meter.usage_minutes();
        assert_eq!(usage["ACTIVE"], 2);
        assert_eq!(usage["HIBERNATED"], 10);
        assert_eq!(usage["BUILD"], 0);
    }
}
