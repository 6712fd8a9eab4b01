//! Every `--help` of the binary, as snapshots: the flags' spellings, defaults, environment
//! variables and help texts are a contract with scripts and people, so a refactoring of the
//! clap structs must leave them byte for byte as they are.

use std::process::Command;

/// Every command path, and its snapshot name.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["validate"],
    &["fmt"],
    &["plan"],
    &["apply"],
    &["destroy"],
    &["refresh"],
    &["import"],
    &["output"],
    &["show"],
    &["graph"],
    &["state"],
    &["state", "list"],
    &["state", "show"],
    &["state", "rm"],
    &["state", "mv"],
    &["state", "pull"],
    &["state", "push"],
    &["state", "rekey"],
    &["state", "keygen"],
    &["lock"],
    &["force-unlock"],
    &["workspace"],
    &["workspace", "new"],
    &["workspace", "select"],
    &["workspace", "list"],
    &["workspace", "show"],
    &["workspace", "delete"],
    &["sim"],
    &["lsp"],
];

/// `garrison ARGS` with no endpoint in the environment (clap shows an env var's value).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_garrison"))
        .args(args)
        .env_remove("BARRACK_ENDPOINT")
        .env_remove("GARRISON_WORKSPACE")
        .env_remove("BARRACK_API_KEY")
        .env("NO_COLOR", "1")
        .output()
        .expect("garrison runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_help_is_unchanged() {
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        let name = if command.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", command.join("_"))
        };
        insta::assert_snapshot!(name, stdout);
    }
}

/// `-h` and `help SUBCOMMAND` say the same as `--help`.
#[test]
fn short_help_and_help_subcommand_agree() {
    for command in COMMANDS {
        let mut long = command.to_vec();
        long.push("--help");
        let mut short = command.to_vec();
        short.push("-h");
        assert_eq!(run(&long), run(&short), "{command:?}");
        if !command.is_empty() {
            let mut help = vec!["help"];
            help.extend_from_slice(command);
            assert_eq!(run(&long), run(&help), "{command:?}");
        }
    }
}
