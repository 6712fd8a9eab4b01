//! U4: `garrison fmt` keeps every comment wherever it is written: line comments, block
//! comments before, after and inside nodes, and slashdash (`/-`) nodes, entries and blocks.

use garrison_config::format_source;

/// Every comment of the input, as written (the marker words are unique per comment).
const INPUT: &str = r#"// c01 file header
/* c02 block before the first node */
provider "barrack" { region "NORWAY-1"; } // c03 after a one-line block

/* c04 block at the start of a node line */ volume "data" {
    /* c05 block before a child */ size-gb 100 // c06 after a child
    // c07 line before a child
    type /* c08 block between name and value */ "Cloud-SSD" /* c09 block after the value */
    /- description "c10 slashdash child"
    description "x" /- "c11 slashdash entry"
    /* c12
       multi-line block */
    // c13 last line in the block
}
/- volume "c14 slashdash node" { size-gb 10; }
volume "more" /- { c15-slashdash-children 1; } {
    size-gb 10 /* c16 block before the newline */
}
volume /* c17 between node name and argument */ "more2" {
    size-gb 10
} /* c18 block after a closing brace */
volume "more3" { size-gb 10; /* c19 inside a one-line block */ }
// c20 end of file
"#;

fn check(input: &str) {
    let once = format_source("main.kdl", input).unwrap_or_else(|f| panic!("{:#?}", f.errors));
    let twice = format_source("main.kdl", &once).unwrap_or_else(|f| panic!("{:#?}", f.errors));
    assert_eq!(once, twice, "fmt is not idempotent:\n{once}");
    let mut missing = Vec::new();
    for i in 1..=40 {
        let marker = format!("c{i:02}");
        if input.contains(&marker) && !once.contains(&marker) {
            missing.push(marker);
        }
    }
    assert!(missing.is_empty(), "fmt lost comments {missing:?}:\n{once}");
    assert_eq!(
        values(input),
        values(&once),
        "fmt changed the document:\n{once}"
    );
}

/// The document's nodes and values, without any formatting.
fn values(text: &str) -> String {
    fn go(doc: &kdl::KdlDocument, out: &mut String) {
        for n in doc.nodes() {
            out.push_str(n.name().value());
            for e in n.entries() {
                out.push_str(&format!(
                    " {:?}={:?}",
                    e.name().map(|k| k.value()),
                    e.value()
                ));
            }
            if let Some(c) = n.children() {
                out.push('{');
                go(c, out);
                out.push('}');
            }
            out.push(';');
        }
    }
    let doc = kdl::KdlDocument::parse_v2(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    let mut out = String::new();
    go(&doc, &mut out);
    out
}

/// U4: nothing written as a comment is lost, and formatting twice changes nothing.
#[test]
fn fmt_keeps_every_comment() {
    check(INPUT);
}

/// U4 (the finding's case): a `/* ... */` at the start of a node line.
#[test]
fn fmt_keeps_a_block_comment_at_the_start_of_a_node_line() {
    check("/* c01 note */ volume \"v\" { size-gb 10; }\n");
    check("volume \"v\" {\n    /* c02 note */ size-gb 10\n}\n");
}
