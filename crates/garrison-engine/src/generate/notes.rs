//! What a generated file says besides its blocks: the comment above a block (values the API
//! never returns, choices made for the user, links the user must add) and the same as
//! one-line notes for the CLI, one per concern.

use std::collections::BTreeMap;

use garrison_config::model::{Address, Kind};

use super::kdl::quoted;

/// Which command the file is generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Origin {
    /// `garrison import --all`.
    ImportAll,
    /// `garrison plan --generate-config-out`: blocks for the config's import targets.
    Targets,
}

/// Something to tell the reader about one generated block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Note {
    /// A VM: the API never returns cloud-init.
    CloudInit,
    /// An SSH key: the API never returns a generated private key.
    PrivateKey,
    /// A script: the API returns no region; this one was chosen, because `why`.
    ScriptRegion { region: String, why: String },
    /// Not chosen itself, but the block at this address uses it.
    NeededBy(Address),
    /// A resource the state manages uses it through its `attr`.
    UsedByManaged { holder: Address, attr: &'static str },
}

/// `address` in backticks, or quoted when it holds characters a comment must not.
pub(super) fn shown(address: &Address) -> String {
    let text = address.to_string();
    let q = quoted(&text);
    if q.len() == text.len() + 2 && !text.contains('`') {
        format!("`{text}`")
    } else {
        q
    }
}

impl Note {
    /// The comment written above the block at `me`.
    pub(super) fn comment(&self, me: &Address, origin: Origin) -> String {
        match self {
            Note::CloudInit => {
                "cloud-init is never returned by the API, so none is written: this VM keeps \
                whatever it booted with. The state records no cloud-init for it, so adding \
                `cloud-init` here later replaces the VM (`cloud-init` forces replacement)."
                    .to_string()
            }
            Note::PrivateKey => {
                "Imported by its public key. If the cloud generated this key, its private \
                key was returned once, at creation, and never since: there is no \
                `private-key-file` (keep the copy you saved)."
                    .to_string()
            }
            Note::ScriptRegion { region, why } => format!(
                "The API does not say which region a script is in (a script serves VMs in every \
                 region): {} is {why}. Garrison records it in the state; changing it later \
                 replaces the script.",
                quoted(region)
            ),
            Note::NeededBy(user) => match origin {
                Origin::ImportAll => format!(
                    "Imported although the filter leaves it out: {} uses it.",
                    shown(user)
                ),
                Origin::Targets => format!(
                    "Imported too: {} uses it, and the state does not manage it.",
                    shown(user)
                ),
            },
            Note::UsedByManaged { holder, attr } => format!(
                "{}, which the state manages, uses this {}: add `(ref){}` to its `{attr}`, or the \
                 next plan changes {}.",
                shown(holder),
                noun(me.kind),
                quoted(&me.to_string()),
                shown(holder)
            ),
        }
    }
}

/// The notes for the CLI: one per concern shared by many blocks (cloud-init, private
/// keys), one per block for the rest, in the order of `blocks`.
pub(super) fn summarize(blocks: &[(Address, Vec<Note>)], origin: Origin) -> Vec<String> {
    let mut shared: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut own = Vec::new();
    for (address, notes) in blocks {
        for note in notes {
            match note {
                Note::CloudInit => shared.entry(CLOUD_INIT).or_default().push(shown(address)),
                Note::PrivateKey => shared.entry(PRIVATE_KEY).or_default().push(shown(address)),
                other => own.push(format!(
                    "{}: {}",
                    shown(address),
                    lowercase_first(&other.comment(address, origin))
                )),
            }
        }
    }
    let mut out: Vec<String> = shared
        .into_iter()
        .map(|(text, addresses)| format!("{}: {text}", addresses.join(", ")))
        .collect();
    out.extend(own);
    out
}

/// `text` with its first letter lowercase (a note continues `ADDRESS: `).
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

const CLOUD_INIT: &str = "cloud-init is never returned by the API and is not generated; each VM \
    keeps what it booted with, and adding `cloud-init` to its block later replaces it";

const PRIVATE_KEY: &str = "imported by public key; a private key the cloud generated is never \
    returned again, so no `private-key-file` is written";

/// The kind's noun in a sentence (`SSH key`).
pub(super) fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Vm => "VM",
        Kind::Volume => "volume",
        Kind::Firewall => "firewall",
        Kind::SshKey => "SSH key",
        Kind::Script => "script",
        Kind::Snapshot => "snapshot",
        Kind::Image => "image",
    }
}
