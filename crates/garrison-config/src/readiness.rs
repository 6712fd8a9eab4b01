//! A VM's readiness check (docs/language.md, "Readiness"): `ready-when "ARG" ...` (an
//! argv) or `ready-when shell="..."`, a local command Garrison runs after the VM is
//! ACTIVE, every `interval` until it exits 0 or `timeout` passes; the VM's create step
//! completes only then, so what depends on the VM waits. Its strings may read
//! `${self.ATTR}` (the VM as read back: `self.public-ip` is its address), variables and
//! data sources, filled in at apply ([`command`]).

use std::time::Duration;

use crate::tree::KdlNode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::build::Builder;
use crate::diagnostic::Code;
use crate::model::{Index, Model, Span};
use crate::refs::{is_template, parse_template};

/// Default pause between two runs of the command.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// Default time the command may take to succeed, from the VM's ACTIVE.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// `ready-when`, as written (templates unfilled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    /// The program and its arguments; with `shell`, the one shell command.
    pub argv: Vec<String>,
    /// `shell="..."`: `argv` holds one command run by `sh -c`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shell: bool,
    /// Seconds between two runs.
    pub interval_secs: u64,
    /// Seconds the command may take to succeed.
    pub timeout_secs: u64,
    /// The `ready-when` node.
    pub span: Span,
}

impl Readiness {
    /// Pause between two runs.
    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.interval_secs)
    }

    /// How long the command may take to succeed.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }
}

/// The argv to run for the VM at `index`, its templates filled in with `self` = `this`.
pub fn command(
    model: &Model,
    r: &Readiness,
    index: Option<&Index>,
    this: &Value,
) -> Result<Vec<String>, String> {
    let filled = r
        .argv
        .iter()
        .map(|a| crate::postcondition::fill(model, a, &r.span, index, this, true))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match (r.shell, filled.first()) {
        (true, Some(line)) => vec!["sh".to_owned(), "-c".to_owned(), line.clone()],
        _ => filled,
    })
}

impl<'a> Builder<'_, 'a> {
    /// `ready-when` of a VM: strings only (filled in at apply), an argv or `shell=`.
    pub(crate) fn readiness(&mut self, node: KdlNode<'a>) -> Option<Readiness> {
        self.check_props(node, &["shell", "interval", "timeout"]);
        let at = self.sp(node.name().span());
        let mut argv = Vec::new();
        let mut ok = true;
        for e in Self::args(node) {
            ok &= self
                .raw_string(e.value().as_string(), &self.sp(e.span()), e.ty().is_some())
                .map(|s| argv.push(s))
                .is_some();
        }
        let shell = node.get("shell");
        if let Some(v) = shell {
            let sp = at.clone();
            ok &= self
                .raw_string(v.as_string(), &sp, false)
                .map(|s| argv.push(s))
                .is_some();
        }
        if ok && (argv.is_empty() || (shell.is_some() && argv.len() > 1)) {
            self.ev.diags.error(
                Code::MissingAttribute,
                &at,
                "`ready-when` runs one command: its program and arguments, or `shell=\"...\"`",
                "no single command",
                Some("write `ready-when \"ssh\" \"ubuntu@${self.public-ip}\" \"cloud-init status --wait\"`".to_owned()),
            );
            return None;
        }
        let interval = self.duration(node, "interval", DEFAULT_INTERVAL, &at)?;
        let timeout = self.duration(node, "timeout", DEFAULT_TIMEOUT, &at)?;
        ok.then(|| Readiness {
            argv,
            shell: shell.is_some(),
            interval_secs: interval.as_secs(),
            timeout_secs: timeout.as_secs(),
            span: at,
        })
    }

    /// A plain string whose `${...}` parse (filled in at apply).
    fn raw_string(&mut self, s: Option<&str>, sp: &Span, annotated: bool) -> Option<String> {
        let Some(s) = s.filter(|_| !annotated) else {
            self.ev.diags.error(
                Code::WrongType,
                sp,
                "`ready-when` takes plain strings, filled in after the VM is ACTIVE",
                "not a plain string",
                Some("write `${self.public-ip}` or `${var.NAME}` inside the string".to_owned()),
            );
            return None;
        };
        if is_template(s) {
            if let Err(msg) = parse_template(s) {
                self.ev.diags.error(
                    Code::BadReference,
                    sp,
                    format!("malformed template: {msg}"),
                    "this string",
                    None,
                );
                return None;
            }
        }
        self.ev.mention_vars(s);
        Some(s.to_owned())
    }

    /// `NAME="5s"` of `node`, or `default`.
    fn duration(
        &mut self,
        node: KdlNode<'_>,
        name: &str,
        default: Duration,
        at: &Span,
    ) -> Option<Duration> {
        let Some(v) = node.get(name) else {
            return Some(default);
        };
        let parsed = v.as_string().and_then(crate::timeouts::parse_duration);
        if parsed.is_none() {
            self.ev.diags.error(
                Code::InvalidValue,
                at,
                format!("`ready-when`'s `{name}` is a duration such as \"10s\" or \"15m\""),
                "not a duration",
                None,
            );
        }
        parsed
    }
}
