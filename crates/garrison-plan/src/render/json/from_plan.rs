//! From the plan to its documented JSON: one conversion per internal type.
//!
//! Each conversion destructures its source without `..`: a field added to an internal type
//! fails to compile here until someone decides whether it is part of the format (and then
//! updates `docs/plan-json.md` and `docs/plan-json.schema.json`) or ignores it with `_`.

use garrison_config::model::ConfigWarning;

use super::format::{
    ActionJson, AfterJson, AttrJson, BasisJson, BlockedJson, ChangeJson, CostJson, DriftJson,
    OutputChangeJson, PlanJson, SummaryJson, ViolationJson, WarningJson,
};
use super::JSON_FORMAT_VERSION;
use crate::action::{Action, After, AttrChange, Drift, ResourceChange};
use crate::blocked::Blocked;
use crate::outputs::OutputChange;
use crate::plan::{Basis, Cost, Plan, Summary};

impl From<&Plan> for PlanJson {
    fn from(plan: &Plan) -> Self {
        let Plan {
            // The internal plan's version travels in saved plans; the JSON has its own.
            format_version: _,
            basis,
            destroy,
            summary,
            changes,
            outputs,
            drift,
            blocked,
            cost,
            warnings,
            // Not part of the format: steps may hold sensitive values.
            steps: _,
            notes,
            options,
            hints,
            violations,
            rehearsal,
        } = plan;
        let addresses = |l: &[garrison_config::model::Address]| {
            l.iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        PlanJson {
            format_version: JSON_FORMAT_VERSION,
            basis: basis.into(),
            destroy: *destroy,
            summary: summary.into(),
            changes: changes.iter().map(ChangeJson::from).collect(),
            output_changes: outputs.iter().map(OutputChangeJson::from).collect(),
            drift: drift.iter().map(DriftJson::from).collect(),
            blocked: blocked.iter().map(BlockedJson::from).collect(),
            cost: cost.as_ref().map(CostJson::from),
            warnings: warnings.iter().map(WarningJson::from).collect(),
            notes: notes.clone(),
            hints: hints.clone(),
            policy_violations: violations
                .iter()
                .map(|v| ViolationJson {
                    source: v.source.clone(),
                    message: v.message.clone(),
                })
                .collect(),
            replace: addresses(&options.replace),
            target: options.target.iter().map(ToString::to_string).collect(),
            exclude: options.exclude.iter().map(ToString::to_string).collect(),
            refresh_only: options.refresh_only,
            rehearsal: rehearsal.as_ref().map(super::RehearsalJson::from),
        }
    }
}

impl From<&Basis> for BasisJson {
    fn from(basis: &Basis) -> Self {
        let Basis {
            config_hash,
            state_lineage,
            state_serial,
            refreshed,
        } = basis;
        BasisJson {
            config_hash: config_hash.clone(),
            state_lineage: state_lineage.as_ref().map(ToString::to_string),
            state_serial: *state_serial,
            refreshed: *refreshed,
        }
    }
}

impl From<&Summary> for SummaryJson {
    fn from(summary: &Summary) -> Self {
        let Summary {
            add,
            change,
            replace,
            destroy,
            forget,
            unchanged,
            moved,
            import,
            wait,
            blocked,
        } = *summary;
        SummaryJson {
            add,
            change,
            replace,
            destroy,
            forget,
            unchanged,
            moved,
            import,
            wait,
            blocked,
        }
    }
}

impl From<Action> for ActionJson {
    fn from(action: Action) -> Self {
        match action {
            Action::NoOp => ActionJson::NoOp,
            Action::Create => ActionJson::Create,
            Action::Update => ActionJson::Update,
            Action::Replace => ActionJson::Replace,
            Action::Delete => ActionJson::Delete,
            Action::Forget => ActionJson::Forget,
            Action::Wait => ActionJson::Wait,
        }
    }
}

impl From<&ResourceChange> for ChangeJson {
    fn from(change: &ResourceChange) -> Self {
        let ResourceChange {
            address,
            kind,
            action,
            name,
            region,
            remote_id,
            attrs,
            reasons,
            create_before_destroy,
            cost_before,
            cost_after,
            moved_from,
            imported,
        } = change;
        ChangeJson {
            address: address.to_string(),
            kind: kind.as_str().to_string(),
            action: (*action).into(),
            name: name.clone(),
            region: region.clone(),
            remote_id: remote_id.as_ref().map(ToString::to_string),
            attrs: attrs.iter().map(AttrJson::from).collect(),
            reasons: reasons.clone(),
            create_before_destroy: *create_before_destroy,
            cost_before: *cost_before,
            cost_after: *cost_after,
            moved_from: moved_from.as_ref().map(ToString::to_string),
            imported: imported.as_ref().map(ToString::to_string),
        }
    }
}

impl From<&AttrChange> for AttrJson {
    fn from(attr: &AttrChange) -> Self {
        AttrJson {
            name: attr.name().to_string(),
            before: attr.before().cloned(),
            after: attr.after.as_ref().map(AfterJson::from),
            forces_replacement: attr.forces_replacement,
            sensitive: attr.sensitive,
            multiline: attr.multiline,
            replaced: attr.replaced().iter().map(ToString::to_string).collect(),
        }
    }
}

impl From<&OutputChange> for OutputChangeJson {
    fn from(change: &OutputChange) -> Self {
        let OutputChange {
            name,
            action,
            before,
            after,
            sensitive,
        } = change;
        OutputChangeJson {
            name: name.clone(),
            action: ActionJson::from(*action),
            before: before.clone(),
            after: after.as_ref().map(AfterJson::from),
            sensitive: *sensitive,
        }
    }
}

impl From<&After> for AfterJson {
    fn from(after: &After) -> Self {
        match after {
            After::Known(value) => AfterJson::Known(value.clone()),
            After::Unknown => AfterJson::Unknown,
        }
    }
}

impl From<&Drift> for DriftJson {
    fn from(drift: &Drift) -> Self {
        let Drift {
            address,
            attr,
            recorded,
            actual,
            sensitive,
        } = drift;
        DriftJson {
            address: address.to_string(),
            attr: attr.as_ref().map(ToString::to_string),
            recorded: recorded.clone(),
            actual: actual.clone(),
            sensitive: *sensitive,
        }
    }
}

impl From<&Blocked> for BlockedJson {
    fn from(blocked: &Blocked) -> Self {
        let Blocked {
            address,
            action,
            reason,
            hint,
        } = blocked;
        BlockedJson {
            address: address.to_string(),
            action: (*action).into(),
            reason: reason.clone(),
            hint: hint.clone(),
        }
    }
}

impl From<&Cost> for CostJson {
    fn from(cost: &Cost) -> Self {
        let Cost {
            before_per_hour,
            after_per_hour,
            delta_per_hour,
        } = *cost;
        CostJson {
            before_per_hour,
            after_per_hour,
            delta_per_hour,
        }
    }
}

impl From<&ConfigWarning> for WarningJson {
    fn from(warning: &ConfigWarning) -> Self {
        let ConfigWarning {
            code,
            message,
            file,
            line,
            column,
            help,
        } = warning;
        WarningJson {
            code: code.clone(),
            message: message.clone(),
            file: file.as_ref().map(|f| f.to_string_lossy().into_owned()),
            line: *line,
            column: *column,
            help: help.clone(),
        }
    }
}
