//! `kubectl get -o json`: Go's `json.MarshalIndent(obj, "", "    ")` of the object as kubectl
//! holds it (an unstructured map, so keys come out sorted), plus a final newline.

use serde_json::Value;
use std::fmt::Write as _;

/// Serialize `value` the way kubectl's JSON printer does: 4-space indentation, `": "` after
/// keys, object keys sorted, empty objects/arrays as `{}`/`[]`, and Go's string escaping
/// (`<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes, as `encoding/json` does by default).
pub fn to_kubectl_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out.push('\n');
    out
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn write_value(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(out, level + 1);
                write_value(out, item, level + 1);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, level);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("{\n");
            for (i, key) in keys.iter().enumerate() {
                indent(out, level + 1);
                write_string(out, key);
                out.push_str(": ");
                if let Some(v) = map.get(key.as_str()) {
                    write_value(out, v, level + 1);
                }
                if i + 1 < keys.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, level);
            out.push('}');
        }
    }
}

/// Go `encoding/json` string encoding with HTML escaping on.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indents_with_four_spaces_and_sorts_keys() {
        let v = json!({"kind": "List", "apiVersion": "v1", "items": [], "metadata": {"resourceVersion": ""}});
        assert_eq!(
            to_kubectl_json(&v),
            "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
        );
    }

    #[test]
    fn nested_arrays_and_escapes() {
        let v = json!({"a": [1, {"b": "<none> & \"x\"\n"}], "e": {}});
        assert_eq!(
            to_kubectl_json(&v),
            "{\n    \"a\": [\n        1,\n        {\n            \"b\": \"\\u003cnone\\u003e \\u0026 \\\"x\\\"\\n\"\n        }\n    ],\n    \"e\": {}\n}\n"
        );
    }
}
