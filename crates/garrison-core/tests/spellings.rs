//! Every spelling of the vocabulary parses back to the value that printed it, and serde
//! writes exactly the text Garrison has always written.

use garrison_core::{
    Address, Direction, Ethertype, Index, JournalAction, Kind, Power, RemoteId, Rule, StateKey,
};

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
    ] {
        assert!(bad.parse::<Address>().is_err(), "{bad}");
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
