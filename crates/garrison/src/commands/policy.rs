//! Policies for `plan` and `apply`: the config's `policy` block and the Rego files of
//! `--policy DIR` (every `*.rego` in it, sorted), checked by `garrison-policy`; a plan with
//! violations is shown with them and refused (exit 1).

use std::path::{Path, PathBuf};

use garrison_config::Model;
use garrison_plan::{render, Plan, PolicyViolation};
use garrison_policy::RegoFile;
use miette::miette;

use crate::console::Console;
use crate::failure::Failure;

/// The violations of `plan` (none when there is no `policy` block and no `--policy`).
pub(crate) fn violations(
    model: &Model,
    plan: &Plan,
    dirs: &[PathBuf],
) -> Result<Vec<PolicyViolation>, Failure> {
    let mut found = garrison_policy::guardrails(model, plan);
    let files = rego_files(dirs)?;
    if !files.is_empty() {
        let json = render::to_json(plan);
        found.extend(
            garrison_policy::rego(&files, &json)
                .map_err(|e| Failure::config(miette::Report::new(e)))?,
        );
    }
    Ok(found)
}

/// Says that the plan is refused, one line per violation.
pub(crate) fn report(console: &Console, violations: &[PolicyViolation]) {
    errln!(
        console,
        "\nerror: the plan breaks {} polic{}; nothing is applied:",
        violations.len(),
        if violations.len() == 1 {
            "y rule"
        } else {
            "y rules"
        }
    );
    for v in violations {
        errln!(console, "  policy: [{}] {}", v.source, v.message);
    }
    errln!(
        console,
        "hint: change the config (or the `policy` block / the `--policy` files if the rule is wrong)"
    );
}

/// Every `*.rego` file of `dirs`, sorted, read whole.
fn rego_files(dirs: &[PathBuf]) -> Result<Vec<RegoFile>, Failure> {
    let mut files = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|e| unreadable(dir, &e))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rego") && p.is_file())
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(Failure::usage(miette!(
                help = "a policy directory holds `*.rego` files (package `garrison`, `deny` rules)",
                "`{}` has no `*.rego` file",
                dir.display()
            )));
        }
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, &e))?;
            files.push(RegoFile {
                path: path.display().to_string(),
                text,
            });
        }
    }
    Ok(files)
}

fn unreadable(path: &Path, e: &std::io::Error) -> Failure {
    Failure::usage(miette!("reading the policy `{}`: {e}", path.display()))
}
