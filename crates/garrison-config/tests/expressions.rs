//! The expression language (docs/language.md, "Expressions"): values computed right, and
//! property tests that no input panics, hangs or builds an unbounded value.

use std::time::{Duration, Instant};

use garrison_config::{load_str, Expr, VarInputs};
use proptest::prelude::*;
use serde_json::{json, Value};

const HEAD: &str = r#"
provider "barrack" {
    region "NORWAY-1"
}
variable "on" type="bool" default=#true
variable "n" type="int" default=3
locals {
    names "alpha" "beta"
}
"#;

/// The value of output `x` computed from `expr`, or the diagnostics' codes.
fn value(expr: &str) -> Result<Value, Vec<String>> {
    let text = format!("{HEAD}\noutput \"x\" {{\n    value (expr)#\"{expr}\"#\n}}\n");
    match load_str("main.kdl", &text, &VarInputs::default()) {
        Ok(loaded) => match &loaded.model.outputs[0].value {
            Expr::Value(v) => Ok(v.clone()),
            other => panic!("{expr}: not a plan-time value: {other:?}"),
        },
        Err(failure) => Err(failure
            .errors
            .iter()
            .map(|d| d.code.as_str().to_string())
            .collect()),
    }
}

#[test]
fn values() {
    let cases = [
        ("1 + 2 * 3", json!(7)),
        ("(1 + 2) * 3", json!(9)),
        ("7 / 2", json!(3.5)),
        ("8 / 2", json!(4)),
        ("7 % 3", json!(1)),
        ("-var.n + 1", json!(-2)),
        ("var.on ? var.n : 0", json!(3)),
        ("!var.on || var.n >= 3", json!(true)),
        ("\"b\" > \"a\" && 1 == 1.0 && [1, 2] != [2, 1]", json!(true)),
        ("local.names[1]", json!("beta")),
        ("{ a = [1, { b = \"c\" }] }.a[1].b", json!("c")),
        ("length(local.names) + length(\"héllo\")", json!(7)),
        ("join(\"-\", [\"a\", 1, true])", json!("a-1-true")),
        (
            "format(\"%s=%05.1f %q %v%%\", \"x\", 3.14159, \"q\", [1])",
            json!("x=003.1 \"q\" [1]%"),
        ),
        ("upper(lower(\"MiXed\"))", json!("MIXED")),
        ("lookup({ a = 1 }, \"b\", 2)", json!(2)),
        ("keys(merge({ b = 1 }, { a = 2 }))", json!(["a", "b"])),
        ("range(5, 0, -2)", json!([5, 3, 1])),
        ("min(3, 1.5) + max(-1, -2)", json!(0.5)),
        ("ceil(1.2) + floor(-1.2)", json!(0)),
        ("cidrsubnet(\"10.0.0.0/8\", 8, 255)", json!("10.255.0.0/16")),
        ("cidrhost(\"192.168.1.0/24\", 5)", json!("192.168.1.5")),
        ("base64encode(\"hi\")", json!("aGk=")),
        (
            "jsonencode({ b = 1, a = [true, null] })",
            json!("{\"a\":[true,null],\"b\":1}"),
        ),
        ("contains(split(\",\", \"a,b\"), \"b\")", json!(true)),
        ("replace(trim(\" a.b \"), \".\", \"-\")", json!("a-b")),
        (
            "[for n in local.names : upper(n)]",
            json!(["ALPHA", "BETA"]),
        ),
        (
            "[for i, n in local.names : format(\"%d-%s\", i, n) if i > 0]",
            json!(["1-beta"]),
        ),
        (
            "{for i, n in local.names : n => i * var.n}",
            json!({"alpha": 0, "beta": 3}),
        ),
        (
            "{for k, v in { b = 2, a = 1 } : upper(k) => [for x in range(v) : x]}",
            json!({"A": [0], "B": [0, 1]}),
        ),
        (
            "length([for n in local.names : n if n == \"none\"])",
            json!(0),
        ),
    ];
    for (expr, want) in cases {
        assert_eq!(value(expr), Ok(want), "{expr}");
    }
}

#[test]
fn errors_have_codes() {
    let cases = [
        ("1 +", "garrison::config::bad_expression"),
        ("nope(1)", "garrison::config::unknown_function"),
        ("1 / 0", "garrison::config::wrong_type"),
        ("9223372036854775807 + 1", "garrison::config::wrong_type"),
        (
            "cidrhost(\"10.0.0.0/24\", 300)",
            "garrison::config::function_failed",
        ),
        ("var.nope", "garrison::config::unknown_reference"),
        ("var.on + 1", "garrison::config::wrong_type"),
        ("[for n in 3 : n]", "garrison::config::wrong_type"),
        (
            "[for n in local.names : n if 1]",
            "garrison::config::wrong_type",
        ),
        (
            "{for n in local.names : \"k\" => n}",
            "garrison::config::invalid_value",
        ),
        (
            "[for in local.names : 1]",
            "garrison::config::bad_expression",
        ),
        (
            "{for n in local.names : n}",
            "garrison::config::bad_expression",
        ),
    ];
    for (expr, code) in cases {
        let got = value(expr).expect_err(expr);
        assert!(got.iter().any(|c| c == code), "{expr}: {got:?}");
    }
}

/// Tokens random expressions are made of (well formed or not).
fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "1",
        "2.5",
        "-",
        "+",
        "*",
        "/",
        "%",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ".",
        "?",
        ":",
        "==",
        "<",
        "&&",
        "||",
        "!",
        "var.n",
        "var.on",
        "local.names",
        "\"s\"",
        "true",
        "null",
        "range(",
        "concat(",
        "for",
        "in",
        "if",
        "=>",
        "x",
        "format(",
        "join(",
        "length(",
        "merge(",
        "jsonencode(",
        "cidrsubnet(",
        "replace(",
        "a = ",
        "9223372036854775807",
        "[*]",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Never a panic, never a hang: any token soup loads or fails with diagnostics, fast.
    #[test]
    fn arbitrary_input_never_panics_or_hangs(tokens in prop::collection::vec(token(), 0..40)) {
        let expr = tokens.join(" ");
        let started = Instant::now();
        let _ = value(&expr);
        prop_assert!(started.elapsed() < Duration::from_secs(2), "{expr}");
    }

    /// Growth is bounded: nesting list-building calls cannot make a value past the limit
    /// (4^5 copies of a 1,000-number list would be 8 MB of JSON).
    #[test]
    fn results_are_bounded(depth in 1usize..6, wide in 1usize..5) {
        let mut expr = "range(1000)".to_string();
        for _ in 0..depth {
            let copies = vec![expr.clone(); wide].join(", ");
            expr = format!("concat({copies})");
        }
        let expr = format!("jsonencode({expr})");
        match value(&expr) {
            Ok(Value::String(s)) => prop_assert!(s.len() <= garrison_config::limits::VALUE_MAX_BYTES),
            Ok(other) => prop_assert!(false, "{other:?}"),
            Err(codes) => prop_assert!(codes.iter().all(|c| c.ends_with("limit") || c.ends_with("bad_expression")), "{codes:?}"),
        }
    }
}

/// The value of output `x` = `var.ratio * 2` with `ratio` a `number` given as `text` on the
/// command line, or the diagnostics' codes.
fn number_var(text: &str) -> Result<Value, Vec<String>> {
    let config = r#"
variable "ratio" type="number" default=0.5 min=0 max=4
output "x" {
    value (expr)"var.ratio * 2"
}
"#;
    let inputs = VarInputs {
        vars: vec![("ratio".to_owned(), text.to_owned())],
        ..VarInputs::default()
    };
    match load_str("main.kdl", &format!("{HEAD}{config}"), &inputs) {
        Ok(loaded) => match &loaded.model.outputs[0].value {
            Expr::Value(v) => Ok(v.clone()),
            other => panic!("not a plan-time value: {other:?}"),
        },
        Err(f) => Err(f
            .errors
            .iter()
            .map(|d| d.code.as_str().to_string())
            .collect()),
    }
}

/// A `number` variable takes whole and fractional values and keeps its bounds.
#[test]
fn number_variables_take_fractions_and_keep_their_bounds() {
    assert_eq!(number_var("1.25"), Ok(json!(2.5)));
    assert_eq!(number_var("3"), Ok(json!(6)));
    assert!(number_var("4.5").is_err(), "above max");
    assert!(number_var("many").is_err(), "not a number");
}
