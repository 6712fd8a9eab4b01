//! Every spelling of the vocabulary parses back to the value that printed it, and serde
//! writes exactly the text Garrison has always written.

use garrison_core::{
    parse_module_path, Address, Direction, Ethertype, Index, JournalAction, Kind, ModuleStep,
    Power, RemoteId, Rule, StateKey,
};
use proptest::prelude::*;

/// `text` parses to `value`, prints as `text`, and serializes as the JSON string `text`.
fn check<T>(text: &str, value: T)
where
    T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
    T: serde::Serialize + serde::de::DeserializeOwned,
    T::Err: std::fmt::Debug,
{
    assert_eq!(text.parse::<T>().expect(text), value, "{text}");
    assert_eq!(value.to_string(), text);
    let json = serde_json::to_string(&value).expect("serialize");
    assert_eq!(json, serde_json::to_string(text).expect("string"));
    assert_eq!(
        serde_json::from_str::<T>(&json).expect("deserialize"),
        value
    );
}

#[test]
fn kinds() {
    let names = [
        "vm", "volume", "firewall", "ssh-key", "script", "snapshot", "image",
    ];
    assert_eq!(Kind::ALL.len(), names.len());
    for (kind, name) in Kind::ALL.into_iter().zip(names) {
        check(name, kind);
        assert_eq!(
            kind.info().kind,
            kind,
            "the kind table is in Kind::ALL order"
        );
    }
    assert!("vms".parse::<Kind>().is_err());
}

#[test]
fn kind_table() {
    let plurals: Vec<&str> = Kind::ALL.iter().map(|k| k.info().api_plural).collect();
    assert_eq!(
        plurals,
        [
            "instances",
            "volumes",
            "firewalls",
            "ssh-keys",
            "scripts",
            "snapshots",
            "images"
        ]
    );
    assert_eq!(Kind::Vm.info().default_timeouts.create.as_secs(), 20 * 60);
    assert_eq!(Kind::Image.info().expected.create.as_secs(), 32);
}

#[test]
fn addresses() {
    for kind in Kind::ALL {
        check(&format!("{kind}.x"), Address::new(kind, "x"));
    }
    check(
        "vm.trainer[0]",
        Address::new(Kind::Vm, "trainer").with_index(Some(Index::Int(0))),
    );
    check(
        r#"vm.x["\\\""]"#,
        Address::new(Kind::Vm, "x").with_index(Some(Index::Key(r#"\""#.into()))),
    );
    check(
        r#"vm.x["a\"b\\c"]"#,
        Address::new(Kind::Vm, "x").with_index(Some(Index::Key(r#"a"b\c"#.into()))),
    );
    for bad in [
        "vm",
        "vm.",
        "vm.a b",
        "vm.x[",
        "vm.x[y]",
        "nope.x",
        "vm.x (deposed 1)",
        r#"vm.x["a"b"]"#,
        r#"vm.x["a\"]"#,
        r#"vm.x["a\n"]"#,
        "module.vm.x",
        "module.a.vm",
        "module.a[x].vm.x",
        "module..vm.x",
        "module.a.module.b",
        "module.a.vm.x.y",
        r#"module.a["k].vm.x"#,
    ] {
        assert!(bad.parse::<Address>().is_err(), "{bad}");
    }
}

fn step(name: &str, index: Option<Index>) -> ModuleStep {
    ModuleStep {
        name: name.into(),
        index,
    }
}

#[test]
fn module_addresses() {
    check(
        "module.net.vm.a",
        Address::new(Kind::Vm, "a").in_module(&[step("net", None)]),
    );
    let nested = Address::new(Kind::Vm, "trainer")
        .with_index(Some(Index::Key("a".into())))
        .in_module(&[step("net", Some(Index::Int(0)))]);
    check(r#"module.net[0].vm.trainer["a"]"#, nested.clone());
    check(
        r#"module.team["a.b]"].module.node[3].volume.data"#,
        Address::new(Kind::Volume, "data").in_module(&[
            step("team", Some(Index::Key("a.b]".into()))),
            step("node", Some(Index::Int(3))),
        ]),
    );
    assert_eq!(nested.block().to_string(), "module.net[0].vm.trainer");
    assert!(nested.same_block(&nested.block()));
    assert!(!nested.same_block(&Address::new(Kind::Vm, "trainer")));
    // a root address sorts before every module address
    assert!(
        Address::new(Kind::Vm, "z") < Address::new(Kind::Vm, "a").in_module(&[step("m", None)])
    );
}

fn index() -> impl Strategy<Value = Option<Index>> {
    prop_oneof![
        Just(None),
        (0u32..1000).prop_map(|i| Some(Index::Int(i))),
        "[a-z\\\\\"\\].\\[ ]{0,6}".prop_map(|k| Some(Index::Key(k))),
    ]
}

fn address() -> impl Strategy<Value = Address> {
    let label = "[a-z_][a-z0-9_-]{0,8}";
    (
        proptest::collection::vec((label, index()), 0..3),
        proptest::sample::select(Kind::ALL.to_vec()),
        label,
        index(),
    )
        .prop_map(|(steps, kind, name, idx)| {
            let module: Vec<ModuleStep> = steps.into_iter().map(|(n, i)| step(&n, i)).collect();
            Address::new(kind, name).with_index(idx).in_module(&module)
        })
}

proptest! {
    #[test]
    fn every_address_round_trips(a in address()) {
        let text = a.to_string();
        prop_assert_eq!(text.parse::<Address>().ok(), Some(a.clone()));
        let json = serde_json::to_string(&a).unwrap_or_default();
        prop_assert_eq!(serde_json::from_str::<Address>(&json).ok(), Some(a));
    }
}

#[test]
fn state_keys() {
    check("vm.x", StateKey::Live(Address::new(Kind::Vm, "x")));
    check(
        "vm.x (deposed 42)",
        StateKey::deposed(Address::new(Kind::Vm, "x"), RemoteId::new("42")),
    );
    check(
        r#"volume.d["k"] (deposed vol-1)"#,
        StateKey::deposed(
            Address::new(Kind::Volume, "d").with_index(Some(Index::Key("k".into()))),
            RemoteId::new("vol-1"),
        ),
    );
    for bad in ["vm.x (deposed )", "vm.x (deposed 4", "nope.x (deposed 4)"] {
        assert!(bad.parse::<StateKey>().is_err(), "{bad}");
    }
}

#[test]
fn journal_actions() {
    for (action, text) in JournalAction::ALL
        .into_iter()
        .zip(["create", "update", "delete"])
    {
        check(text, action);
    }
    assert!("replace".parse::<JournalAction>().is_err());
}

#[test]
fn powers() {
    for (power, text) in Power::ALL
        .into_iter()
        .zip(["running", "stopped", "hibernated"])
    {
        check(text, power);
    }
}

#[test]
fn remote_ids_are_plain_strings() {
    let id = RemoteId::new("i-1");
    assert_eq!(serde_json::to_string(&id).expect("serialize"), r#""i-1""#);
    assert_eq!(
        serde_json::from_str::<RemoteId>(r#""i-1""#).expect("read"),
        id
    );
}

#[test]
fn rules_serialize_as_the_canonical_rule_object() {
    let rule = Rule {
        direction: Direction::Ingress,
        protocol: "tcp".into(),
        ethertype: Ethertype::IPv6,
        port_min: Some(22),
        port_max: None,
        remote: "::/0".into(),
    };
    let text = r#"{"direction":"ingress","ethertype":"IPv6","port-max":null,"port-min":22,"protocol":"tcp","remote":"::/0"}"#;
    let value = serde_json::to_value(&rule).expect("serialize");
    assert_eq!(value.to_string(), text);
    assert_eq!(serde_json::from_str::<Rule>(text).expect("read"), rule);
}

/// A whole-module `moved` names a module instance's path alone; anything else is not one.
#[test]
fn module_paths() {
    assert_eq!(
        parse_module_path(r#"module.a[0].module.b["k"]"#),
        Some(vec![
            step("a", Some(Index::Int(0))),
            step("b", Some(Index::Key("k".into())))
        ])
    );
    assert_eq!(parse_module_path("module.a"), Some(vec![step("a", None)]));
    for not in [
        "module.a.vm.x",
        "module.",
        "vm.x",
        "module.a.",
        "module.a[x]",
        "",
    ] {
        assert_eq!(parse_module_path(not), None, "{not}");
    }
}

/// `--target module.team` covers everything in every instance of the call; an index narrows
/// it to one instance; a resource target names a block or an instance, at its module path.
#[test]
fn targets_cover_modules_and_resources() {
    use garrison_core::Target;
    let address = |s: &str| s.parse::<Address>().expect("address");
    let target = |s: &str| s.parse::<Target>().expect("target");
    let inside = address(r#"module.team["a"].module.node[0].vm.x[1]"#);
    for covering in [
        "module.team",
        r#"module.team["a"]"#,
        r#"module.team["a"].module.node"#,
        r#"module.team["a"].module.node[0].vm.x"#,
    ] {
        assert!(target(covering).covers(&inside), "{covering}");
        assert_eq!(target(covering).to_string(), covering);
    }
    for missing in [
        r#"module.team["b"]"#,
        "module.other",
        "vm.x",
        r#"module.team["a"].vm.x"#,
    ] {
        assert!(!target(missing).covers(&inside), "{missing}");
    }
    assert!("module.".parse::<Target>().is_err());
}
