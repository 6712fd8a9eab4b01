//! `garrison lsp` as an editor sees it: the process started, JSON-RPC over its stdio
//! (initialize, didOpen, didChange, completion, hover, definition, references, rename,
//! formatting, shutdown), diagnostics compared with `garrison validate --json`.

use std::path::{Path, PathBuf};
use std::process::Command;

use garrison_testkit::lsp::{url, LspClient};
use serde_json::{json, Value};

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExample me@laptop";

/// The main file; the typo `publik-ip` comes after non-ASCII text on its line.
fn main_kdl(attr: &str) -> String {
    format!(
        "provider \"barrack\" {{\n    region \"NORWAY-1\"\n}}\n\nssh-key \"laptop\" {{\n    public-key \"{KEY}\"\n}}\n\nvm \"dev\" {{\n    gpu \"RTX-A6000\"\n    image \"Ubuntu Server 22.04 LTS R550 CUDA 12.4\"\n    ssh-keys (ref)\"ssh-key.laptop\"\n    /* é🚀 */ {attr} #true\n}}\n"
    )
}

const OUTPUTS: &str =
    "output \"ip\" (ref)\"vm.dev.public-ip\"\noutput \"key\" \"key=${ssh-key.laptop.name}\"\n";

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_garrison"))
}

struct Setup {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    main: String,
    outputs: String,
}

fn setup(main: &str) -> Setup {
    let tmp = garrison_testkit::dir::temp_dir();
    let dir = tmp.path().to_path_buf();
    std::fs::write(dir.join("main.kdl"), main).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("outputs.kdl"), OUTPUTS).unwrap_or_else(|e| panic!("{e}"));
    Setup {
        main: url(&dir.join("main.kdl")),
        outputs: url(&dir.join("outputs.kdl")),
        dir,
        _tmp: tmp,
    }
}

fn validate_json(dir: &Path) -> Value {
    let out = Command::new(bin())
        .args(["validate", "--json"])
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("running validate: {e}"));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("validate --json: {e}"))
}

fn open(client: &mut LspClient, uri: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "kdl", "version": 1, "text": text}}),
    );
}

fn change(client: &mut LspClient, uri: &str, version: i32, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
}

fn at(uri: &str, line: usize, character: usize) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// The (line, UTF-16 column) of the first `needle` in `text`, plus `shift` characters.
fn pos(text: &str, needle: &str, shift: usize) -> (usize, usize) {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    let line = text[..i].matches('\n').count();
    let start = text[..i].rfind('\n').map_or(0, |j| j + 1);
    (line, text[start..i].encode_utf16().count() + shift)
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["label"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn diagnostics_are_validates_and_follow_unsaved_changes() {
    let text = main_kdl("publik-ip");
    let s = setup(&text);
    let validated = validate_json(&s.dir);
    let expected = &validated["errors"][0];
    assert_eq!(
        validated["errors"].as_array().map(Vec::len),
        Some(1),
        "{validated:#}"
    );

    let mut client = LspClient::start(&bin(), &s.dir);
    open(&mut client, &s.main, &text);
    let diags = client.diagnostics_for(&s.main);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["code"], expected["code"]);
    assert_eq!(d["code"], "garrison::config::unknown_attribute");
    let first_line = d["message"].as_str().and_then(|m| m.lines().next());
    assert_eq!(first_line, expected["message"].as_str());
    assert_eq!(d["severity"], 1);
    let (line, character) = pos(&text, "publik-ip", 0);
    assert_eq!(
        d["range"]["start"],
        json!({"line": line, "character": character})
    );
    assert_eq!(
        d["range"]["end"]["character"],
        json!(character + "publik-ip".len())
    );

    // The fix, unsaved: the diagnostic goes although the file on disk still has the typo.
    change(&mut client, &s.main, 2, &main_kdl("public-ip"));
    assert_eq!(client.diagnostics_for(&s.main), Vec::<Value>::new());

    // A burst: the typo (v3) and its fix (v4) arrive together; the editor is only ever
    // shown the last state (one check after the debounce; a superseded one is dropped).
    let change_to = |version: i32, text: String| {
        (
            "textDocument/didChange",
            json!({"textDocument": {"uri": s.main, "version": version}, "contentChanges": [{"text": text}]}),
        )
    };
    client.notify_burst(&[
        change_to(3, main_kdl("publik-ip")),
        change_to(4, main_kdl("public-ip")),
    ]);
    let published = client.diagnostics_message_for(&s.main);
    assert_eq!(published["params"]["version"], 4, "{published:#}");
    assert_eq!(
        published["params"]["diagnostics"],
        json!([]),
        "{published:#}"
    );

    // A warning, with its code.
    let warned = format!(
        "{}variable \"unused\" default=\"x\"\n",
        main_kdl("public-ip")
    );
    change(&mut client, &s.main, 5, &warned);
    let diags = client.diagnostics_for(&s.main);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["severity"], 2);
    assert_eq!(diags[0]["code"], "garrison::config::unused_variable");

    // An error spanning two files carries the other file as related information.
    change(
        &mut client,
        &s.main,
        4,
        &format!("{}output \"ip\" \"x\"\n", main_kdl("public-ip")),
    );
    // (the duplicate is reported where it is second: in outputs.kdl, pointing at main.kdl)
    let diags = client.diagnostics_for(&s.outputs);
    let dup = diags
        .iter()
        .find(|d| d["code"] == "garrison::config::duplicate")
        .unwrap_or_else(|| panic!("no duplicate diagnostic: {diags:#?}"));
    let related = &dup["relatedInformation"][0]["location"]["uri"];
    assert_eq!(related, &json!(s.main), "{dup:#}");
    assert!(client.shutdown().success());
}

#[test]
fn completion_hover_and_navigation() {
    let text = main_kdl("public-ip");
    let s = setup(&text);
    let mut client = LspClient::start(&bin(), &s.dir);
    open(&mut client, &s.main, &text);
    open(&mut client, &s.outputs, OUTPUTS);

    // Kinds at the top level, attributes inside a vm, catalog values, addresses.
    let top = client.request("textDocument/completion", at(&s.main, 3, 0));
    let top = labels(&top["result"]);
    assert!(
        top.contains(&"vm".into()) && top.contains(&"firewall".into()),
        "{top:?}"
    );
    let (l, c) = pos(&text, "    gpu", 4);
    let inside = labels(&client.request("textDocument/completion", at(&s.main, l, c))["result"]);
    assert!(
        inside.contains(&"ssh-keys".into()) && inside.contains(&"public-ip".into()),
        "{inside:?}"
    );
    assert!(!inside.contains(&"vm".into()), "{inside:?}");
    let (l, c) = pos(&text, "NORWAY-1", 0);
    let regions = labels(&client.request("textDocument/completion", at(&s.main, l, c))["result"]);
    assert!(regions.contains(&"CANADA-1".into()), "{regions:?}");
    let (l, c) = pos(&text, "RTX-A6000", 0);
    let gpus = labels(&client.request("textDocument/completion", at(&s.main, l, c))["result"]);
    assert!(gpus.contains(&"H100-SXM5-80GB".into()), "{gpus:?}");
    let (l, c) = pos(&text, "ssh-key.laptop", 3);
    let addrs = labels(&client.request("textDocument/completion", at(&s.main, l, c))["result"]);
    assert!(
        addrs.contains(&"ssh-key.laptop".into()) && addrs.contains(&"vm.dev".into()),
        "{addrs:?}"
    );
    let (l, c) = pos(OUTPUTS, "public-ip", 0);
    let attrs = labels(&client.request("textDocument/completion", at(&s.outputs, l, c))["result"]);
    assert!(
        attrs.contains(&"public-ip".into()) && attrs.contains(&"fixed-ip".into()),
        "{attrs:?}"
    );

    // Hover: an attribute's doc, and the block an address names.
    let (l, c) = pos(&text, "    gpu", 5);
    let hover = client.request("textDocument/hover", at(&s.main, l, c));
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("**gpu**") && shown.contains("forces replacement"),
        "{shown}"
    );
    let (l, c) = pos(&text, "public-ip", 2);
    let hover = client.request("textDocument/hover", at(&s.main, l, c));
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("updated in place") && shown.contains("default: #false"),
        "{shown}"
    );
    let (l, c) = pos(OUTPUTS, "vm.dev", 4);
    let hover = client.request("textDocument/hover", at(&s.outputs, l, c));
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        shown.contains("**vm.dev** (main.kdl:9)") && shown.contains("gpu \"RTX-A6000\""),
        "{shown}"
    );

    // Definition across files; references from the definition.
    let (l, c) = pos(OUTPUTS, "ssh-key.laptop", 9);
    let def = client.request("textDocument/definition", at(&s.outputs, l, c));
    let (dl, dc) = pos(&text, "\"laptop\"", 1);
    assert_eq!(
        def["result"],
        json!([{"uri": s.main, "range": {"start": {"line": dl, "character": dc}, "end": {"line": dl, "character": dc + 6}}}])
    );
    let mut params = at(&s.main, dl, dc + 2);
    params["context"] = json!({"includeDeclaration": false});
    let refs = client.request("textDocument/references", params);
    let uris: Vec<&str> = refs["result"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["uri"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(uris, [s.main.as_str(), s.outputs.as_str()], "{refs:#}");
    assert!(client.shutdown().success());
}

#[test]
fn rename_adds_a_moved_block_and_formatting_is_garrison_fmt() {
    let text = main_kdl("public-ip");
    let s = setup(&text);
    let mut client = LspClient::start(&bin(), &s.dir);
    open(&mut client, &s.main, &text);

    let (l, c) = pos(&text, "ssh-key.laptop", 10);
    let mut params = at(&s.main, l, c);
    params["newName"] = json!("workstation");
    let edit = client.request("textDocument/rename", params);
    let changes = &edit["result"]["changes"];
    let main_edits = changes[&s.main].as_array().cloned().unwrap_or_default();
    let out_edits = changes[&s.outputs].as_array().cloned().unwrap_or_default();
    assert_eq!(out_edits.len(), 1, "{edit:#}");
    assert_eq!(out_edits[0]["newText"], "workstation");
    let texts: Vec<&str> = main_edits
        .iter()
        .filter_map(|e| e["newText"].as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "workstation",
            "workstation",
            "\nmoved from=\"ssh-key.laptop\" to=\"ssh-key.workstation\"\n"
        ],
        "{edit:#}"
    );
    let mut bad = at(&s.main, l, c);
    bad["newName"] = json!("no spaces");
    let refused = client.request("textDocument/rename", bad);
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot be used in an address")),
        "{refused:#}"
    );

    // Formatting: the edit is what `garrison fmt` writes.
    let messy = text
        .replace("    gpu", "gpu")
        .replace("    region", "        region");
    change(&mut client, &s.main, 2, &messy);
    let formatted = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": s.main}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let copy = garrison_testkit::dir::temp_dir();
    std::fs::write(copy.path().join("main.kdl"), &messy).unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new(bin()).arg("fmt").arg(copy.path()).output();
    assert!(status.is_ok_and(|o| o.status.success()));
    let canonical = std::fs::read_to_string(copy.path().join("main.kdl")).unwrap_or_default();
    assert_ne!(canonical, messy);
    assert_eq!(
        formatted["result"][0]["newText"], canonical,
        "{formatted:#}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn an_editor_leaving_before_initialize_ends_it_quietly() {
    let out = Command::new(bin())
        .arg("lsp")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running garrison lsp: {e}"));
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}
