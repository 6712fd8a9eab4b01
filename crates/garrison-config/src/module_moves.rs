//! A `moved` block for a whole module instance (`moved from="module.dev" to="module.team"`,
//! `from="module.a" to="module.a[0]"` when the call gains `count`): it stands for one move per
//! resource instance the config declares under `to`, from the same address under `from`.

use garrison_core::{module_path_text, parse_module_path, ModuleStep};

use crate::diagnostic::Code;
use crate::eval::Eval;
use crate::model::{Moved, Resource, Span};

/// The module paths of a whole-module move: both `from` and `to` name module instances.
pub(crate) fn paths(
    from: &Option<String>,
    to: &Option<String>,
) -> Option<(Vec<ModuleStep>, Vec<ModuleStep>)> {
    let from = parse_module_path(from.as_deref()?)?;
    let to = parse_module_path(to.as_deref()?)?;
    Some((from, to))
}

/// The per-resource moves of `from` -> `to`, or an error when `from` is still declared or
/// `to` declares nothing.
pub(crate) fn expand(
    ev: &mut Eval<'_>,
    (from, to): (Vec<ModuleStep>, Vec<ModuleStep>),
    span: &Span,
    resources: &[Resource],
) -> Vec<Moved> {
    let (from_text, to_text) = (module_path_text(&from), module_path_text(&to));
    let under = |path: &[ModuleStep], r: &&Resource| r.address.module.starts_with(path);
    if from == to || resources.iter().any(|r| under(&from, &r)) {
        ev.diags.error(
            Code::BadMove,
            span,
            format!("`{from_text}` is still declared"),
            "still in the config",
            Some(format!(
                "a move renames the module instance `{from_text}` to `{to_text}`: rename or remove the `module` call"
            )),
        );
        return Vec::new();
    }
    let moves: Vec<Moved> = resources
        .iter()
        .filter(|r| under(&to, r))
        .map(|r| {
            let mut old = r.address.clone();
            old.module = from
                .iter()
                .chain(&r.address.module[to.len()..])
                .cloned()
                .collect();
            Moved {
                from: old,
                to: r.address.clone(),
                span: span.clone(),
            }
        })
        .collect();
    if moves.is_empty() {
        ev.diags.error(
            Code::BadMove,
            span,
            format!("`{to_text}` declares no resource"),
            "no module instance here",
            Some(format!("declare the `module` call that makes `{to_text}`")),
        );
    }
    moves
}
