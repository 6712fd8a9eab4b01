//! Library-level tests of the public API: `load_str`, variable inputs, fmt, addresses.

use garrison_config::{format_source, load_str, Address, Code, Index, Kind, Op, VarInputs};

const BASE: &str = r#"
provider "barrack" { region "US-1"; }
ssh-key "k" { public-key "ssh-ed25519 AAAA k"; }
"#;

fn check_ok(text: &str, inputs: &VarInputs) -> garrison_config::Loaded {
    match load_str("main.kdl", text, inputs) {
        Ok(l) => l,
        Err(f) => panic!(
            "expected valid, got {:#?}",
            f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>()
        ),
    }
}

fn check_err(text: &str, inputs: &VarInputs) -> Vec<Code> {
    match load_str("main.kdl", text, inputs) {
        Ok(_) => panic!("expected errors"),
        Err(f) => f.errors.iter().map(|e| e.code).collect(),
    }
}

#[test]
fn addresses_round_trip_through_display_fromstr_and_serde() {
    for s in [
        "vm.trainer",
        "vm.trainer[0]",
        "ssh-key.k[\"a b\"]",
        "volume.x[\"q\\\"uote\"]",
    ] {
        let a: Address = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(a.to_string(), s);
        let json = serde_json::to_string(&a).unwrap_or_default();
        let back: Address = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, a);
    }
    assert!("vm".parse::<Address>().is_err());
    assert!("vms.x".parse::<Address>().is_err());
    assert!("vm.x[".parse::<Address>().is_err());
    assert!("vm.x[-1]".parse::<Address>().is_err());
    let mut v: Vec<Address> = ["vm.a[10]", "vm.a[2]", "volume.a", "vm.a"]
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    v.sort();
    let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["vm.a", "vm.a[2]", "vm.a[10]", "volume.a"]);
    assert_eq!(
        Kind::ALL
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(","),
        "vm,volume,firewall,ssh-key,script,snapshot,image"
    );
    assert_eq!("ssh-key".parse::<Kind>(), Ok(Kind::SshKey));
}

#[test]
fn variable_precedence_cli_over_file_over_env_over_default() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let var_file = dir.path().join("prod.kdl");
    std::fs::write(&var_file, "size 300\n").unwrap_or_else(|e| panic!("{e}"));
    let text = format!("{BASE}\nvariable \"size\" type=\"int\" default=100\nvolume \"d\" {{ size-gb (ref)\"var.size\"; }}\n");
    let size = |inputs: &VarInputs| {
        let m = check_ok(&text, inputs).model;
        match &m
            .resources
            .iter()
            .find(|r| r.address.kind == Kind::Volume)
            .map(|r| r.spec.clone())
        {
            Some(garrison_config::Spec::Volume(v)) => v.size_gb,
            other => panic!("{other:?}"),
        }
    };
    let mut inputs = VarInputs::default();
    assert_eq!(size(&inputs), 100);
    inputs = inputs.with_env([
        ("GARRISON_VAR_size".to_owned(), "200".to_owned()),
        ("HOME".to_owned(), "/x".to_owned()),
    ]);
    assert_eq!(inputs.env.len(), 1, "only GARRISON_VAR_* is kept");
    assert_eq!(size(&inputs), 200);
    inputs.var_files.push(var_file);
    assert_eq!(size(&inputs), 300);
    inputs.vars.push(("size".to_owned(), "400".to_owned()));
    assert_eq!(size(&inputs), 400);
}

#[test]
fn the_environment_is_never_read_directly() {
    // a process variable that is not passed in must not matter
    let text = format!("{BASE}\nvariable \"garrison_test_unset\" type=\"int\"\nvolume \"d\" {{ size-gb (ref)\"var.garrison_test_unset\"; }}\n");
    assert_eq!(
        check_err(&text, &VarInputs::default()),
        vec![Code::MissingVariable]
    );
}

#[test]
fn var_arg_parsing_and_redacted_debug() {
    assert_eq!(
        VarInputs::parse_var_arg("a=b=c"),
        Ok(("a".to_owned(), "b=c".to_owned()))
    );
    assert!(VarInputs::parse_var_arg("novalue").is_err());
    assert!(VarInputs::parse_var_arg("=x").is_err());
    let inputs = VarInputs {
        vars: vec![("token".into(), "hunter2".into())],
        ..Default::default()
    };
    assert!(!format!("{inputs:?}").contains("hunter2"));
    let text = format!("{BASE}\nvariable \"token\" sensitive=#true\nscript \"s\" {{ content \"echo ${{var.token}}\"; }}\n");
    let loaded = check_ok(&text, &inputs);
    assert!(!format!("{:?}", loaded.model.variables).contains("hunter2"));
    let script = loaded
        .model
        .resources
        .iter()
        .find(|r| r.address.kind == Kind::Script)
        .unwrap_or_else(|| panic!("no script"));
    assert!(script.sensitive_attrs.contains("content"));
}

#[test]
fn config_hash_changes_with_variables_and_text() {
    let text = format!("{BASE}\nvariable \"n\" type=\"int\" default=1\nvolume \"d\" count=(ref)\"var.n\" {{ size-gb 10; }}\n");
    let a = check_ok(&text, &VarInputs::default()).model.config_hash;
    let b = check_ok(
        &text,
        &VarInputs {
            vars: vec![("n".into(), "2".into())],
            ..Default::default()
        },
    )
    .model
    .config_hash;
    let c = check_ok(&format!("{text}// comment\n"), &VarInputs::default())
        .model
        .config_hash;
    assert_eq!(a.len(), 64);
    assert_ne!(a, b);
    assert_ne!(a, c);
    assert_eq!(a, check_ok(&text, &VarInputs::default()).model.config_hash);
}

#[test]
fn config_hash_leaves_sensitive_values_out() {
    // The hash is published in plans: a low-entropy secret must not be recoverable from it.
    let text = format!("{BASE}\nvariable \"cidr\" type=\"string\" sensitive=#true\nfirewall \"f\" {{\n    rule direction=\"ingress\" protocol=\"tcp\" port=22 remote=(ref)\"var.cidr\"\n}}\n");
    let with = |value: &str| {
        check_ok(
            &text,
            &VarInputs {
                vars: vec![("cidr".into(), value.into())],
                ..Default::default()
            },
        )
        .model
        .config_hash
    };
    assert_eq!(with("10.1.0.0/16"), with("192.168.0.0/24"));
}

#[test]
fn count_expands_sorted_with_default_names() {
    let text = format!("{BASE}\nvolume \"d\" count=11 {{ size-gb 10; }}\n");
    let m = check_ok(&text, &VarInputs::default()).model;
    let names: Vec<String> = m
        .resources
        .iter()
        .filter(|r| r.address.kind == Kind::Volume)
        .map(|r| r.name.clone())
        .collect();
    assert_eq!(names.len(), 11);
    assert_eq!(names[0], "d-0");
    assert_eq!(names[2], "d-2", "numeric, not lexicographic, order");
    assert_eq!(
        m.resources
            .iter()
            .filter(|r| r.address.index == Some(Index::Int(10)))
            .count(),
        1
    );
}

#[test]
fn timeouts_defaults_and_overrides() {
    let text = format!("{BASE}\ntimeouts {{\n    vm create=\"45m\"\n}}\n");
    let m = check_ok(&text, &VarInputs::default()).model;
    assert_eq!(m.timeouts.get(Kind::Vm, Op::Create).as_secs(), 45 * 60);
    assert_eq!(m.timeouts.get(Kind::Vm, Op::Delete).as_secs(), 10 * 60);
    assert_eq!(m.timeouts.get(Kind::Volume, Op::Create).as_secs(), 5 * 60);
    let bad = format!(
        "{BASE}\ntimeouts {{\n    vm create=\"soon\" destroy=\"1m\"\n    vms delete=\"1m\"\n}}\n"
    );
    assert_eq!(
        check_err(&bad, &VarInputs::default()),
        vec![
            Code::InvalidValue,
            Code::UnknownAttribute,
            Code::UnknownAttribute
        ]
    );
}

#[test]
fn state_backends() {
    let m = check_ok(
        &format!("{BASE}\nstate \"postgres\" url-env=\"PG\"\n"),
        &VarInputs::default(),
    )
    .model;
    assert_eq!(
        m.state,
        garrison_config::StateBackend::Postgres {
            url_env: "PG".into(),
            workspace: "default".into(),
        }
    );
    let m = check_ok(
        &format!("{BASE}\nstate \"postgres\" url-env=\"PG\" workspace=\"team-a/prod\"\n"),
        &VarInputs::default(),
    )
    .model;
    assert!(
        matches!(m.state, garrison_config::StateBackend::Postgres { ref workspace, .. } if workspace == "team-a/prod")
    );
    assert_eq!(
        check_err(&format!("{BASE}\nstate \"s3\"\n"), &VarInputs::default()),
        vec![Code::InvalidValue]
    );
}

#[test]
fn file_values_need_a_directory() {
    let text = format!("{BASE}\nscript \"s\" {{ content (file)\"a.sh\"; }}\n");
    assert_eq!(
        check_err(&text, &VarInputs::default()),
        vec![Code::MissingFile]
    );
}

#[test]
fn locals_cycle_is_reported() {
    let text = format!("{BASE}\nlocals {{\n    a \"${{local.b}}\"\n    b \"${{local.a}}\"\n}}\nscript \"s\" {{ content (ref)\"local.a\"; }}\n");
    assert!(check_err(&text, &VarInputs::default()).contains(&Code::Cycle));
}

#[test]
fn self_reference_is_a_cycle() {
    let text =
        format!("{BASE}\nvolume \"v\" {{ size-gb 10; description \"${{volume.v.name}}\"; }}\n");
    assert_eq!(check_err(&text, &VarInputs::default()), vec![Code::Cycle]);
}

#[test]
fn diagnostics_serialize_to_json_with_line_and_column() {
    let live = garrison_config::Offered {
        source: garrison_config::CatalogSource::Live,
        ..Default::default()
    };
    let f = match garrison_config::load_str_with(
        "main.kdl",
        "provider \"barrack\" { region \"MARS-1\"; }\n",
        &VarInputs::default(),
        &live,
    ) {
        Ok(_) => panic!("expected an error"),
        Err(f) => f,
    };
    let j = f.errors[0].to_json();
    assert_eq!(j["code"], "garrison::config::invalid_value");
    assert_eq!(j["labels"][0]["line"], 1);
    assert_eq!(j["labels"][0]["column"], 29);
    assert_eq!(j["labels"][0]["file"], "main.kdl");
}

#[test]
fn fmt_is_canonical_keeps_comments_and_is_idempotent() {
    let messy = "// top comment\nvm   \"a\"   {\n  gpu \"L40\"    count=1 // inline\n      image    \"x\"  /* why */ (ref)\"y\"\n}\n\n\n\nvolume \"v\" { size-gb 0x10; }\n";
    let once = format_source("m.kdl", messy).unwrap_or_else(|f| panic!("{f}"));
    assert!(once.contains("// top comment"));
    assert!(once.contains("// inline"));
    assert_eq!(
        once,
        "// top comment\nvm \"a\" {\n    gpu \"L40\" count=1 // inline\n    image \"x\" /* why */ (ref)\"y\"\n}\n\nvolume \"v\" {\n    size-gb 0x10\n}\n"
    );
    assert_eq!(format_source("m.kdl", &once).ok(), Some(once.clone()));
    // Comment lines after the last child keep their place and indentation.
    let trailing = "vm \"x\" {\n  gpu \"L40\"\n  lifecycle {\n    ignore-changes \"power\"\n        // why\n  }\n // end of vm\n}\n";
    assert_eq!(
        format_source("m.kdl", trailing).ok().as_deref(),
        Some("vm \"x\" {\n    gpu \"L40\"\n    lifecycle {\n        ignore-changes \"power\"\n        // why\n    }\n    // end of vm\n}\n")
    );
    let err = format_source("m.kdl", "vm \"a\" {\n");
    assert!(matches!(err, Err(f) if f.errors[0].code == Code::Syntax));
}
