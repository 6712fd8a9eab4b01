//! Finding the state backend without loading the whole config: `output`, `state` and
//! `force-unlock` only read (or unlock) the state, so they need the `state` node and the
//! variables it uses, nothing else. A required variable left unset is not an error here.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::collect::Diags;
use crate::diagnostic::{Code, ConfigDiagnostic, Failure, Level, Sources};
use crate::eval::Eval;
use crate::model::StateBackend;
use crate::vars::{VarDecl, VarInputs};

/// The state backend `dir`'s config names. Only syntax, variable inputs and the `state`
/// node are checked; resources are not evaluated and unset variables are allowed.
pub fn load_state_backend(dir: &Path, inputs: &VarInputs) -> Result<StateBackend, Failure> {
    let inputs = &crate::workspace_file::with_workspace_file(dir, inputs);
    let files = crate::source::read_dir(dir).map_err(|e| Failure {
        errors: vec![ConfigDiagnostic::build(
            Code::Io,
            Level::Error,
            e.to_string(),
            vec![],
            Some("a config is a directory of `*.kdl` files".to_owned()),
            &Sources::new(),
        )],
        warnings: vec![],
    })?;
    let mut diags = Diags::default();
    let mut sources: Sources = BTreeMap::new();
    let mut parsed = Vec::new();
    for (rel, text) in files {
        let doc = crate::source::parse_for_load(&rel, &text, &mut diags);
        sources.insert(rel.clone(), Arc::new(text));
        parsed.push((rel, doc));
    }
    let mut ev = Eval::new(Some(dir), diags);
    ev.workspace = inputs.workspace.clone();
    let mut states = Vec::new();
    let mut decls: BTreeMap<String, VarDecl> = BTreeMap::new();
    for (rel, doc) in &parsed {
        let Some(doc) = doc else { continue };
        for node in doc.nodes() {
            match node.name().value() {
                "state" => states.push((node, rel.as_path())),
                "variable" => {
                    if let Some(d) = crate::vars::parse_decl(rel, node, &mut ev.diags) {
                        decls.entry(d.name.clone()).or_insert(d);
                    }
                }
                _ => {}
            }
        }
    }
    ev.declared_vars = decls.keys().cloned().collect();
    // Var files are not shown as source context (a sensitive value could be in them).
    let mut var_sources = Sources::new();
    let (vars, _origins) = crate::vars::resolve(&decls, inputs, &mut var_sources, &mut ev.diags);
    ev.vars = vars;
    // Reading the state needs no value for a variable the `state` node does not use.
    ev.diags.items.retain(|d| d.code != Code::MissingVariable);
    let backend = crate::load::state(&mut ev, &states);
    let diags = std::mem::take(&mut ev.diags);
    let has_errors = diags.has_errors();
    let (errors, warnings) = diags.finish_hiding(&sources, &var_sources);
    if has_errors {
        return Err(Failure { errors, warnings });
    }
    Ok(backend)
}
