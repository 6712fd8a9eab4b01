//! B4: bytes written to state and journal while applying N creates (the engine's
//! `ApplyReport::bytes_written`), against the baseline of rewriting the whole state after
//! each operation: the sum over i = 1..=N of the encoded size of a state holding i
//! resources. At several N, to show ours grows linearly (flat bytes per op).

use std::time::Duration;

use garrison_engine::{ExecuteOptions, Scheduling};
use garrison_state::{encode, StateDoc, Store};

use crate::env::{label, Env};
use crate::report::Line;
use garrison_testkit::synth;

/// How much bytes per op may grow from the smallest to the largest N and still be linear.
const FLAT: f64 = 1.25;

pub(crate) fn run(sizes: &[usize]) -> Result<Vec<Line>, String> {
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("runtime: {e}"))?;
    rt.block_on(run_async(sizes))
}

async fn run_async(sizes: &[usize]) -> Result<Vec<Line>, String> {
    let mut lines = Vec::new();
    let mut first_per_op: Option<f64> = None;
    for (k, &n) in sizes.iter().enumerate() {
        let env = Env::start(0.0, Duration::from_millis(20)).await?;
        let model = env.model(&synth::account(n))?;
        let (_, report, _) = env
            .apply(
                model,
                ExecuteOptions {
                    parallelism: 16,
                    scheduling: Scheduling::CriticalPath,
                },
            )
            .await?;
        let state = Store::peek(env.backend().as_ref())
            .map_err(|e| format!("reading state: {e}"))?
            .state;
        if state.resources.len() != n {
            return Err(format!(
                "state holds {} resources, wanted {n}",
                state.resources.len()
            ));
        }
        let ours = report.bytes_written as f64;
        let theirs = rewrite_each_time(&state)? as f64;
        let per_op = ours / n as f64;
        let first = *first_per_op.get_or_insert(per_op);
        let last = k + 1 == sizes.len();
        let l = label(n);
        lines.push(Line {
            name: format!("b4_bytes_written_{l}"),
            value: ours,
            unit: "B".into(),
            baseline: Some(theirs),
            ratio: Some(theirs / ours.max(1.0)),
            target: "- (ratio = rewrite/ours)".into(),
            met: None,
        });
        lines.push(Line {
            name: format!("b4_bytes_per_op_{l}"),
            value: per_op,
            unit: "B/op".into(),
            baseline: Some(theirs / n as f64),
            ratio: Some(per_op / first),
            target: if last {
                format!("linear: B/op at largest N <= {FLAT}x smallest (ratio)")
            } else {
                "- (ratio = B/op / B/op at smallest N)".into()
            },
            met: last.then_some(per_op / first <= FLAT),
        });
    }
    Ok(lines)
}

/// Bytes the baseline writes: the whole state document after each of the creates that
/// built `state`, i.e. the sum of the encoded sizes of its prefixes of 1..=N resources.
pub(crate) fn rewrite_each_time(state: &StateDoc) -> Result<u64, String> {
    let mut doc = StateDoc {
        resources: Default::default(),
        outputs: Default::default(),
        pending: Vec::new(),
        ..state.clone()
    };
    let mut total = 0u64;
    for (i, (address, rs)) in state.resources.iter().enumerate() {
        doc.resources.insert(address.clone(), rs.clone());
        doc.serial = i as u64 + 1;
        let bytes = encode(&doc).map_err(|e| format!("encoding state: {e}"))?;
        total += bytes.len() as u64;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use garrison_state::ResourceState;

    fn with(n: usize) -> StateDoc {
        let mut doc = StateDoc::fresh();
        for i in 0..n {
            let address = format!("script.s{i}");
            doc.resources.insert(
                address.clone(),
                ResourceState {
                    address: address.parse().expect("a state key"),
                    kind: garrison_config::model::Kind::Script,
                    remote_id: i.to_string().into(),
                    name: format!("s{i}"),
                    region: String::new(),
                    attributes: Default::default(),
                    input_hashes: Default::default(),
                    dependencies: Vec::new(),
                    protect: false,
                    created_at: "2026-01-01T00:00:00Z".into(),
                    private_key_lost: false,
                    not_ready: false,
                },
            );
        }
        doc
    }

    #[test]
    fn the_baseline_grows_quadratically() {
        let one = rewrite_each_time(&with(100)).unwrap_or_else(|e| panic!("{e}"));
        let two = rewrite_each_time(&with(200)).unwrap_or_else(|e| panic!("{e}"));
        let full = encode(&with(100)).unwrap_or_else(|e| panic!("{e}")).len() as u64;
        // 100 prefixes, the largest being the whole document.
        assert!(
            one <= 100 * full && one >= 100 * full / 3,
            "{one} vs {full}"
        );
        // Twice the resources, about four times the bytes.
        let growth = two as f64 / one as f64;
        assert!((3.5..4.5).contains(&growth), "{growth}");
        assert_eq!(rewrite_each_time(&with(0)).ok(), Some(0));
    }
}
