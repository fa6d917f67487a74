//! Strict decoding of a [`Node`] tree into typed objects, as kube-apiserver decodes a request body
//! with `fieldValidation=Strict` (kubectl's default since 1.27).
//!
//! Two kinds of problem are reproduced:
//! * a value of the wrong JSON type: Go's `encoding/json` message
//!   `json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32`
//!   (only the first one is reported, as Go stops at the first);
//! * unknown fields: `strict decoding error: unknown field "spec.ports[0].prot"` (all of them,
//!   up to sigs.k8s.io/json's limit of [`MAX_STRICT_ERRORS`], repeats once).
//!
//! The field path is quoted as sigs.k8s.io/json quotes it, with Go's `%q`
//! (`fmt.Errorf("unknown field %q", …)` in `internal/golang/encoding/json/decode.go`), so a
//! key's invisible characters show as `\u202e`; a path longer than
//! [`crate::quote::MAX_QUOTED`] bytes is cut with a marker ([`go_quote_capped`]).

use crate::manifest::{Node, Pos, Value};
use crate::quote::go_quote_capped;
use std::collections::{BTreeMap, HashSet};

/// Most strict-decoding errors reported for one object: sigs.k8s.io/json's `saveStrictError`
/// (`internal/golang/encoding/json/kubernetes_patch.go`) stops saving after 100, and saves a
/// message it has already saved only once.
pub const MAX_STRICT_ERRORS: usize = 100;

/// One decoding problem with the field path (Kubernetes form, with indexes) and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeIssue {
    pub path: String,
    pub pos: Pos,
    pub kind: DecodeIssueKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeIssueKind {
    /// Go: `json: cannot unmarshal <json_type> into Go struct field <go_field> of type <go_type>`.
    WrongType {
        json_type: String,
        go_field: String,
        go_type: String,
    },
    /// Strict decoding: `unknown field "<path>"`.
    UnknownField,
    /// Strict decoding: `duplicate field "<path>"`.
    DuplicateField,
}

/// Collects issues while decoding one object.
#[derive(Debug, Default)]
pub struct Cx {
    pub issues: Vec<DecodeIssue>,
}

impl Cx {
    /// The message kube-apiserver puts after `<Kind> in version "<v>" cannot be handled as a
    /// <Kind>: `, or None when decoding succeeded.
    pub fn message(&self) -> Option<String> {
        if let Some(issue) = self
            .issues
            .iter()
            .find(|i| matches!(i.kind, DecodeIssueKind::WrongType { .. }))
        {
            if let DecodeIssueKind::WrongType {
                json_type,
                go_field,
                go_type,
            } = &issue.kind
            {
                return Some(format!(
                    "json: cannot unmarshal {json_type} into Go struct field {go_field} of type {go_type}"
                ));
            }
        }
        let mut strict: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for issue in &self.issues {
            if strict.len() >= MAX_STRICT_ERRORS {
                break;
            }
            let text = match issue.kind {
                DecodeIssueKind::UnknownField => {
                    format!("unknown field {}", go_quote_capped(&issue.path))
                }
                DecodeIssueKind::DuplicateField => {
                    format!("duplicate field {}", go_quote_capped(&issue.path))
                }
                DecodeIssueKind::WrongType { .. } => continue,
            };
            if seen.insert(text.clone()) {
                strict.push(text);
            }
        }
        if strict.is_empty() {
            None
        } else {
            Some(format!("strict decoding error: {}", strict.join(", ")))
        }
    }

    /// Position of the issue the message names first.
    pub fn first_pos(&self) -> Option<(String, Pos)> {
        self.issues
            .iter()
            .find(|i| matches!(i.kind, DecodeIssueKind::WrongType { .. }))
            .or_else(|| self.issues.first())
            .map(|i| (i.path.clone(), i.pos))
    }

    fn wrong_type(&mut self, node: &Node, at: &At, go_type: &str) {
        let json_type = match &node.value {
            Value::Str(_) => "string".to_string(),
            Value::Bool(_) => "bool".to_string(),
            Value::Int(i) => format!("number {i}"),
            Value::Float(f) => format!("number {f}"),
            Value::Seq(_) => "array".to_string(),
            Value::Map(_) => "object".to_string(),
            Value::Null => "null".to_string(),
        };
        // Go names the bare JSON type ("number") when the target is not numeric at all.
        let json_type = if json_type.starts_with("number ")
            && !matches!(go_type, "int32" | "int64" | "int" | "uint16" | "float64")
        {
            "number".to_string()
        } else {
            json_type
        };
        self.issues.push(DecodeIssue {
            path: at.path.clone(),
            pos: node.pos,
            kind: DecodeIssueKind::WrongType {
                json_type,
                go_field: format!("{}.{}", at.go_struct, at.go_path),
                go_type: go_type.to_string(),
            },
        });
    }
}

/// Where a value is: its Kubernetes field path (`spec.ports[0].port`), Go's dotted path without
/// indexes (`spec.ports.port`) and the Go struct that holds the field.
#[derive(Debug, Clone)]
pub struct At {
    pub path: String,
    pub go_path: String,
    pub go_struct: &'static str,
}

impl At {
    pub fn root(go_struct: &'static str) -> Self {
        At {
            path: String::new(),
            go_path: String::new(),
            go_struct,
        }
    }

    fn field(&self, key: &str, go_struct: &'static str) -> At {
        At {
            path: join(&self.path, key),
            go_path: join(&self.go_path, key),
            go_struct,
        }
    }

    fn index(&self, i: usize) -> At {
        At {
            path: format!("{}[{i}]", self.path),
            go_path: self.go_path.clone(),
            go_struct: self.go_struct,
        }
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// A mapping being decoded as a Go struct: read fields by name; `finish` reports the rest.
pub struct Fields<'n> {
    node: &'n Node,
    at: At,
    used: Vec<&'n str>,
}

impl<'n> Fields<'n> {
    /// Start decoding `node` as the Go struct `go_struct`. Null gives None (Go leaves the zero
    /// value); a non-mapping is a type error.
    pub fn open(cx: &mut Cx, node: &'n Node, at: At, go_struct: &'static str) -> Option<Self> {
        match &node.value {
            Value::Map(_) => Some(Fields {
                node,
                at: At { go_struct, ..at },
                used: Vec::new(),
            }),
            Value::Null => None,
            _ => {
                cx.wrong_type(node, &at, &format!("v1.{go_struct}"));
                None
            }
        }
    }

    pub fn at(&self) -> &At {
        &self.at
    }

    pub fn node(&self) -> &'n Node {
        self.node
    }

    /// The raw node of a field (marks it known). Null counts as absent.
    pub fn raw(&mut self, key: &'n str) -> Option<(&'n Node, At)> {
        self.used.push(key);
        let node = self.node.get(key)?;
        if node.is_null() {
            return None;
        }
        Some((node, self.at.field(key, self.at.go_struct)))
    }

    /// Accept a field without decoding it (real API fields svcsim does not simulate).
    pub fn ignore(&mut self, keys: &[&'n str]) {
        self.used.extend_from_slice(keys);
    }

    pub fn string(&mut self, cx: &mut Cx, key: &'n str) -> Option<String> {
        let (node, at) = self.raw(key)?;
        string(cx, node, &at)
    }

    pub fn i32(&mut self, cx: &mut Cx, key: &'n str) -> Option<i32> {
        let (node, at) = self.raw(key)?;
        int::<i32>(cx, node, &at, "int32")
    }

    pub fn i64(&mut self, cx: &mut Cx, key: &'n str) -> Option<i64> {
        let (node, at) = self.raw(key)?;
        int::<i64>(cx, node, &at, "int64")
    }

    pub fn bool(&mut self, cx: &mut Cx, key: &'n str) -> Option<bool> {
        let (node, at) = self.raw(key)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                cx.wrong_type(node, &at, "bool");
                None
            }
        }
    }

    pub fn strings(&mut self, cx: &mut Cx, key: &'n str) -> Option<Vec<String>> {
        let (node, at) = self.raw(key)?;
        list(cx, node, &at, "[]string", string)
    }

    pub fn string_map(&mut self, cx: &mut Cx, key: &'n str) -> Option<BTreeMap<String, String>> {
        let (node, at) = self.raw(key)?;
        string_map(cx, node, &at)
    }

    /// A nested struct field.
    pub fn object<T>(
        &mut self,
        cx: &mut Cx,
        key: &'n str,
        go_struct: &'static str,
        f: impl FnOnce(&mut Cx, Fields<'n>) -> T,
    ) -> Option<T> {
        let (node, at) = self.raw(key)?;
        let fields = Fields::open(cx, node, at, go_struct)?;
        Some(f(cx, fields))
    }

    /// A list of structs.
    pub fn objects<T>(
        &mut self,
        cx: &mut Cx,
        key: &'n str,
        go_struct: &'static str,
        mut f: impl FnMut(&mut Cx, Fields<'n>) -> T,
    ) -> Option<Vec<T>> {
        let (node, at) = self.raw(key)?;
        list(cx, node, &at, &format!("[]v1.{go_struct}"), |cx, n, at| {
            let fields = Fields::open(cx, n, at.clone(), go_struct)?;
            Some(f(cx, fields))
        })
    }

    /// Report every field not read or ignored, and repeated keys, as strict decoding does.
    pub fn finish(self, cx: &mut Cx) {
        if let Value::Map(entries) = &self.node.value {
            let mut seen: Vec<&str> = Vec::new();
            for e in entries {
                if seen.contains(&e.key.as_str()) {
                    cx.issues.push(DecodeIssue {
                        path: join(&self.at.path, &e.key),
                        pos: e.key_pos,
                        kind: DecodeIssueKind::DuplicateField,
                    });
                    continue;
                }
                seen.push(&e.key);
                if !self.used.contains(&e.key.as_str()) {
                    cx.issues.push(DecodeIssue {
                        path: join(&self.at.path, &e.key),
                        pos: e.key_pos,
                        kind: DecodeIssueKind::UnknownField,
                    });
                }
            }
        }
    }
}

pub fn string(cx: &mut Cx, node: &Node, at: &At) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Null => None,
        _ => {
            cx.wrong_type(node, at, "string");
            None
        }
    }
}

pub fn int<T: TryFrom<i64>>(cx: &mut Cx, node: &Node, at: &At, go_type: &str) -> Option<T> {
    match &node.value {
        Value::Int(i) => match T::try_from(*i) {
            Ok(v) => Some(v),
            Err(_) => {
                cx.wrong_type(node, at, go_type);
                None
            }
        },
        // JSON has one number type: 80.0 decodes into an int32 fine, 80.5 does not.
        Value::Float(f) if f.fract() == 0.0 && f.is_finite() && f.abs() < 9.0e15 => {
            match T::try_from(*f as i64) {
                Ok(v) => Some(v),
                Err(_) => {
                    cx.wrong_type(node, at, go_type);
                    None
                }
            }
        }
        Value::Null => None,
        _ => {
            cx.wrong_type(node, at, go_type);
            None
        }
    }
}

pub fn list<'n, T>(
    cx: &mut Cx,
    node: &'n Node,
    at: &At,
    go_type: &str,
    mut f: impl FnMut(&mut Cx, &'n Node, &At) -> Option<T>,
) -> Option<Vec<T>> {
    match &node.value {
        Value::Seq(items) => Some(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| f(cx, n, &at.index(i)))
                .collect(),
        ),
        Value::Null => None,
        _ => {
            cx.wrong_type(node, at, go_type);
            None
        }
    }
}

pub fn string_map(cx: &mut Cx, node: &Node, at: &At) -> Option<BTreeMap<String, String>> {
    match &node.value {
        Value::Map(entries) => {
            let mut m = BTreeMap::new();
            for e in entries {
                let item_at = At {
                    path: format!("{}[{}]", at.path, e.key),
                    go_path: at.go_path.clone(),
                    go_struct: at.go_struct,
                };
                match &e.value.value {
                    Value::Str(s) => {
                        m.insert(e.key.clone(), s.clone());
                    }
                    Value::Null => {
                        m.insert(e.key.clone(), String::new());
                    }
                    _ => cx.wrong_type(&e.value, &item_at, "string"),
                }
            }
            Some(m)
        }
        Value::Null => None,
        _ => {
            cx.wrong_type(node, at, "map[string]string");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse_document;

    #[test]
    fn wrong_type_message_is_gos() {
        let n = parse_document("spec:\n  ports:\n  - port: \"80\"\n", 1).unwrap();
        let mut cx = Cx::default();
        let mut f = Fields::open(&mut cx, &n, At::root("Service"), "Service").unwrap();
        f.object(&mut cx, "spec", "ServiceSpec", |cx, mut s| {
            s.objects(cx, "ports", "ServicePort", |cx, mut p| {
                p.i32(cx, "port");
                p.finish(cx);
            });
            s.finish(cx);
        });
        f.finish(&mut cx);
        assert_eq!(
            cx.message().unwrap(),
            "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32"
        );
        assert_eq!(cx.first_pos().unwrap().1, Pos::new(3, 11));
    }

    #[test]
    fn unknown_fields_are_listed() {
        let n = parse_document("a: 1\nb: 2\nc: 3\n", 1).unwrap();
        let mut cx = Cx::default();
        let mut f = Fields::open(&mut cx, &n, At::root("X"), "X").unwrap();
        f.i32(&mut cx, "a");
        f.finish(&mut cx);
        assert_eq!(
            cx.message().unwrap(),
            "strict decoding error: unknown field \"b\", unknown field \"c\""
        );
    }

    /// What the strict-decoding message makes of hostile keys: a 1 MB key, invisible and
    /// bidirectional characters, an ANSI escape sequence, thousands of unknown fields.
    #[test]
    fn strict_errors_quote_capped_and_count_limited() {
        let decode = |text: &str| {
            let n = parse_document(text, 1).unwrap();
            let mut cx = Cx::default();
            let f = Fields::open(&mut cx, &n, At::root("X"), "X").unwrap();
            f.finish(&mut cx);
            cx.message().unwrap()
        };
        let big = "k".repeat(1 << 20);
        let cases: Vec<(String, String)> = vec![
            (
                format!("? {big}\n: 1\n"),
                format!(
                    "strict decoding error: unknown field \"{}\"... ({} bytes omitted)",
                    "k".repeat(crate::quote::MAX_QUOTED),
                    (1 << 20) - crate::quote::MAX_QUOTED
                ),
            ),
            (
                "\"adm\\u202enim\\u200b\": 1\n".to_string(),
                "strict decoding error: unknown field \"adm\\u202enim\\u200b\"".to_string(),
            ),
            (
                "\"\\e[31mprot\\e[0m\": TCP\n".to_string(),
                "strict decoding error: unknown field \"\\x1b[31mprot\\x1b[0m\"".to_string(),
            ),
            (
                "\"say \\\"hi\\\"\": 1\n".to_string(),
                "strict decoding error: unknown field \"say \\\"hi\\\"\"".to_string(),
            ),
            (
                "a: 1\na: 2\na: 3\n".to_string(),
                "strict decoding error: unknown field \"a\", duplicate field \"a\"".to_string(),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(decode(&text), want);
        }
        let many: String = (0..5000).map(|i| format!("f{i}: 1\n")).collect();
        let message = decode(&many);
        assert_eq!(message.matches("unknown field").count(), MAX_STRICT_ERRORS);
        assert!(
            message.ends_with("unknown field \"f99\""),
            "{}",
            &message[message.len() - 30..]
        );
    }
}
