//! Default operation timeouts per kind and the duration syntax (`"10m"`, `"90s"`, `"1h30m"`).

use std::time::Duration;

use crate::model::{Kind, OpTimeouts};

/// The built-in timeouts of `kind` (from the kind table).
pub fn default_for(kind: Kind) -> OpTimeouts {
    let d = kind.info().default_timeouts;
    OpTimeouts {
        create: d.create,
        update: d.update,
        delete: d.delete,
    }
}

/// Parses `"90s"`, `"10m"`, `"2h"`, `"1h30m"`; `None` if malformed or zero.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return None,
        };
        let n: u64 = digits.parse().ok()?;
        digits.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
        any = true;
    }
    if !digits.is_empty() || !any || total == 0 {
        return None;
    }
    Some(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("0s"), None);
        assert_eq!(parse_duration("5d"), None);
        assert_eq!(parse_duration(""), None);
    }
}
