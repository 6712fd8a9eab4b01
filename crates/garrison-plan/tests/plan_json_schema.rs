//! The JSON plan's schema (`docs/plan-json.schema.json`) against itself, its document
//! (`docs/plan-json.md`) and the format's types. That every planner case's JSON matches it
//! is checked in `plans.rs`.

use std::collections::BTreeSet;

use garrison_config::model::Kind;
use garrison_plan::render::json::{ActionJson, JSON_FORMAT_VERSION};
use serde_json::{json, Value};

#[path = "support/plan_json_schema.rs"]
mod plan_json_schema;

use plan_json_schema::{assert_valid, repo_root, schema, violations};

/// A plan with every field of the format, each object once (a hand-written document, so it
/// tests the schema whatever the planner makes).
fn full_plan() -> Value {
    json!({
        "format_version": 1,
        "basis": {
            "config_hash": "d6708b47bd268ad1fee50034f755049865c6948528df57cb974ae73716eb26c4",
            "state_lineage": "5b0c1a2e-0000-4000-8000-000000000001",
            "state_serial": 3,
            "refreshed": true
        },
        "destroy": false,
        "summary": { "add": 1, "change": 1, "replace": 0, "destroy": 0, "forget": 0,
                     "unchanged": 2, "moved": 1, "wait": 1, "blocked": 1 },
        "changes": [{
            "address": "vm.trainer[0]",
            "kind": "vm",
            "action": "replace",
            "name": "team-a-trainer-0",
            "region": "NORWAY-1",
            "remote_id": "42",
            "attrs": [{
                "name": "gpu-model",
                "before": "H100-SXM5-80GB",
                "after": { "state": "known", "value": "A100-PCIe-80GB" },
                "forces_replacement": true,
                "sensitive": false,
                "multiline": false,
                "replaced": ["firewall.fw"]
            }],
            "reasons": ["`gpu-model` forces replacement"],
            "create_before_destroy": false,
            "cost_before": 2.69,
            "cost_after": 1.55,
            "moved_from": "vm.old[0]"
        }],
        "drift": [{ "address": "volume.data", "attr": "size-gb", "recorded": 500,
                    "actual": 900, "sensitive": false }],
        "blocked": [{ "address": "vm.box", "action": "replace",
                      "reason": "is protected and would be replaced", "hint": "..." }],
        "cost": { "before_per_hour": 2.74, "after_per_hour": 1.6, "delta_per_hour": -1.14 },
        "notes": ["~ firewall.fw attachments set to [vm.a]"],
        "warnings": [{ "code": "garrison::config::open_ingress", "message": "open",
                       "file": "main.kdl", "line": 14, "column": 5, "help": null }],
        "rehearsal": {
            "passed": false, "parallelism": 10, "rate_limit_per_minute": 500,
            "failures": [{ "step": 3, "address": "vm.box", "operation": "move volumes",
                           "message": "volume 2 is in-use", "status": 409, "skipped": 1 }],
            "makespan_seconds": 95.2, "critical_path": [0, 1, 3],
            "critical_path_seconds": 95.0, "mutating_requests": 12, "converges": true,
            "not_converged": [], "guesses": ["g"], "caveats": [],
            "steps": [{ "id": 0, "address": "ssh-key.k", "operation": "create",
                        "outcome": "succeeded", "predicted_seconds": 0.4 }],
            "elapsed_ms": 840
        }
    })
}

/// JSON pointers of every object in [`full_plan`].
const OBJECTS: &[&str] = &[
    "",
    "/basis",
    "/summary",
    "/changes/0",
    "/changes/0/attrs/0",
    "/changes/0/attrs/0/after",
    "/drift/0",
    "/blocked/0",
    "/cost",
    "/warnings/0",
    "/rehearsal",
    "/rehearsal/failures/0",
    "/rehearsal/steps/0",
];

#[test]
fn a_plan_with_every_field_matches() {
    let plan = full_plan();
    assert_valid("full plan", &plan.to_string());
    let mut unknown = plan.clone();
    unknown["changes"][0]["attrs"][0]["after"] = json!({ "state": "unknown" });
    unknown["cost"] = Value::Null;
    assert_valid("unknown after, no cost", &unknown.to_string());
}

#[test]
fn an_undocumented_field_fails() {
    for pointer in OBJECTS {
        let mut plan = full_plan();
        let object = plan
            .pointer_mut(pointer)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("`{pointer}` is an object of full_plan"));
        object.insert("undocumented".into(), json!(1));
        assert!(
            !violations(&plan).is_empty(),
            "an extra field at `{pointer}` passes the schema"
        );
    }
}

/// The fields left out when empty or zero (`docs/plan-json.md`: "only when ..."), by object.
const OPTIONAL: &[(&str, &str)] = &[
    ("", "blocked"),
    ("", "notes"),
    ("", "rehearsal"),
    ("/summary", "moved"),
    ("/summary", "wait"),
    ("/summary", "blocked"),
    ("/changes/0", "moved_from"),
    ("/changes/0/attrs/0", "replaced"),
];

#[test]
fn a_missing_field_fails_unless_it_is_optional() {
    for pointer in OBJECTS {
        let plan = full_plan();
        let fields: Vec<String> = plan
            .pointer(pointer)
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        for field in fields {
            let mut without = plan.clone();
            if let Some(o) = without.pointer_mut(pointer).and_then(Value::as_object_mut) {
                o.remove(&field);
            }
            let optional = OPTIONAL.contains(&(*pointer, field.as_str()));
            assert_eq!(
                violations(&without).is_empty(),
                optional,
                "without `{pointer}/{field}`: valid exactly when it is optional"
            );
        }
    }
}

#[test]
fn every_object_in_the_schema_is_closed() {
    let schema = schema();
    let objects = object_schemas(&schema);
    assert!(objects.len() >= OBJECTS.len(), "{objects:?}");
    for object in objects {
        assert_eq!(
            object.get("additionalProperties"),
            Some(&Value::Bool(false)),
            "an object schema allows undocumented fields: {object}"
        );
        assert_eq!(object.get("type"), Some(&json!("object")), "{object}");
    }
}

#[test]
fn the_schema_and_the_document_name_the_same_fields() {
    let schema = schema();
    let in_schema: BTreeSet<&str> = object_schemas(&schema)
        .into_iter()
        .flat_map(property_names_of)
        .collect();
    let path = repo_root().join("docs/plan-json.md");
    let doc = std::fs::read_to_string(&path).expect("docs/plan-json.md");
    let in_doc = documented_fields(&doc);
    let undocumented: Vec<_> = in_schema.iter().filter(|f| !in_doc.contains(**f)).collect();
    let not_in_schema: Vec<_> = in_doc
        .iter()
        .filter(|f| !in_schema.contains(f.as_str()))
        .collect();
    assert!(
        undocumented.is_empty() && not_in_schema.is_empty(),
        "in the schema, not in docs/plan-json.md: {undocumented:?}; \
         in docs/plan-json.md, not in the schema: {not_in_schema:?}"
    );
}

#[test]
fn the_schema_names_every_kind_and_action_and_the_version() {
    let schema = schema();
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(enum_of(&schema, "kind"), kinds);
    let actions: Vec<String> = all_actions()
        .into_iter()
        .map(|a| {
            serde_json::to_value(a)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
        })
        .map(|a| a.unwrap_or_default())
        .collect();
    assert_eq!(enum_of(&schema, "action"), actions);
    assert_eq!(
        schema["properties"]["format_version"]["const"],
        json!(JSON_FORMAT_VERSION)
    );
}

/// Every [`ActionJson`], in declaration order (the `match` fails to compile on a new one).
fn all_actions() -> Vec<ActionJson> {
    let all = [
        ActionJson::NoOp,
        ActionJson::Create,
        ActionJson::Update,
        ActionJson::Replace,
        ActionJson::Delete,
        ActionJson::Forget,
        ActionJson::Wait,
    ];
    for action in all {
        match action {
            ActionJson::NoOp
            | ActionJson::Create
            | ActionJson::Update
            | ActionJson::Replace
            | ActionJson::Delete
            | ActionJson::Forget
            | ActionJson::Wait => {}
        }
    }
    all.to_vec()
}

/// `$defs.<name>.enum`, as strings.
fn enum_of<'a>(schema: &'a Value, name: &str) -> Vec<&'a str> {
    schema["$defs"][name]["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// Every subschema that lists `properties` (the schema's objects), anywhere in it.
fn object_schemas(schema: &Value) -> Vec<&Value> {
    let mut found = Vec::new();
    let mut queue = vec![schema];
    while let Some(value) = queue.pop() {
        match value {
            Value::Object(map) => {
                if map.get("properties").is_some_and(Value::is_object) {
                    found.push(value);
                }
                queue.extend(map.values());
            }
            Value::Array(items) => queue.extend(items),
            _ => {}
        }
    }
    found
}

fn property_names_of(object: &Value) -> impl Iterator<Item = &str> {
    object["properties"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.keys().map(String::as_str))
}

/// The field names of the document's annotated example: every `"name":` in its ```json
/// block, comments (`// ...` outside strings) left out.
fn documented_fields(doc: &str) -> BTreeSet<String> {
    let block = doc
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_else(|| panic!("docs/plan-json.md has no ```json block"));
    block
        .lines()
        .flat_map(keys_of_line)
        .map(str::to_string)
        .collect()
}

/// The quoted strings of one line of the example that a `:` follows, up to a comment.
fn keys_of_line(line: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find(['"', '/']) {
        let tail = &rest[i..];
        if tail.starts_with("//") {
            break;
        }
        let Some(quoted) = tail.strip_prefix('"') else {
            rest = &tail[1..];
            continue;
        };
        let Some(len) = quoted.find('"') else { break };
        let (text, after) = (&quoted[..len], &quoted[len + 1..]);
        if after.trim_start().starts_with(':') {
            keys.push(text);
        }
        rest = after;
    }
    keys
}
