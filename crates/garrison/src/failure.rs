//! An error the CLI reports, and its class. Every error belongs to exactly one class, which
//! decides its exit code; library errors are classed by type in [`crate::classify`], errors
//! the CLI makes itself name their class where they are made (there is no conversion from
//! an unclassed `miette::Report`). An error is one `error: CAUSE [code]` line, `caused by:`
//! lines when a cause adds something, then `hint: ...` lines; an internal one says it is a
//! bug. docs/cli.md documents the classes and their codes.

use crate::exit::codes;

/// What kind of mistake an error is, from the user's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// The configuration (files, variables, the environment it needs) is wrong.
    Config,
    /// The command line is wrong: an unknown flag, a missing confirmation, a name that is
    /// not there.
    Usage,
    /// The Barrack API or the network failed, or refused.
    Remote,
    /// The state, its lock, its journal or a saved plan cannot be used.
    State,
    /// A bug in Garrison (a panic included).
    Internal,
}

impl Class {
    /// Every class, in the order docs/cli.md lists them.
    #[cfg(test)]
    pub(crate) const ALL: [Class; 5] = [
        Class::Config,
        Class::Usage,
        Class::Remote,
        Class::State,
        Class::Internal,
    ];

    /// The class's exit code. Every class exits 1, as Terraform does and as the tests and
    /// README pinned before classes existed (2 is "changes present" for
    /// `plan --detailed-exitcode`, so a usage error must not be 2).
    pub(crate) fn exit_code(self) -> u8 {
        match self {
            Class::Config | Class::Usage | Class::Remote | Class::State | Class::Internal => {
                codes::ERROR
            }
        }
    }

    /// The class's name in docs/cli.md.
    #[cfg(test)]
    pub(crate) fn name(self) -> &'static str {
        match self {
            Class::Config => "config",
            Class::Usage => "usage",
            Class::Remote => "remote",
            Class::State => "state",
            Class::Internal => "internal",
        }
    }
}

/// The hint every internal error carries.
pub(crate) const BUG_HINT: &str =
    "this is a bug in Garrison, please report it (the state and journal are intact; the next run recovers)";

/// An error to report: its class, and what to print (nothing when it was printed already,
/// as a config's diagnostics are).
#[derive(Debug)]
pub(crate) struct Failure {
    class: Class,
    report: Option<miette::Report>,
}

impl Failure {
    /// An error of `class`, to be printed.
    pub(crate) fn new(class: Class, report: miette::Report) -> Failure {
        Failure {
            class,
            report: Some(report),
        }
    }

    /// An error of `class` that was printed already.
    pub(crate) fn reported(class: Class) -> Failure {
        Failure {
            class,
            report: None,
        }
    }

    /// A [`Class::Config`] error.
    pub(crate) fn config(report: miette::Report) -> Failure {
        Failure::new(Class::Config, report)
    }

    /// A [`Class::Usage`] error.
    pub(crate) fn usage(report: miette::Report) -> Failure {
        Failure::new(Class::Usage, report)
    }

    /// A [`Class::Remote`] error.
    pub(crate) fn remote(report: miette::Report) -> Failure {
        Failure::new(Class::Remote, report)
    }

    /// A [`Class::State`] error.
    pub(crate) fn state(report: miette::Report) -> Failure {
        Failure::new(Class::State, report)
    }

    /// A [`Class::Internal`] error.
    pub(crate) fn internal(report: miette::Report) -> Failure {
        Failure::new(Class::Internal, report)
    }

    /// Its class.
    pub(crate) fn class(&self) -> Class {
        self.class
    }

    /// The text for stderr (empty when it was printed already).
    pub(crate) fn render(&self) -> String {
        let Some(report) = &self.report else {
            return String::new();
        };
        let mut out = render_report(report);
        if self.class == Class::Internal && report.help().is_none() {
            out.push_str(&format!("hint: {BUG_HINT}\n"));
        }
        out
    }
}

/// `error: CAUSE [code]`, `caused by:` lines that add something, `  - ` related errors (each
/// with its own `    hint:`), then `hint:` lines. The stable code (when the error has one)
/// stays visible, as in a graphical diagnostic.
fn render_report(report: &miette::Report) -> String {
    let top = report.to_string();
    let code = report.code().map(|c| format!(" [{c}]")).unwrap_or_default();
    let mut out = format!("error: {}{code}\n", one_line(&top));
    let mut seen = top;
    for cause in report.chain().skip(1) {
        let text = cause.to_string();
        if text.trim().is_empty() || seen.contains(&text) {
            continue;
        }
        out.push_str(&format!("  caused by: {}\n", one_line(&text)));
        seen.push_str(&text);
    }
    if let Some(related) = report.related() {
        for r in related {
            out.push_str(&format!("  - {}\n", one_line(&r.to_string())));
            // Each reason keeps its own hint (an import's, a move's), right under it.
            let help = r.help().map(|h| h.to_string()).unwrap_or_default();
            for line in help.lines().filter(|l| !l.trim().is_empty()) {
                out.push_str(&format!("    hint: {}\n", line.trim()));
            }
        }
    }
    let help = report.help().map(|h| h.to_string()).unwrap_or_default();
    for line in help.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(&format!("hint: {}\n", line.trim()));
    }
    out
}

/// Newlines inside a message become `; ` so the cause stays on one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/cli.md names every class with its exit code, in one table row each.
    #[test]
    fn docs_list_every_class_and_its_code() {
        let doc = include_str!("../../../docs/cli.md");
        for class in Class::ALL {
            let row = format!("| `{}` | {} |", class.name(), class.exit_code());
            assert!(doc.contains(&row), "docs/cli.md lacks the row `{row}`");
        }
    }

    /// An internal error without a hint of its own gets the bug hint; one with a hint
    /// keeps it alone; other classes get none.
    #[test]
    fn internal_errors_say_they_are_bugs() {
        let bare = Failure::internal(miette::miette!("the runtime did not start"));
        assert!(bare.render().contains(BUG_HINT), "{}", bare.render());
        let hinted = Failure::internal(miette::miette!(help = "this is a bug, report it", "x"));
        assert_eq!(
            hinted.render(),
            "error: x\nhint: this is a bug, report it\n"
        );
        let usage = Failure::usage(miette::miette!("no output named `x`"));
        assert_eq!(usage.render(), "error: no output named `x`\n");
        assert_eq!(Failure::reported(Class::Config).render(), "");
    }
}
