//! The state encryption keys of a run, read from the environment only (like the API key):
//! `GARRISON_STATE_KEY` (keys separated by commas) or `GARRISON_STATE_KEY_FILE` (a file
//! of keys, one per line, readable by its owner only). The first key seals what is
//! written; every key opens (a rotation lists the new key first, the old one after).

use std::path::Path;

use garrison_state::Keyring;
use miette::miette;

use crate::failure::Failure;

/// The variable holding the keys themselves.
pub(crate) const KEY_ENV: &str = "GARRISON_STATE_KEY";
/// The variable naming a file of keys.
pub(crate) const KEY_FILE_ENV: &str = "GARRISON_STATE_KEY_FILE";

/// The keys set in the environment (none: state is plaintext).
pub(crate) fn from_env() -> Result<Keyring, Failure> {
    let inline = set(KEY_ENV);
    let file = set(KEY_FILE_ENV);
    match (inline, file) {
        (Some(_), Some(_)) => Err(Failure::usage(miette!(
            help = format!("keep one of them: put every key in {KEY_ENV} (comma-separated), or in the file {KEY_FILE_ENV} names (one per line)"),
            "both {KEY_ENV} and {KEY_FILE_ENV} are set"
        ))),
        (Some(text), None) => parse(&text, KEY_ENV),
        (None, Some(path)) => parse(&read_key_file(Path::new(&path))?, KEY_FILE_ENV),
        (None, None) => Ok(Keyring::default()),
    }
}

fn set(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse(text: &str, source: &str) -> Result<Keyring, Failure> {
    Keyring::parse(text).map_err(|e| {
        Failure::usage(miette!(
            help = "a key is 32 random bytes in base64 (or 64 hex digits); `garrison state keygen` prints a new one",
            "{source}: {e}"
        ))
    })
}

/// The key file's text; refused when others may read it (as ssh refuses a private key).
fn read_key_file(path: &Path) -> Result<String, Failure> {
    let failed = |e: std::io::Error| {
        Failure::usage(miette!(
            help = format!("{KEY_FILE_ENV} names a file holding the state keys, one per line"),
            "could not read the state key file `{}`: {e}",
            path.display()
        ))
    };
    let meta = std::fs::metadata(path).map_err(failed)?;
    check_private(path, &meta)?;
    std::fs::read_to_string(path).map_err(failed)
}

#[cfg(unix)]
fn check_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    Err(Failure::usage(miette!(
        help = format!("chmod 600 {}", path.display()),
        "the state key file `{}` may be read by others (mode {mode:03o})",
        path.display()
    )))
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), Failure> {
    Ok(())
}
