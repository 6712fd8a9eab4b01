//! A module's `source`: a local directory, relative to the calling config's (or module's)
//! directory, that must exist and lie inside the root config directory (symlinks
//! resolved); remote sources (URLs, git, registries) and absolute paths are refused, and so
//! is a module that calls itself, directly or through others.

use std::path::{Component, Path, PathBuf};

use crate::tree::KdlEntry;

use super::Place;
use crate::collect::span;
use crate::diagnostic::Code;
use crate::eval::Eval;
use crate::model::Span;

/// What every refusal suggests.
const HELP: &str = "a module source is a directory relative to the calling config's directory, inside the root config directory, e.g. `source=\"./modules/trainer-node\"`";

/// The directory `e` (the `source=` entry in `file`) names, checked.
pub(crate) fn resolve(ev: &mut Eval<'_>, file: &Path, e: KdlEntry<'_>) -> Option<Place> {
    let sp = span(file, e.span());
    let Some(text) = e.value().as_string().filter(|_| e.ty().is_none()) else {
        ev.diags.error(
            Code::WrongType,
            &sp,
            "`source` is a path written as a plain string",
            "not a plain string",
            Some(HELP.to_owned()),
        );
        return None;
    };
    let Some(caller) = ev.place.clone() else {
        let what = "modules are read from the config directory; this config has none".to_owned();
        refuse(ev, &sp, Code::MissingFile, what, "no config directory");
        return None;
    };
    if !is_local(text) {
        refuse(
            ev,
            &sp,
            Code::InvalidValue,
            format!("module source `{text}` is not a local path"),
            "not a local path",
        );
        return None;
    }
    let dir = match caller.dir.join(text).canonicalize() {
        Ok(d) if d.is_dir() => d,
        Ok(_) => {
            refuse(
                ev,
                &sp,
                Code::MissingFile,
                format!("module source `{text}` is not a directory"),
                "not a directory",
            );
            return None;
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let what = format!("module source `{text}` does not exist");
            refuse(ev, &sp, Code::MissingFile, what, "no such directory");
            return None;
        }
        Err(err) => {
            let what = format!("module source `{text}` cannot be read: {err}");
            refuse(ev, &sp, Code::MissingFile, what, "no such directory");
            return None;
        }
    };
    let Ok(rel) = dir.strip_prefix(&caller.root).map(Path::to_path_buf) else {
        let what = format!("module source `{text}` is outside the config directory");
        refuse(
            ev,
            &sp,
            Code::FileNotAllowed,
            what,
            "outside the config directory",
        );
        return None;
    };
    check_cycle(ev, &caller, &dir, &sp, text)?;
    let mut callers = caller.callers.clone();
    callers.push(caller.dir.clone());
    Some(Place {
        root: caller.root.clone(),
        dir,
        rel,
        callers,
        instances: caller.instances.clone(),
        overlay: caller.overlay.clone(),
        parsed: caller.parsed.clone(),
    })
}

/// The canonical directory a local `source` names from `caller` (canonical), if it exists
/// and lies inside `root` (no diagnostics: for `fmt`).
pub(crate) fn local_dir(root: &Path, caller: &Path, text: &str) -> Option<PathBuf> {
    let dir = caller.join(text).canonicalize().ok()?;
    (is_local(text) && dir.is_dir() && dir.starts_with(root)).then_some(dir)
}

/// Whether `text` is a relative local path (`./x`, `../x`, `x/y`) rather than an absolute
/// path or a remote address (`git::`, `https://`, `github.com/...`, `org/name` registry).
fn is_local(text: &str) -> bool {
    let path = Path::new(text);
    let relative = !path.is_absolute()
        && path.components().all(|c| {
            matches!(
                c,
                Component::Normal(_) | Component::CurDir | Component::ParentDir
            )
        });
    let remote = text.contains("://") || text.contains("::") || text.starts_with("git@");
    relative && !remote && (text.starts_with("./") || text.starts_with("../"))
}

/// Refuses a module that calls itself (directly or through others), or nesting too deep.
fn check_cycle(ev: &mut Eval<'_>, caller: &Place, dir: &Path, sp: &Span, text: &str) -> Option<()> {
    let chain: Vec<&PathBuf> = caller.callers.iter().chain([&caller.dir]).collect();
    if let Some(at) = chain.iter().position(|d| d.as_path() == dir) {
        let shown: Vec<String> = chain[at..]
            .iter()
            .map(|d| show(caller, d))
            .chain([show(caller, dir)])
            .collect();
        ev.diags.error(
            Code::Cycle,
            sp,
            format!(
                "module source `{text}` includes itself: {}",
                shown.join(" -> ")
            ),
            "this call closes the cycle",
            Some("a module cannot call itself, directly or through other modules".to_owned()),
        );
        return None;
    }
    if chain.len() >= crate::limits::MODULE_MAX_DEPTH {
        let max = crate::limits::MODULE_MAX_DEPTH;
        let what = format!("modules nest deeper than {max} levels");
        refuse(ev, sp, Code::Limit, what, "too deep");
        return None;
    }
    Some(())
}

/// A module directory as messages show it: relative to the root (`.` for the root).
fn show(place: &Place, dir: &Path) -> String {
    match dir.strip_prefix(&place.root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
        Ok(rel) => format!("./{}", rel.display()),
        Err(_) => dir.display().to_string(),
    }
}

fn refuse(ev: &mut Eval<'_>, sp: &Span, code: Code, message: String, label: &str) {
    ev.diags
        .error(code, sp, message, label, Some(HELP.to_owned()));
}

/// The module file `name` (relative to the module directory) relative to the root.
pub(crate) fn file_rel(place: &Place, name: &Path) -> PathBuf {
    place.rel.join(name)
}
