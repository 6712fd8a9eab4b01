//! Why a saved plan may no longer be applied ([`StaleReason`]), and the check of a saved
//! plan's basis against the state, config and cloud of this run.

use std::fmt;

use garrison_config::Model;
use garrison_plan::Plan;
use garrison_state::StateDoc;

use crate::error::EngineError;
use crate::saved::SavedPlan;

/// Which input of a saved plan moved on since it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaleReason {
    /// The config's hash differs (shortened hashes).
    ConfigChanged { was: String, now: String },
    /// The state is another one (lineages; `none` for a fresh state).
    OtherState { was: String, now: String },
    /// The state was written since (serials).
    StateChanged { was: u64, now: u64 },
    /// The saved plan and this command disagree on `destroy`.
    DestroyDiffers,
    /// The refreshed cloud gives other actions: the first that differs.
    CloudChanged { detail: String },
    /// A sensitive variable or an object the plan read changed.
    InputMoved { detail: String },
}

impl fmt::Display for StaleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StaleReason::ConfigChanged { was, now } => write!(
                f,
                "the config changed since the plan was made (config hash {was} -> {now})"
            ),
            StaleReason::OtherState { was, now } => {
                write!(f, "the state is a different one (lineage {was} -> {now})")
            }
            StaleReason::StateChanged { was, now } => write!(
                f,
                "the state changed since the plan was made (serial {was} -> {now})"
            ),
            StaleReason::DestroyDiffers => {
                f.write_str("the saved plan and this command disagree on `destroy`")
            }
            StaleReason::CloudChanged { detail } => {
                write!(f, "the cloud changed since the plan was made: {detail}")
            }
            StaleReason::InputMoved { detail } => write!(f, "{detail} since the plan was made"),
        }
    }
}

/// Refuses a saved plan whose inputs moved on, saying which.
pub(crate) fn check_saved(
    saved: &SavedPlan,
    plan: &Plan,
    model: &Model,
    opened: &StateDoc,
) -> Result<(), EngineError> {
    match basis_moved(saved, plan, model, opened) {
        Some(reason) => Err(EngineError::StalePlan { reason }),
        None => Ok(()),
    }
}

fn basis_moved(
    saved: &SavedPlan,
    plan: &Plan,
    model: &Model,
    opened: &StateDoc,
) -> Option<StaleReason> {
    let basis = &saved.plan.basis;
    if basis.config_hash != model.config_hash {
        return Some(StaleReason::ConfigChanged {
            was: short(&basis.config_hash).into(),
            now: short(&model.config_hash).into(),
        });
    }
    let lineage = (opened.serial > 0 || !opened.resources.is_empty()).then_some(opened.lineage);
    if basis.state_lineage.is_some() && basis.state_lineage != lineage {
        return Some(StaleReason::OtherState {
            was: basis
                .state_lineage
                .map(|l| l.to_string())
                .unwrap_or_default(),
            now: lineage.map_or_else(|| "none".into(), |l| l.to_string()),
        });
    }
    if basis.state_serial != opened.serial {
        return Some(StaleReason::StateChanged {
            was: basis.state_serial,
            now: opened.serial,
        });
    }
    if saved.plan.destroy != plan.destroy {
        return Some(StaleReason::DestroyDiffers);
    }
    actions_moved(&saved.plan, plan)
        .or_else(|| drift_moved(&saved.plan, plan))
        .map(|detail| StaleReason::CloudChanged { detail })
}

/// A `--refresh-only` plan records the drift it shows: the first drift that is not what
/// the saved plan showed, if any.
fn drift_moved(saved: &Plan, plan: &Plan) -> Option<String> {
    if !saved.options.refresh_only || saved.drift == plan.drift {
        return None;
    }
    let differs = plan
        .drift
        .iter()
        .find(|d| !saved.drift.contains(d))
        .or_else(|| saved.drift.iter().find(|d| !plan.drift.contains(d)));
    Some(match differs {
        Some(d) => format!(
            "`{}`{} drifted differently from what the plan showed",
            d.address,
            d.attr
                .as_ref()
                .map(|a| format!(" `{a}`"))
                .unwrap_or_default()
        ),
        None => "the drift is not what the plan showed".into(),
    })
}

/// The first action that differs between the saved plan and this run's, if any.
fn actions_moved(saved: &Plan, plan: &Plan) -> Option<String> {
    let want = saved.actions();
    let have = plan.actions();
    if want == have {
        return None;
    }
    let first = want
        .iter()
        .zip(have.iter())
        .find(|(a, b)| a != b)
        .map(|((wa, wx), (ha, hx))| {
            format!(
                "`{wa}` was to {}, now `{ha}` would {}",
                wx.verb(),
                hx.verb()
            )
        });
    Some(
        first.unwrap_or_else(|| format!("{} changes were planned, now {}", want.len(), have.len())),
    )
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
