//! Every complete ```kdl block in `docs/language.md` is valid KDL v2 and already formatted.

use std::path::Path;

use garrison_config::format_source;

#[test]
fn language_reference_examples_parse_and_are_formatted() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/language.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut checked = 0;
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```kdl\n") {
        let body_start = start + "```kdl\n".len();
        let Some(len) = rest[body_start..].find("```") else {
            break;
        };
        // blocks inside list items are indented: dedent them
        let raw = &rest[body_start..body_start + len];
        let indent = raw
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let block: String = raw
            .lines()
            .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
            .collect();
        let block = format!("{}\n", block.trim_end());
        let block = block.as_str();
        rest = &rest[body_start + len + 3..];
        if block.contains("...") {
            continue; // an excerpt, not a whole document
        }
        match format_source("doc.kdl", block) {
            Ok(formatted) => assert_eq!(formatted, block, "not formatted:\n{block}"),
            Err(f) => panic!(
                "invalid KDL in docs:\n{block}\n{:?}",
                f.errors.iter().map(ToString::to_string).collect::<Vec<_>>()
            ),
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} examples checked");
}
