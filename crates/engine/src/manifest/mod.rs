//! Manifest text → a tree of [`Node`]s, every value with its line and column.
//!
//! This is the only module that knows which YAML parser we use (`saphyr-parser`, event level; see
//! ARCHITECTURE.md for why). Everything later works on [`Node`], which is shaped like the JSON that
//! kubectl sends to the API server (sigs.k8s.io/yaml converts YAML to JSON first), plus positions.
//!
//! Reproduced kubectl behaviour:
//! * a stream is split into documents at lines that start with `---` followed by nothing but
//!   blanks or a comment (apimachinery `yaml.YAMLReader`), so a syntax error in one document does
//!   not hide the others;
//! * plain scalars resolve with YAML 1.1 rules, as go-yaml v2 (used by sigs.k8s.io/yaml) does:
//!   `yes`/`no`/`on`/`off` are booleans, `0777` is octal, `~` is null;
//! * `kind: List` documents (as printed by `kubectl get … -o yaml`) are expanded into their items.
//!
//! No input panics: nesting depth and alias expansion are bounded.

mod tree;

pub use tree::{Entry, Node, Pos, Value};

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// Deepest nesting accepted. Real manifests stay under 20; the bound keeps recursion (building,
/// dropping and walking a tree) far from the stack limit on wasm.
pub const MAX_DEPTH: usize = 100;
/// Largest number of nodes one document may expand to through aliases (a "billion laughs" guard,
/// as go-yaml's "document contains excessive aliasing").
pub const MAX_NODES: usize = 1_000_000;

/// A named piece of manifest text: a file path, `-` for stdin, or an editor buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// Where something is: source name, document index (0-based, in the order of the stream) and
/// the 1-based line and column in the whole source text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub source: String,
    pub doc: usize,
    pub line: u32,
    pub col: u32,
}

impl std::fmt::Display for Location {
    /// `file:line:col`, the form editors and compilers use.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.source, self.line, self.col)
    }
}

/// Why a document could not be turned into a tree.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ManifestError {
    /// YAML/JSON syntax error; the text mirrors kubectl's
    /// `error converting YAML to JSON: yaml: line N: …`.
    #[error("error converting YAML to JSON: yaml: line {}: {message}", pos.line)]
    Syntax { pos: Pos, message: String },
    #[error("error converting YAML to JSON: yaml: line {}: found undefined alias", pos.line)]
    UnknownAlias { pos: Pos },
    #[error("error converting YAML to JSON: yaml: document contains excessive aliasing")]
    ExcessiveAliasing { pos: Pos },
    #[error("error converting YAML to JSON: yaml: line {}: exceeded max depth of {MAX_DEPTH}", pos.line)]
    TooDeep { pos: Pos },
    #[error("error converting YAML to JSON: yaml: line {}: invalid map key: {what}", pos.line)]
    BadKey { pos: Pos, what: String },
    /// A document that is not a mapping (kubectl: `Object 'Kind' is missing in '<text>'`).
    #[error("error unmarshaling JSON: while decoding JSON: Object 'Kind' is missing in '{text}'")]
    NotAnObject { pos: Pos, text: String },
    #[error("Object 'Kind' is missing in '{text}'")]
    MissingKind { pos: Pos, text: String },
    #[error("Object 'apiVersion' is missing in '{text}'")]
    MissingApiVersion { pos: Pos, text: String },
}

impl ManifestError {
    /// Where the error points.
    pub fn pos(&self) -> Pos {
        match self {
            ManifestError::Syntax { pos, .. }
            | ManifestError::UnknownAlias { pos }
            | ManifestError::ExcessiveAliasing { pos }
            | ManifestError::TooDeep { pos }
            | ManifestError::BadKey { pos, .. }
            | ManifestError::NotAnObject { pos, .. }
            | ManifestError::MissingKind { pos, .. }
            | ManifestError::MissingApiVersion { pos, .. } => *pos,
        }
    }
}

/// One YAML document of a stream, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based index of the document in its source.
    pub index: usize,
    /// First line (1-based) of the document's text in the source.
    pub first_line: u32,
    pub root: Node,
}

/// An object found in a document (a `List` contributes one per item).
#[derive(Debug, Clone, PartialEq)]
pub struct RawObject {
    pub api_version: String,
    pub kind: String,
    /// `metadata.name` as written ("" if missing).
    pub name: String,
    /// `metadata.namespace` as written (None if missing).
    pub namespace: Option<String>,
    /// Document index in the source.
    pub doc: usize,
    /// The object's own tree (for a List item: the item).
    pub node: Node,
}

/// The result of reading one source: its objects, in order, and the documents that failed.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub objects: Vec<RawObject>,
    /// (document index, error) for every document that could not be read.
    pub errors: Vec<(usize, ManifestError)>,
}

/// Split a stream into documents the way apimachinery's `YAMLReader` does: a line starting with
/// `---`, whose rest is blank or a comment, ends the current document. Returns (first line,
/// text) for each non-empty document.
fn split_documents(text: &str) -> Vec<(u32, String)> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut first_line: u32 = 1;
    let mut line_no: u32 = 0;
    for line in text.split_inclusive('\n') {
        line_no = line_no.saturating_add(1);
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with('#') {
                docs.push((first_line, std::mem::take(&mut current)));
                first_line = line_no.saturating_add(1);
                continue;
            }
        }
        current.push_str(line);
    }
    docs.push((first_line, current));
    docs.retain(|(_, d)| !is_blank_document(d));
    docs
}

/// A document with nothing but blanks, comments and directives/end markers is skipped, as kubectl
/// skips empty documents.
fn is_blank_document(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "..."
    })
}

/// Parse a whole source (many documents) into objects. Never panics; every failure is reported
/// per document and the other documents are still read.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (index, (first_line, doc_text)) in split_documents(text).into_iter().enumerate() {
        match parse_document(&doc_text, first_line) {
            Ok(root) => collect_objects(index, root, &mut parsed),
            Err(e) => parsed.errors.push((index, e)),
        }
    }
    parsed
}

/// Parse the text of a single document (no `---` splitting) into a tree. `first_line` is the line
/// of the source where this text starts, so positions refer to the whole source.
pub fn parse_document(text: &str, first_line: u32) -> Result<Node, ManifestError> {
    let line_offset = first_line.saturating_sub(1);
    let mut builder = Builder {
        line_offset,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        nodes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    // The parser yields StreamStart, DocumentStart, …; more than one document here can only come
    // from `...` end markers, and later documents are ignored as kubectl's reader would split them.
    let mut documents = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                let m = e.marker();
                return Err(ManifestError::Syntax {
                    pos: Pos::new(
                        to_u32(m.line()).saturating_add(line_offset),
                        to_u32(m.col()).saturating_add(1),
                    ),
                    message: e.info().to_string(),
                });
            }
        };
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    break;
                }
            }
            Event::StreamEnd => break,
            other => builder.event(other, span)?,
        }
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Null,
        pos: Pos::new(first_line, 1),
    }))
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        pending_key: Option<(String, Pos)>,
    },
}

struct Builder {
    line_offset: u32,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    nodes: usize,
}

impl Builder {
    fn pos(&self, span: Span) -> Pos {
        Pos::new(
            to_u32(span.start.line()).saturating_add(self.line_offset),
            to_u32(span.start.col()).saturating_add(1),
        )
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), ManifestError> {
        let pos = self.pos(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| t.suffix.clone());
                let value = resolve_scalar(&text, style, tag.as_deref());
                let node = Node { value, pos };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_node(node)
            }
            Event::SequenceStart(anchor, _) => self.open(Frame::Seq {
                pos,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, _) => self.open(Frame::Map {
                pos,
                anchor,
                entries: Vec::new(),
                pending_key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match frame {
                    Frame::Seq { pos, anchor, items } => (
                        Node {
                            value: Value::Seq(items),
                            pos,
                        },
                        anchor,
                    ),
                    Frame::Map {
                        pos,
                        anchor,
                        entries,
                        ..
                    } => (
                        Node {
                            value: Value::Map(entries),
                            pos,
                        },
                        anchor,
                    ),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_node(node)
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id) else {
                    return Err(ManifestError::UnknownAlias { pos });
                };
                let count = node.count_nodes();
                let node = node.clone();
                self.nodes = self.nodes.saturating_add(count);
                if self.nodes > MAX_NODES {
                    return Err(ManifestError::ExcessiveAliasing { pos });
                }
                if self.stack.len() + node.depth() > MAX_DEPTH {
                    return Err(ManifestError::TooDeep { pos });
                }
                self.push_node(node)
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => Ok(()),
        }
    }

    fn open(&mut self, frame: Frame) -> Result<(), ManifestError> {
        let pos = match &frame {
            Frame::Seq { pos, .. } | Frame::Map { pos, .. } => *pos,
        };
        if self.stack.len() >= MAX_DEPTH {
            return Err(ManifestError::TooDeep { pos });
        }
        // A collection used as a mapping key is not representable in JSON.
        if let Some(Frame::Map {
            pending_key: None, ..
        }) = self.stack.last()
        {
            return Err(ManifestError::BadKey {
                pos,
                what: "a mapping or sequence cannot be a key".to_string(),
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push_node(&mut self, node: Node) -> Result<(), ManifestError> {
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > MAX_NODES {
            return Err(ManifestError::ExcessiveAliasing { pos: node.pos });
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let key = match &node.value {
                        Value::Str(s) => s.clone(),
                        Value::Null => "null".to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(ManifestError::BadKey {
                                pos: node.pos,
                                what: "a mapping or sequence cannot be a key".to_string(),
                            })
                        }
                    };
                    *pending_key = Some((key, node.pos));
                    Ok(())
                }
                Some((key, key_pos)) => {
                    if key == "<<" {
                        // YAML 1.1 merge key (go-yaml supports it): copy entries not already set.
                        merge_into(entries, node, key_pos)
                    } else {
                        entries.push(Entry {
                            key,
                            key_pos,
                            value: node,
                        });
                        Ok(())
                    }
                }
            },
        }
    }
}

fn merge_into(entries: &mut Vec<Entry>, node: Node, pos: Pos) -> Result<(), ManifestError> {
    let sources = match node.value {
        Value::Map(m) => vec![m],
        Value::Seq(items) => {
            let mut maps = Vec::new();
            for item in items {
                match item.value {
                    Value::Map(m) => maps.push(m),
                    _ => {
                        return Err(ManifestError::Syntax {
                            pos,
                            message: "map merge requires map or sequence of maps as the value"
                                .to_string(),
                        })
                    }
                }
            }
            maps
        }
        _ => {
            return Err(ManifestError::Syntax {
                pos,
                message: "map merge requires map or sequence of maps as the value".to_string(),
            })
        }
    };
    for m in sources {
        for e in m {
            if !entries.iter().any(|x| x.key == e.key) {
                entries.push(e);
            }
        }
    }
    Ok(())
}

/// Resolve a scalar to a typed value with go-yaml v2's YAML 1.1 rules (quoted → string).
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    if let Some(tag) = tag {
        match tag {
            "str" => return Value::Str(text.to_string()),
            "int" => {
                if let Some(i) = parse_int(text) {
                    return Value::Int(i);
                }
            }
            "float" => {
                if let Some(f) = parse_float(text) {
                    return Value::Float(f);
                }
            }
            "bool" => {
                if let Some(b) = parse_bool(text) {
                    return Value::Bool(b);
                }
            }
            "null" => return Value::Null,
            _ => {}
        }
    }
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        _ => {}
    }
    if let Some(b) = parse_bool(text) {
        return Value::Bool(b);
    }
    if let Some(i) = parse_int(text) {
        return Value::Int(i);
    }
    if let Some(f) = parse_float(text) {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

/// YAML 1.1 integers: decimal, `0x` hex, `0b` binary, leading-`0` octal, `_` separators.
fn parse_int(text: &str) -> Option<i64> {
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, digits) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    if digits.is_empty() {
        return None;
    }
    let magnitude: i128 = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = digits.strip_prefix("0b") {
        i128::from_str_radix(bin, 2).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i128::from_str_radix(&digits[1..], 8).ok()?
    } else {
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i128>().ok()?
    };
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

fn parse_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    // YAML 1.1 floats need a digit and only number characters (Rust also accepts "inf", "nan").
    let ok = plain.chars().any(|c| c.is_ascii_digit())
        && plain
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !ok {
        return None;
    }
    plain.parse::<f64>().ok()
}

/// Longest document JSON a `… is missing in '<json>'` message quotes whole. apimachinery's
/// `missingKindErr` prints the whole document; svcsim keeps 16 KiB (more than any real object)
/// so a 10 MB line cannot become a 10 MB message.
pub const MAX_DOCUMENT_TEXT: usize = 16 * 1024;

/// The document as those messages quote it: compact JSON, cut at [`MAX_DOCUMENT_TEXT`] bytes
/// with a marker, non-printable runes as Go escapes (`\u202e`; still valid JSON).
fn document_text(node: &Node) -> String {
    let json = node.to_json_compact();
    let kept = crate::quote::truncate(&json, MAX_DOCUMENT_TEXT);
    crate::quote::escape_invisible(&kept).into_owned()
}

/// Take a document's root and add its objects (expanding `kind: List`) to `parsed`.
fn collect_objects(doc: usize, root: Node, parsed: &mut Parsed) {
    if matches!(root.value, Value::Null) {
        return;
    }
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or("");
    if kind == "List" || kind.ends_with("List") && root.get("items").is_some() {
        match root.get("items").map(|n| &n.value) {
            Some(Value::Seq(items)) => {
                for item in items.clone() {
                    match raw_object(doc, item) {
                        Ok(o) => parsed.objects.push(o),
                        Err(e) => parsed.errors.push((doc, e)),
                    }
                }
            }
            Some(Value::Null) | None => {}
            Some(_) => parsed.errors.push((
                doc,
                ManifestError::NotAnObject {
                    pos: root.pos,
                    text: document_text(&root),
                },
            )),
        }
        return;
    }
    match raw_object(doc, root) {
        Ok(o) => parsed.objects.push(o),
        Err(e) => parsed.errors.push((doc, e)),
    }
}

fn raw_object(doc: usize, node: Node) -> Result<RawObject, ManifestError> {
    if !matches!(node.value, Value::Map(_)) {
        return Err(ManifestError::NotAnObject {
            pos: node.pos,
            text: document_text(&node),
        });
    }
    let kind = node.get("kind").and_then(Node::as_str).unwrap_or("");
    if kind.is_empty() {
        return Err(ManifestError::MissingKind {
            pos: node.pos,
            text: document_text(&node),
        });
    }
    let api_version = node.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    if api_version.is_empty() {
        return Err(ManifestError::MissingApiVersion {
            pos: node.pos,
            text: document_text(&node),
        });
    }
    let meta = node.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    let namespace = meta
        .and_then(|m| m.get("namespace"))
        .and_then(Node::as_str)
        .map(str::to_string);
    Ok(RawObject {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name,
        namespace,
        doc,
        node,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_like_kubectl() {
        let text = "a: 1\n---\nb: 2\n--- # comment\n\n---\nc: 3\n---x: 4\n";
        let docs = split_documents(text);
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].0, 1);
        assert_eq!(docs[1].0, 3);
        assert_eq!(docs[2].0, 7);
        assert!(docs[2].1.contains("---x: 4"));
    }

    #[test]
    fn positions_are_absolute_lines() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  ports:\n  - port: 80\n";
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.objects.len(), 2);
        let b = &parsed.objects[1];
        assert_eq!(b.doc, 1);
        assert_eq!(b.name, "b");
        let port = b.node.find_path("spec.ports[0].port").unwrap();
        assert_eq!(port.pos, Pos::new(12, 11));
        assert_eq!(port.value, Value::Int(80));
    }

    #[test]
    fn yaml_1_1_scalars() {
        let n = parse_document(
            "a: yes\nb: off\nc: 0777\nd: 0x1F\ne: '80'\nf: ~\ng: 1.5\nh: abc\ni: 1_000\n",
            1,
        )
        .unwrap();
        assert_eq!(n.get("a").unwrap().value, Value::Bool(true));
        assert_eq!(n.get("b").unwrap().value, Value::Bool(false));
        assert_eq!(n.get("c").unwrap().value, Value::Int(511));
        assert_eq!(n.get("d").unwrap().value, Value::Int(31));
        assert_eq!(n.get("e").unwrap().value, Value::Str("80".into()));
        assert_eq!(n.get("f").unwrap().value, Value::Null);
        assert_eq!(n.get("g").unwrap().value, Value::Float(1.5));
        assert_eq!(n.get("h").unwrap().value, Value::Str("abc".into()));
        assert_eq!(n.get("i").unwrap().value, Value::Int(1000));
    }

    #[test]
    fn json_documents_parse() {
        let parsed = parse(
            r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"ports":[{"port":80}]}}"#,
        );
        assert!(parsed.errors.is_empty());
        assert_eq!(parsed.objects[0].name, "x");
    }

    #[test]
    fn list_is_expanded() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n";
        let parsed = parse(text);
        assert_eq!(parsed.objects.len(), 2);
        assert_eq!(parsed.objects[1].kind, "Pod");
        assert_eq!(parsed.objects[1].node.pos, Pos::new(8, 3));
    }

    #[test]
    fn syntax_error_in_one_document_keeps_others() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\nkind: [\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";
        let parsed = parse(text);
        assert_eq!(parsed.objects.len(), 2);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].0, 1);
        assert!(parsed.errors[0].1.pos().line >= 6);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            text.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        let r = parse_document(&text, 1);
        assert!(
            matches!(r, Err(ManifestError::ExcessiveAliasing { .. })),
            "{r:?}"
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(5000);
        assert!(parse_document(&text, 1).is_err());
        let text = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 5),
            "]".repeat(MAX_DEPTH + 5)
        );
        assert!(matches!(
            parse_document(&text, 1),
            Err(ManifestError::TooDeep { .. })
        ));
    }

    #[test]
    fn missing_kind_is_reported() {
        let parsed = parse("apiVersion: v1\nmetadata:\n  name: a\n");
        assert!(matches!(
            parsed.errors[0].1,
            ManifestError::MissingKind { .. }
        ));
    }

    #[test]
    fn a_huge_line_is_quoted_capped_and_escaped() {
        let line = "a".repeat(10_000_000);
        let parsed = parse(&line);
        let message = parsed.errors[0].1.to_string();
        let json_len = line.len() + 2;
        assert_eq!(
            message,
            format!(
                "error unmarshaling JSON: while decoding JSON: Object 'Kind' is missing in '\"{}... ({} bytes omitted)'",
                "a".repeat(MAX_DOCUMENT_TEXT - 1),
                json_len - MAX_DOCUMENT_TEXT
            )
        );
        let parsed = parse("apiVersion: v1\nmetadata:\n  name: \"x\\u202ey\\u200b\"\n");
        assert_eq!(
            parsed.errors[0].1.to_string(),
            "Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\\u202ey\\u200b\"}}'"
        );
    }

    #[test]
    fn merge_keys() {
        let n = parse_document("base: &b {x: 1, y: 2}\nv:\n  <<: *b\n  y: 3\n", 1).unwrap();
        let v = n.get("v").unwrap();
        assert_eq!(v.get("x").unwrap().value, Value::Int(1));
    }
}
