//! The fast loading parser agrees with the `kdl` crate: wherever it accepts a text, the
//! `kdl` crate parses it too, to the same nodes, values, type annotations and spans (both
//! as the loader's tree: the fast path's own, the `kdl` crate's converted by `tree::from_kdl`). Checked
//! on every fixture and example, on generated configs, and on thousands of seeded mutations.

use std::fs;
use std::path::{Path, PathBuf};

use garrison_config::fastkdl;
use garrison_config::tree::{self, KdlDocument, KdlNode};

fn dump_node(node: KdlNode<'_>, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    out.push_str(&format!(
        "{pad}node {:?} name={:?}@{:?} ty={:?} span={:?}\n",
        node.name().value(),
        node.name().value(),
        node.name().span(),
        node.ty().map(|t| (t.value().to_owned(), t.span())),
        node.span()
    ));
    for e in node.entries() {
        out.push_str(&format!(
            "{pad}  entry name={:?} ty={:?} value={:?} span={:?}\n",
            e.name().map(|n| (n.value().to_owned(), n.span())),
            e.ty().map(|t| (t.value().to_owned(), t.span())),
            e.value(),
            e.span()
        ));
    }
    if let Some(children) = node.children() {
        out.push_str(&format!("{pad}  {{\n"));
        for child in children {
            dump_node(child, depth + 2, out);
        }
        out.push_str(&format!("{pad}  }}\n"));
    }
}

fn dump(doc: &KdlDocument) -> String {
    let mut out = String::new();
    for node in doc.nodes() {
        dump_node(node, 0, &mut out);
    }
    out
}

/// Asserts agreement on `text`; returns whether the fast path accepted it.
fn check(label: &str, text: &str) -> bool {
    let Some(fast) = fastkdl::parse(text) else {
        return false;
    };
    let full = kdl::KdlDocument::parse_v2(text).unwrap_or_else(|e| {
        panic!("{label}: the fast path accepted text the kdl crate rejects: {e:?}\n{text}")
    });
    assert_eq!(
        dump(&fast),
        dump(&tree::from_kdl(&full)),
        "{label}: the parsers disagree on\n{text}"
    );
    true
}

fn kdl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            kdl_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "kdl") {
            out.push(path);
        }
    }
}

/// A small seeded generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    " ", "\n", "\t", "\r\n", ";", "{", "}", "(", ")", "=", "\"", "\\", "#", "/", "//", "/*", "/-",
    "-", "+", "_", ".", "0", "7", "1.5", "0x1f", "#true", "#nan", "true", "null", "a", "Z", "é",
    "\u{a0}", "\u{2028}", "\u{feff}", "\\n", "\\u{41}", "r#\"x\"#", "\"\"\"", "x=1", "(ref)",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut out = text.to_owned();
    for _ in 0..1 + rng.below(3) {
        let mut at = rng.below(out.len() + 1);
        while !out.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(3) {
            0 => out.insert_str(at, PIECES[rng.below(PIECES.len())]),
            1 => {
                let mut end = (at + 1 + rng.below(4)).min(out.len());
                while !out.is_char_boundary(end) {
                    end += 1;
                }
                out.replace_range(at..end, "");
            }
            _ => {
                let mut end = (at + 1).min(out.len());
                while !out.is_char_boundary(end) {
                    end += 1;
                }
                out.replace_range(at..end, PIECES[rng.below(PIECES.len())]);
            }
        }
    }
    out
}

#[test]
fn fast_parser_agrees_with_kdl() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    kdl_files(&root.join("tests/fixtures"), &mut files);
    kdl_files(&root.join("../../examples"), &mut files);
    files.sort();
    assert!(files.len() > 30, "{files:?}");

    let mut texts: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            (
                f.display().to_string(),
                fs::read_to_string(f).unwrap_or_default(),
            )
        })
        .collect();
    texts.push((
        "hand-written".into(),
        "(t)n \"q\\\"s\\\\\\n\" 1_000 -7 +3 #true #false #null k=v \"a b\"=(ref)\"x.y\" { c; d 1 } // end\r\ne{}\nf;g".into(),
    ));
    // i128 edges: the kdl crate rejects i128::MIN (its magnitude overflows), so must we
    for n in [
        "-170141183460469231731687303715884105728",
        "-170141183460469231731687303715884105727",
        "170141183460469231731687303715884105727",
        "+170141183460469231731687303715884105727",
        "170141183460469231731687303715884105728",
    ] {
        texts.push((format!("integer {n}"), format!("a {n}\n")));
    }
    let mut accepted = 0;
    for (label, text) in &texts {
        accepted += usize::from(check(label, text));
    }
    // Every example takes the fast path (that is where the speed matters).
    for (label, text) in texts.iter().filter(|(l, _)| l.contains("examples")) {
        assert!(
            fastkdl::parse(text).is_some(),
            "{label} is outside the fast subset"
        );
    }
    assert!(
        accepted * 2 > texts.len(),
        "the fast path accepted only {accepted} of {}",
        texts.len()
    );

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut mutated_accepted = 0;
    for (label, text) in &texts {
        for i in 0..150 {
            let m = mutate(&mut rng, text);
            mutated_accepted += usize::from(check(&format!("{label} mutation {i}"), &m));
        }
    }
    assert!(
        mutated_accepted > 100,
        "mutations accepted: {mutated_accepted}"
    );
}
