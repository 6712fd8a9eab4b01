//! Removing our own stray temporary files (`.state.json.tmp-<uuid>`, `.state.json.backup.tmp-<uuid>`,
//! ...) left by a process killed inside a write. Run only while holding the lock.

use std::path::Path;

use crate::atomic::parent_dir;

/// Tags [`crate::atomic::temp_sibling`] uses for the files of a state.
const TAGS: [&str; 2] = ["tmp", "stale"];

/// Whether `name` is `.<base>.<tag>-<32 hex digits>` for one of `bases` and [`TAGS`].
pub(crate) fn is_stray(name: &str, bases: &[&str]) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    bases.iter().any(|base| {
        rest.strip_prefix(base)
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|r| {
                TAGS.iter().any(|tag| {
                    r.strip_prefix(tag)
                        .and_then(|r| r.strip_prefix('-'))
                        .is_some_and(|id| {
                            id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
                        })
                })
            })
    })
}

/// Remove the stray temporary siblings of `files` (all in one directory). Best effort:
/// returns how many were removed; a file that cannot be removed is left.
pub(crate) fn sweep(files: &[&Path]) -> usize {
    let Some(first) = files.first() else {
        return 0;
    };
    let bases: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let bases: Vec<&str> = bases.iter().map(String::as_str).collect();
    let dir = parent_dir(first);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file
            && is_stray(&name.to_string_lossy(), &bases)
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::is_stray;

    #[test]
    fn only_our_temp_names_are_stray() {
        let bases = ["state.json", "state.json.backup"];
        let id = "0123456789abcdef0123456789abcdef";
        assert!(is_stray(&format!(".state.json.tmp-{id}"), &bases));
        assert!(is_stray(&format!(".state.json.backup.tmp-{id}"), &bases));
        assert!(is_stray(&format!(".state.json.stale-{id}"), &bases));
        assert!(!is_stray(".state.json.tmp-notours", &bases));
        assert!(!is_stray(&format!(".other.json.tmp-{id}"), &bases));
        assert!(!is_stray(&format!("state.json.tmp-{id}"), &bases));
        assert!(!is_stray("state.json", &bases));
    }
}
