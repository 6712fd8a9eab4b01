//! Usage errors (clap), the [`Class::Usage`] errors of the command line: exit 1, never 2
//! (2 means "changes present" with `plan --detailed-exitcode`), and a hint for Terraform's
//! single-dash spellings (`-var`, `-auto-approve`): "did you mean `--var`?".

use std::ffi::OsString;

use clap::error::ErrorKind;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::console::Console;
use crate::exit::codes;
use crate::failure::Class;

/// Prints a clap error (help and version go to stdout and exit 0) and returns the exit code.
pub(crate) fn report(error: &clap::Error, args: &[OsString], console: &Console) -> u8 {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            out!(console, "{}", error.render());
            codes::OK
        }
        _ => {
            let text = error.render().to_string();
            let hints = single_dash_hints(args);
            if hints.is_empty() {
                errln!(console, "{}", text.trim_end());
            } else {
                // clap's own tip (`use '-- -v'`) would mislead: one line, then the hints.
                errln!(
                    console,
                    "error: unexpected argument: Garrison's flags take two dashes"
                );
                for hint in hints {
                    errln!(console, "hint: {hint}");
                }
                if let Some(usage) = text.lines().find(|l| l.starts_with("Usage:")) {
                    errln!(console, "  {usage}");
                }
            }
            Class::Usage.exit_code()
        }
    }
}

/// A hint per argument spelled with one dash where Garrison has a two-dash flag.
pub(crate) fn single_dash_hints(args: &[OsString]) -> Vec<String> {
    let longs = long_flags();
    let mut hints = Vec::new();
    for arg in args.iter().skip(1) {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        let Some(word) = arg.strip_prefix('-').filter(|w| !w.starts_with('-')) else {
            continue;
        };
        let (name, value) = match word.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (word, None),
        };
        if name.len() < 2 || !longs.iter().any(|l| l == name) {
            continue;
        }
        let spelled = match value {
            Some(v) => format!("--{name}={v}"),
            None => format!("--{name}"),
        };
        let hint = format!("did you mean `--{name}`? (`{spelled}`, not `{arg}`)");
        if !hints.contains(&hint) {
            hints.push(hint);
        }
    }
    hints
}

/// Every long flag of every subcommand.
fn long_flags() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                out.push(long.to_string());
            }
            if let Some(aliases) = arg.get_all_aliases() {
                out.extend(aliases.into_iter().map(str::to_string));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &mut out);
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(args: &[&str]) -> Vec<String> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        single_dash_hints(&args)
    }

    /// U1: each of Terraform's single-dash spellings names the two-dash flag.
    #[test]
    fn terraform_spellings_get_the_double_dash_hint() {
        for (arg, want) in [
            ("-var", "`--var`"),
            ("-var-file", "`--var-file`"),
            ("-auto-approve", "`--auto-approve`"),
            ("-out=p.plan", "`--out=p.plan`"),
            ("-json", "`--json`"),
        ] {
            let got = hints(&["garrison", "plan", arg]);
            assert_eq!(got.len(), 1, "{arg}: {got:?}");
            assert!(got[0].contains(want), "{arg}: {got:?}");
        }
        assert!(hints(&["garrison", "plan", "-h"]).is_empty());
        assert!(hints(&["garrison", "plan", "-nonsense"]).is_empty());
    }
}
