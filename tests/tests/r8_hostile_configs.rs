//! R8: hostile configs through the `garrison` binary. `validate`, `plan --refresh=false`
//! and `fmt --check` on deep nesting (malformed and well-formed, up to 100k levels),
//! template and list bombs, long reference chains, `(file)` reads of `/proc/self/environ`,
//! `/dev/zero`, a FIFO, `../` escapes and symlinks out of the directory, a 50 MB string
//! and `i128::MIN`: each exits 1 with a diagnostic, never aborts (rc 134, or a signal),
//! finishes in bounded time, and never prints the API key from the environment.
//!
//! The binary is `GARRISON_BIN`, or the one `garrison_testkit::bin` builds next to this test.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The API key in the environment of every run; it must never be printed.
const API_KEY: &str = "sk-r8-5f0c1e9a-never-print-me";
/// Per command; the 50 MB case in a debug build on a busy machine takes ~20 s.
const TIME_LIMIT: Duration = Duration::from_secs(120);

fn garrison_bin() -> PathBuf {
    match std::env::var_os("GARRISON_BIN") {
        Some(p) => PathBuf::from(p),
        None => garrison_testkit::bin::garrison_bin(),
    }
}

/// What one command did.
struct Outcome {
    code: Option<i32>,
    output: String,
    took: Duration,
}

/// Runs `garrison ARGS DIR`, killing it at [`TIME_LIMIT`].
fn run(args: &[&str], dir: &Path) -> Outcome {
    let started = Instant::now();
    // nothing listens at the endpoint: a config error must come before any request
    let mut child =
        garrison_testkit::bin::command(&garrison_bin(), "http://127.0.0.1:9/v1", API_KEY)
            .args(args)
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn garrison: {e}"));
    // read both pipes on threads so a chatty child cannot block on a full pipe
    let out_t = drain(child.stdout.take());
    let err_t = drain(child.stderr.take());
    let status = loop {
        if let Some(s) = child.try_wait().unwrap_or_else(|e| panic!("wait: {e}")) {
            break Some(s);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let mut output = String::from_utf8_lossy(&out_t.join().unwrap_or_default()).into_owned();
    output.push_str(&String::from_utf8_lossy(&err_t.join().unwrap_or_default()));
    let status = status.unwrap_or_else(|| {
        panic!(
            "`garrison {args:?}` ran over {TIME_LIMIT:?} on {}",
            dir.display()
        )
    });
    Outcome {
        code: status.code(),
        output,
        took,
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// A config directory `cfg/` inside a temporary directory (so `..` has somewhere to go).
struct Case {
    tmp: tempfile::TempDir,
}

impl Case {
    fn new(main: &str) -> Case {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        std::fs::create_dir(tmp.path().join("cfg")).unwrap_or_else(|e| panic!("mkdir: {e}"));
        // a secret next to the config directory: escapes would reach it
        std::fs::write(tmp.path().join("secret.txt"), format!("{API_KEY}\n"))
            .unwrap_or_else(|e| panic!("write: {e}"));
        let case = Case { tmp };
        case.write("main.kdl", main);
        case
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("cfg")
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.dir().join(name), text).unwrap_or_else(|e| panic!("write {name}: {e}"));
    }

    fn symlink(&self, target: &Path, name: &str) {
        std::os::unix::fs::symlink(target, self.dir().join(name))
            .unwrap_or_else(|e| panic!("symlink {name}: {e}"));
    }
}

/// `validate` and `plan` exit 1 with a config diagnostic naming `code`; `fmt --check`
/// exits 1 with one too when `fmt_refuses`, and otherwise exits 0 or 1 without aborting.
/// Nothing prints the API key.
fn check(label: &str, case: &Case, code: &str, fmt_refuses: bool) {
    let dir = case.dir();
    for args in [
        &["validate"][..],
        &["plan", "--refresh=false"][..],
        &["fmt", "--check"][..],
    ] {
        let o = run(args, &dir);
        let what = format!(
            "{label}: `garrison {}` (rc {:?}, {:?})",
            args.join(" "),
            o.code,
            o.took
        );
        let head: String = o.output.chars().take(2000).collect();
        assert!(
            !o.output.contains(API_KEY),
            "{what} printed the API key:\n{head}"
        );
        assert!(o.code.is_some(), "{what} was killed by a signal:\n{head}");
        assert_ne!(o.code, Some(134), "{what} aborted:\n{head}");
        assert!(
            o.output.len() < 1 << 20,
            "{what} printed {} bytes",
            o.output.len()
        );
        if args[0] == "fmt" && !fmt_refuses {
            assert!(matches!(o.code, Some(0 | 1)), "{what}:\n{head}");
            continue;
        }
        assert_eq!(o.code, Some(1), "{what}:\n{head}");
        assert!(
            o.output.contains(&format!("garrison::config::{code}")),
            "{what} lacks `garrison::config::{code}`:\n{head}"
        );
    }
}

const P: &str = "provider \"barrack\" { region \"NORWAY-1\"; }\n";

fn script_file(path: &str) -> String {
    format!("{P}script \"s\" {{\n    content (file)\"{path}\"\n}}\n")
}

/// R8 / H1: `x ` and N lines of `{` (the finding's 802 bytes at 400).
#[test]
fn malformed_deep_nesting() {
    for depth in [400, 5_000, 100_000] {
        let case = Case::new(&format!("x {}", "{\n".repeat(depth)));
        check(&format!("malformed {depth}"), &case, "limit", true);
    }
}

/// R8 / H1: well-formed nesting at several depths, and deeply nested block comments.
#[test]
fn well_formed_deep_nesting() {
    for depth in [100, 500, 5_000, 100_000] {
        let text = format!(
            "{P}locals {{\n{}b 1\n{}}}\n",
            "a {\n".repeat(depth),
            "}\n".repeat(depth)
        );
        check(&format!("nested {depth}"), &Case::new(&text), "limit", true);
    }
    let text = format!("{P}{}x{}\n", "/*".repeat(50_000), "*/".repeat(50_000));
    check("nested comments", &Case::new(&text), "limit", true);
}

/// R8 / H2: template doubling, list doubling, one large local used many times, and a
/// chain of 20,000 locals.
#[test]
fn evaluation_bombs() {
    let mut text = format!("{P}locals {{\n    l0 \"aaaaaaaaaaaaaaaa\"\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "    l{i} \"${{local.l{p}}}${{local.l{p}}}\"\n",
            p = i - 1
        ));
    }
    text.push_str("}\noutput \"o\" { value (ref)\"local.l40\"; }\n");
    check("template bomb", &Case::new(&text), "limit", false);

    let mut text = format!("{P}locals {{\n    l0 \"aaaaaaaaaaaaaaaa\"\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "    l{i} (ref)\"local.l{p}\" (ref)\"local.l{p}\"\n",
            p = i - 1
        ));
    }
    text.push_str("}\noutput \"o\" { value (ref)\"local.l40\"; }\n");
    check("list bomb", &Case::new(&text), "limit", false);

    let mut text = format!("{P}locals {{\n    big \"{}\"\n", "x".repeat(1 << 19));
    for i in 0..2000 {
        text.push_str(&format!("    w{i} (ref)\"local.big\"\n"));
    }
    text.push_str("}\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "output \"o{i}\" {{ value (ref)\"local.w{i}\"; }}\n"
        ));
    }
    check("fan-out", &Case::new(&text), "limit", false);

    let mut text = format!("{P}locals {{\n    l0 \"a\"\n");
    for i in 1..=20_000 {
        text.push_str(&format!("    l{i} (ref)\"local.l{}\"\n", i - 1));
    }
    text.push_str("}\noutput \"o\" { value (ref)\"local.l20000\"; }\n");
    check("local chain", &Case::new(&text), "limit", false);
}

/// R8 / S1: `(file)` of the process environment (which holds the API key), of `/dev/zero`
/// and `/sys`, of absolute paths outside.
#[test]
fn file_reads_of_special_files() {
    for path in [
        "/proc/self/environ",
        "/dev/zero",
        "/dev/stdin",
        "/sys/kernel/hostname",
        "/etc/passwd",
    ] {
        check(
            path,
            &Case::new(&script_file(path)),
            "file_not_allowed",
            false,
        );
    }
}

/// R8 / S1: a FIFO (which would block a plain open), `../` escapes to a secret next to
/// the directory, and symlinks pointing out of it (also as a `*.kdl` file).
#[test]
fn file_reads_out_of_the_directory() {
    let case = Case::new(&script_file("pipe"));
    let made = Command::new("mkfifo")
        .arg(case.dir().join("pipe"))
        .status()
        .unwrap_or_else(|e| panic!("mkfifo: {e}"));
    assert!(made.success());
    check("fifo", &case, "file_not_allowed", false);

    for path in [
        "../secret.txt",
        "x/../../secret.txt",
        "../../../../../../etc/passwd",
    ] {
        check(
            path,
            &Case::new(&script_file(path)),
            "file_not_allowed",
            false,
        );
    }

    let case = Case::new(&script_file("link.sh"));
    case.symlink(&case.tmp.path().join("secret.txt"), "link.sh");
    check("symlink out", &case, "file_not_allowed", false);

    let case = Case::new(&script_file("env.sh"));
    case.symlink(Path::new("/proc/self/environ"), "env.sh");
    check("symlink to environ", &case, "file_not_allowed", false);

    let case = Case::new(P);
    case.symlink(Path::new("/proc/self/environ"), "env.kdl");
    check(
        "config file symlinked to environ",
        &case,
        "file_not_allowed",
        true,
    );
    let case = Case::new(P);
    case.symlink(&case.tmp.path().join("secret.txt"), "secret.kdl");
    check("config file symlinked out", &case, "file_not_allowed", true);
}

/// R8 / U14: a 50 MB string, a `(file)` over its cap, script content over the API limit,
/// and integers beyond 64 bits.
#[test]
fn giant_values() {
    let text = format!(
        "{P}script \"s\" {{\n    content \"{}\"\n}}\n",
        "x".repeat(50 << 20)
    );
    check("50 MB string", &Case::new(&text), "limit", false);

    let case = Case::new(&script_file("big.sh"));
    case.write("big.sh", &"x".repeat(2 << 20));
    check("2 MiB file", &case, "limit", false);

    let case = Case::new(&script_file("s.sh"));
    case.write("s.sh", &"x".repeat(16 * 1024 + 1));
    check("script over 16 KiB", &case, "limit", false);

    let text = format!("{P}volume \"v\" {{\n    size-gb 9223372036854775808\n}}\n");
    check(
        "integer beyond i64",
        &Case::new(&text),
        "invalid_value",
        false,
    );
}

/// R8: `i128::MIN` is refused by the loader's fast path and by `fmt` alike.
#[test]
fn i128_min() {
    let text = format!("{P}a -170141183460469231731687303715884105728\n");
    check("i128::MIN", &Case::new(&text), "syntax", true);
}
