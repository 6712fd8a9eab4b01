//! S1 / H6: `(file)"..."` reads stay inside the configuration directory (after resolving
//! symlinks), never touch `/proc`, `/sys` or `/dev`, read only regular files, and read at
//! most the documented cap. Config files (`*.kdl`) obey the same rules.

use std::path::Path;

use garrison_config::{load_dir, Code, ConfigDiagnostic, Failure, VarInputs};

const BASE: &str = "provider \"barrack\" { region \"NORWAY-1\"; }\n";

fn script(path: &str) -> String {
    format!("{BASE}script \"s\" {{\n    content (file)\"{path}\"\n}}\n")
}

/// Loads `dir/main.kdl` = `text` (plus whatever the test put there) and returns the
/// failure; panics when it loads.
fn fails(dir: &Path, text: &str) -> Failure {
    std::fs::write(dir.join("main.kdl"), text).unwrap_or_else(|e| panic!("{e}"));
    match load_dir(dir, &VarInputs::default()) {
        Ok(l) => panic!(
            "expected a refusal, got a model with scripts {:?}",
            l.model.resources.len()
        ),
        Err(f) => f,
    }
}

/// The one error, pointing at the `(file)` token of `text`, with a hint.
fn refused(f: &Failure, text: &str, code: Code) -> ConfigDiagnostic {
    assert_eq!(f.errors.len(), 1, "{:#?}", f.errors);
    let d = f.errors[0].clone();
    assert_eq!(d.code, code, "{d:?}");
    let at = text.find("(file)").unwrap_or_default();
    let label = d
        .labels
        .first()
        .unwrap_or_else(|| panic!("no label: {d:?}"));
    assert_eq!(label.span.offset, at, "{d:?}");
    assert!(d.help.is_some(), "{d:?}");
    d
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

/// S1: the API key in the environment is never read through `/proc/self/environ`.
#[test]
fn proc_self_environ_is_refused() {
    let d = dir();
    for path in [
        "/proc/self/environ",
        "/sys/kernel/hostname",
        "/etc/hostname",
    ] {
        let text = script(path);
        let f = fails(d.path(), &text);
        let diag = refused(&f, &text, Code::FileNotAllowed);
        assert!(!format!("{diag:?}").contains("BARRACK"), "{diag:?}");
    }
}

/// S1: `..` escapes are refused, even when the target exists.
#[test]
fn dot_dot_escape_is_refused() {
    let outer = dir();
    let inner = outer.path().join("cfg");
    std::fs::create_dir(&inner).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(outer.path().join("secret.txt"), "hunter2").unwrap_or_else(|e| panic!("{e}"));
    for path in [
        "../secret.txt",
        "sub/../../secret.txt",
        "../../../../etc/passwd",
    ] {
        let text = script(path);
        let f = fails(&inner, &text);
        let diag = refused(&f, &text, Code::FileNotAllowed);
        assert!(!format!("{diag:?}").contains("hunter2"));
    }
}

/// S1: a symlink inside the directory pointing outside it is refused; one pointing to a
/// file inside is read.
#[test]
fn symlink_out_is_refused_symlink_in_is_read() {
    let outer = dir();
    let inner = outer.path().join("cfg");
    std::fs::create_dir(&inner).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(outer.path().join("secret.txt"), "hunter2").unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(outer.path().join("secret.txt"), inner.join("link.txt"))
        .unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("/proc/self/environ", inner.join("env.txt"))
        .unwrap_or_else(|e| panic!("{e}"));
    for path in ["link.txt", "env.txt"] {
        let text = script(path);
        let f = fails(&inner, &text);
        refused(&f, &text, Code::FileNotAllowed);
    }
    std::fs::write(inner.join("real.sh"), "echo hi\n").unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("real.sh", inner.join("alias.sh")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(inner.join("main.kdl"), script("alias.sh")).unwrap_or_else(|e| panic!("{e}"));
    let loaded =
        load_dir(&inner, &VarInputs::default()).unwrap_or_else(|f| panic!("{:#?}", f.errors));
    assert_eq!(loaded.model.resources.len(), 1);
}

/// S1 / H6: devices and FIFOs are refused without reading (a FIFO would hang; /dev/zero
/// would allocate without end).
#[test]
fn devices_and_fifos_are_refused_without_hanging() {
    let d = dir();
    let fifo = d.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zero"))
        .unwrap_or_else(|e| panic!("{e}"));
    for path in ["pipe", "zero", "/dev/zero", "/dev/stdin"] {
        let text = script(path);
        let f = fails(d.path(), &text);
        refused(&f, &text, Code::FileNotAllowed);
    }
}

/// H6: a `(file)` over the cap is refused (bounded read), at the cap it is read.
#[test]
fn file_over_the_cap_is_refused() {
    let d = dir();
    let cap = garrison_config::limits::FILE_MAX_BYTES;
    std::fs::write(d.path().join("big.txt"), "a".repeat(cap + 1)).unwrap_or_else(|e| panic!("{e}"));
    let text = format!("{BASE}locals {{\n    big (file)\"big.txt\"\n}}\noutput \"o\" {{ value (ref)\"local.big\"; }}\n");
    let f = fails(d.path(), &text);
    let diag = refused(&f, &text, Code::Limit);
    assert!(diag.message.contains("1 MiB"), "{diag:?}");
    std::fs::write(d.path().join("big.txt"), "a".repeat(cap)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(d.path().join("main.kdl"), &text).unwrap_or_else(|e| panic!("{e}"));
    load_dir(d.path(), &VarInputs::default()).unwrap_or_else(|f| panic!("{:#?}", f.errors));
}

/// S1: a config file that is a symlink out of the directory (here to the process
/// environment) is refused, and its content never becomes diagnostic source.
#[test]
fn kdl_symlink_out_of_the_directory_is_refused() {
    let d = dir();
    std::fs::write(d.path().join("main.kdl"), BASE).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("/proc/self/environ", d.path().join("env.kdl"))
        .unwrap_or_else(|e| panic!("{e}"));
    let f = match load_dir(d.path(), &VarInputs::default()) {
        Ok(_) => panic!("env.kdl should be refused"),
        Err(f) => f,
    };
    assert!(
        f.errors
            .iter()
            .all(|e| e.code == Code::FileNotAllowed || e.code == Code::Io),
        "{:#?}",
        f.errors
    );
    let shown = format!("{:?}", f.errors);
    assert!(shown.contains("env.kdl"), "{shown}");
    assert!(!shown.contains("PATH="), "{shown}");
}
