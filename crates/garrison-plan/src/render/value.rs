//! One attribute value as short, readable text (rules as `ingress tcp 22 from 10.0.0.0/8`).

use serde_json::Value;

/// Formats a value for a plan line: strings quoted, lists in brackets, rules in words.
pub fn format_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) if items.is_empty() => "[]".to_string(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(format_value).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) if map.contains_key("direction") => format_rule(value),
        v if crate::seal::is_sealed(v) => crate::REDACTED.to_string(),
        other => other.to_string(),
    }
}

fn format_rule(rule: &Value) -> String {
    let s = |k: &str| {
        rule.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let ports = match (
        rule.get("port-min").and_then(Value::as_u64),
        rule.get("port-max").and_then(Value::as_u64),
    ) {
        (Some(a), Some(b)) if a == b => format!(" {a}"),
        (Some(a), Some(b)) => format!(" {a}-{b}"),
        _ => String::new(),
    };
    let dir = s("direction");
    let word = if dir == "egress" { "to" } else { "from" };
    let eth = s("ethertype");
    let eth = if eth == "IPv6" { " IPv6" } else { "" };
    format!("{dir} {}{ports}{eth} {word} {}", s("protocol"), s("remote"))
}

#[cfg(test)]
mod tests {
    use super::format_value;
    use serde_json::json;

    #[test]
    fn formats() {
        assert_eq!(format_value(&json!("a")), "\"a\"");
        assert_eq!(format_value(&json!([1, "b"])), "[1, \"b\"]");
        let rule = json!({"direction":"ingress","protocol":"tcp","ethertype":"IPv4","port-min":8888,"port-max":8890,"remote":"10.0.0.0/8"});
        assert_eq!(format_value(&rule), "ingress tcp 8888-8890 from 10.0.0.0/8");
    }
}
