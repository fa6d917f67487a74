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
//! * `kind: List` documents (as printed by `kubectl get … -o yaml`) are expanded into their items;
//! * aliases and merge keys (`<<`) as go-yaml v2's decoder applies them, with its
//!   `document contains excessive aliasing` guard (see `build`).
//!
//! No input panics, hangs or exhausts memory: nesting depth, nodes, alias expansion and the bytes
//! anchors and aliases copy are bounded, and merging costs one key lookup per merged key.

mod build;
mod tree;

pub use tree::{Entry, Node, Pos, Value};

use build::{Builder, CopyBudget};
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting accepted. Real manifests stay under 20; the bound keeps recursion (building,
/// dropping and walking a tree) far from the stack limit on wasm.
pub const MAX_DEPTH: usize = 100;
/// Largest number of nodes (keys included) one document may expand to through aliases (a
/// "billion laughs" guard, reported as go-yaml's "document contains excessive aliasing"). go-yaml's
/// own ratio already stops most bombs far below it (see `build`).
pub const MAX_NODES: usize = 1_000_000;
/// Fixed part of the bytes one source may copy for anchors and aliases (text, plus 64 bytes a
/// node). go-yaml's alias ratio lets aliases add at most about 400,000 nodes to a document
/// (decode.go: "400,000 decode operations is ~100MB of allocations in worst-case scenarios");
/// at 64 bytes a node that is 25.6 MB, so 32 MiB accepts every document go-yaml accepts whose
/// aliases copy little text. go-yaml needs no byte bound because a Go string is shared by all its
/// aliases; ours are copies, so the text is charged too.
pub const ALIAS_BYTES_ALLOWANCE: usize = 32 << 20;
/// Bytes of copies allowed per byte of the source's text, on top of [`ALIAS_BYTES_ALLOWANCE`]:
/// a large document may copy its own text four times over (real manifests reuse labels, env
/// lists or a pod template: a fraction of their text). One 1 MB scalar aliased 20,000 times (a
/// 1.1 MB file, 20 GB expanded) is refused after about 36 copies, ~38 MB.
pub const ALIAS_BYTES_PER_TEXT_BYTE: usize = 4;

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
    /// go-yaml's message has no line; `pos` is where the alias (or anchor) that broke the
    /// bound is.
    #[error("error converting YAML to JSON: yaml: document contains excessive aliasing")]
    ExcessiveAliasing { pos: Pos },
    /// `<<:` with a value that is not a mapping or a sequence of them (go-yaml v2 `failWantMap`,
    /// whose message has no line either).
    #[error(
        "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"
    )]
    MergeNotMap { pos: Pos },
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
            | ManifestError::MergeNotMap { pos }
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

/// Where splitting a stream into documents has got to, the way apimachinery's `YAMLReader`
/// splits: a line starting with `---`, whose rest is blank or a comment, ends the current
/// document. Documents with nothing but blanks and comments are skipped (kubectl skips them).
#[derive(Debug, Clone, Copy, Default)]
struct DocCursor {
    /// Byte offset of the next line to look at.
    pos: usize,
    /// Lines before `pos`.
    lines: u32,
    /// The last document has been found.
    done: bool,
}

impl DocCursor {
    /// The next non-blank document of `text` as (first line, byte range), or None at the end.
    fn next(&mut self, text: &str) -> Option<(u32, std::ops::Range<usize>)> {
        while !self.done {
            let start = self.pos;
            let first_line = self.lines.saturating_add(1);
            let mut end = text.len();
            let rest = text.get(start..).unwrap_or("");
            let mut separator_end = None;
            for line in rest.split_inclusive('\n') {
                let line_start = self.pos;
                self.pos += line.len();
                self.lines = self.lines.saturating_add(1);
                if let Some(after) = line.strip_prefix("---") {
                    let after = after.trim();
                    if after.is_empty() || after.starts_with('#') {
                        end = line_start;
                        separator_end = Some(self.pos);
                        break;
                    }
                }
            }
            if separator_end.is_none() {
                self.done = true;
            }
            let doc = text.get(start..end).unwrap_or("");
            if !is_blank_document(doc) {
                return Some((first_line, start..end));
            }
        }
        None
    }
}

/// Split a stream into documents (see [`DocCursor`]): (first line, text) of each non-empty one.
#[cfg(test)]
fn split_documents(text: &str) -> Vec<(u32, String)> {
    let mut cursor = DocCursor::default();
    std::iter::from_fn(|| cursor.next(text))
        .map(|(line, range)| (line, text.get(range).unwrap_or("").to_string()))
        .collect()
}

/// The byte range of every non-blank document of `text`, in order: the range of
/// `RawObject::doc` number `i` is the `i`-th (the separator lines are outside every range).
/// For edits of the text that remove a whole object (`kubectl delete` in the page's console).
pub fn document_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut cursor = DocCursor::default();
    std::iter::from_fn(|| cursor.next(text))
        .map(|(_, range)| range)
        .collect()
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
    let mut reader = Reader::new(text);
    reader.read(usize::MAX);
    reader.parsed
}

/// A source read a few documents at a time: [`parse`] reads it at once, the page reads a
/// multi-megabyte paste between animation frames so that no frame waits for all of it. Reading
/// in steps gives exactly what [`parse`] gives.
#[derive(Debug, Clone)]
pub struct Reader {
    text: std::sync::Arc<str>,
    cursor: DocCursor,
    /// Index of the next non-blank document.
    index: usize,
    /// One budget for the whole source: all its documents' trees are kept at once.
    budget: CopyBudget,
    parsed: Parsed,
}

impl Reader {
    pub fn new(text: impl Into<std::sync::Arc<str>>) -> Reader {
        let text = text.into();
        Reader {
            budget: CopyBudget::for_text(&text),
            text,
            cursor: DocCursor::default(),
            index: 0,
            parsed: Parsed::default(),
        }
    }

    /// Read whole documents (at least one) until `bytes` more of the text are read, or to the
    /// end. True when the whole text is read.
    pub fn read(&mut self, bytes: usize) -> bool {
        let stop = self.cursor.pos.saturating_add(bytes);
        let text = self.text.clone();
        while let Some((first_line, range)) = self.cursor.next(&text) {
            let doc = text.get(range).unwrap_or("");
            match parse_document_within(doc, first_line, &mut self.budget) {
                Ok(root) => collect_objects(self.index, root, &mut self.parsed),
                Err(e) => self.parsed.errors.push((self.index, e)),
            }
            self.index += 1;
            if self.cursor.pos >= stop {
                break;
            }
        }
        self.is_done()
    }

    /// Whether the whole text has been read.
    pub fn is_done(&self) -> bool {
        self.cursor.done
    }

    /// Bytes of the text read so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.cursor.pos.min(self.text.len()), self.text.len())
    }

    /// The objects read since the last call (in file order).
    pub fn take_objects(&mut self) -> Vec<RawObject> {
        std::mem::take(&mut self.parsed.objects)
    }

    /// Documents that could not be read so far, as `(document index, error)`.
    pub fn errors(&self) -> &[(usize, ManifestError)] {
        &self.parsed.errors
    }

    /// Read what is left and return the documents that failed (objects: [`Reader::take_objects`]).
    pub fn finish(mut self) -> Parsed {
        self.read(usize::MAX);
        self.parsed
    }
}

/// Parse the text of a single document (no `---` splitting) into a tree. `first_line` is the line
/// of the source where this text starts, so positions refer to the whole source.
pub fn parse_document(text: &str, first_line: u32) -> Result<Node, ManifestError> {
    parse_document_within(text, first_line, &mut CopyBudget::for_text(text))
}

/// [`parse_document`], charging what anchors and aliases copy to `budget`.
fn parse_document_within(
    text: &str,
    first_line: u32,
    budget: &mut CopyBudget,
) -> Result<Node, ManifestError> {
    let line_offset = first_line.saturating_sub(1);
    let mut builder = Builder::new(text, line_offset, budget);
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
    Ok(builder.root().unwrap_or(Node {
        value: Value::Null,
        pos: Pos::new(first_line, 1),
    }))
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
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

    /// Reading a source a few bytes at a time gives what reading it at once gives: the same
    /// objects, errors, document indexes and lines (the page reads big pastes in steps).
    #[test]
    fn reading_in_steps_is_reading_at_once() {
        let text = "---\n# only a comment\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\nkind: [\n---\napiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  apiVersion: v1\n  metadata: {name: p}\n- 7\n--- # end\na: &x [1, 2]\nb: *x\n---\n";
        let whole = parse(text);
        for step in [0, 1, 7, 40, 1 << 20] {
            let mut reader = Reader::new(text);
            let mut objects = Vec::new();
            let mut steps = 0;
            while !reader.read(step) {
                objects.extend(reader.take_objects());
                steps += 1;
                assert!(reader.progress().0 <= text.len());
            }
            objects.extend(reader.take_objects());
            assert_eq!(reader.progress(), (text.len(), text.len()));
            if step < 40 {
                assert!(steps >= 3, "{step}: {steps} steps");
            }
            assert_eq!(objects, whole.objects, "step {step}");
            assert_eq!(reader.finish().errors, whole.errors, "step {step}");
        }
        assert_eq!(whole.objects.len(), 2);
        assert_eq!(whole.errors.len(), 3, "{:?}", whole.errors);
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

    /// The keys of a mapping in order, with their values as compact JSON.
    fn entries(node: &Node) -> Vec<(String, String)> {
        match &node.value {
            Value::Map(entries) => entries
                .iter()
                .map(|e| (e.key.clone(), e.value.to_json_compact()))
                .collect(),
            _ => panic!("not a mapping: {node:?}"),
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn explicit_key_after_a_merge_overrides_it() {
        // go-yaml v2 writes the mapping in document order: the explicit `z` comes last and wins,
        // and the mapping holds one `z`, not a duplicate. (Not `y`: YAML 1.1 reads it as true.)
        let n = parse_document("base: &b {x: 1, z: 2}\nv:\n  <<: *b\n  z: 3\n", 1).unwrap();
        let v = n.get("v").unwrap();
        assert_eq!(entries(v), pairs(&[("x", "1"), ("z", "3")]));
        assert_eq!(v.entry("z").unwrap().key_pos, Pos::new(4, 3));
    }

    #[test]
    fn merge_after_an_explicit_key_overrides_it_as_go_yaml_v2_does() {
        // go.yaml.in/yaml/v2 (what sigs.k8s.io/yaml, and so kubectl, uses) applies `<<` where it
        // is written; v3 and the YAML 1.1 merge spec would keep the explicit `x: 1`.
        let n = parse_document("base: &b {x: 2}\nv:\n  x: 1\n  <<: *b\n  z: 3\n", 1).unwrap();
        assert_eq!(
            entries(n.get("v").unwrap()),
            pairs(&[("x", "2"), ("z", "3")])
        );
    }

    #[test]
    fn merging_a_sequence_earlier_maps_win_and_explicit_keys_win_over_all() {
        // go-yaml's own cases (decode_test.go, mergeTests): e.g. "override" merges BIG, LEFT and
        // SMALL, then writes x explicitly; all equal "plain".
        let text = "anchors:\n- &CENTER {x: 1, \"y\": 2}\n- &LEFT {x: 0, \"y\": 2}\n- &BIG {r: 10}\n- &SMALL {r: 1}\nplain: {x: 1, \"y\": 2, r: 10, label: center/big}\noverride:\n  <<: [*BIG, *LEFT, *SMALL]\n  x: 1\n  label: center/big\nmulti:\n  <<: [*CENTER, *BIG]\n  label: center/big\ninline:\n  <<: [*CENTER, {r: 10}]\n  label: center/big\nshortTag:\n  !!merge \"<<\": [*CENTER, *BIG]\n  label: center/big\n";
        let n = parse_document(text, 1).unwrap();
        let plain = n.get("plain").unwrap().to_json();
        for name in ["override", "multi", "inline", "shortTag"] {
            assert_eq!(n.get(name).unwrap().to_json(), plain, "{name}");
            assert_eq!(entries(n.get(name).unwrap()).len(), 4, "{name}");
        }
    }

    #[test]
    fn merged_and_explicit_keys_decode_without_duplicate_fields() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: &l {app: a, tier: web}\nspec:\n  selector:\n    <<: *l\n    tier: api\n  ports:\n  - &p {port: 80, protocol: TCP}\n  - <<: *p\n    port: 81\n    name: b\n";
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let object = crate::api::decode_object(&parsed.objects[0], "f.yaml");
        assert!(object.is_ok(), "{object:?}");
        let spec = parsed.objects[0].node.get("spec").unwrap();
        assert_eq!(
            entries(spec.get("selector").unwrap()),
            pairs(&[("app", "\"a\""), ("tier", "\"api\"")])
        );
    }

    #[test]
    fn an_explicit_key_written_twice_is_still_kept_twice() {
        // Strict decoding reports the repeat (duplicate field); a merge in between does not hide it.
        let n = parse_document("b: &b {z: 0}\nv:\n  z: 1\n  <<: *b\n  z: 2\n", 1).unwrap();
        assert_eq!(
            entries(n.get("v").unwrap()),
            pairs(&[("z", "0"), ("z", "2")])
        );
    }

    #[test]
    fn a_quoted_merge_key_is_an_ordinary_key() {
        // go-yaml v2 `isMerge`: only a plain `<<` (or one tagged !!merge) merges.
        let n = parse_document("b: &b {x: 1}\nv:\n  \"<<\": *b\n", 1).unwrap();
        assert_eq!(entries(n.get("v").unwrap()), pairs(&[("<<", "{\"x\":1}")]));
    }

    #[test]
    fn merging_what_is_not_a_map_is_refused_with_go_yaml_message() {
        for text in [
            "v:\n  <<: 1\n",
            "v:\n  <<:\n",
            "v:\n  <<: [{a: 1}, 2]\n",
            "v:\n  <<: [[{a: 1}]]\n",
            "s: &s x\nv:\n  <<: *s\n",
            // An alias of a sequence is refused even when its items are maps; only a sequence
            // written in place may list them (go-yaml v2 decode.go, `merge`).
            "s: &s [{a: 1}]\nv:\n  <<: *s\n",
            "s: &s x\nv:\n  <<: [*s]\n",
        ] {
            let e = parse_document(text, 1).unwrap_err();
            assert!(
                matches!(e, ManifestError::MergeNotMap { .. }),
                "{text}: {e:?}"
            );
            assert_eq!(
                e.to_string(),
                "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value",
                "{text}"
            );
        }
        let e = parse_document("a: 1\nv:\n  x: 1\n  <<: 2\n", 1).unwrap_err();
        assert_eq!(e.pos(), Pos::new(4, 3));
        // An empty sequence merges nothing.
        let n = parse_document("v:\n  <<: []\n  x: 1\n", 1).unwrap();
        assert_eq!(entries(n.get("v").unwrap()), pairs(&[("x", "1")]));
    }

    #[test]
    fn a_large_merge_keeps_every_key_once() {
        let mut text = String::from("base: &b\n");
        for i in 0..20_000 {
            text.push_str(&format!("  k{i}: {i}\n"));
        }
        text.push_str("v:\n  k5: explicit\n  <<: *b\n  k7: explicit\n");
        let n = parse_document(&text, 1).unwrap();
        let v = entries(n.get("v").unwrap());
        assert_eq!(v.len(), 20_000);
        assert_eq!(v[0], ("k5".to_string(), "5".to_string()));
        assert!(v.contains(&("k7".to_string(), "\"explicit\"".to_string())));
        assert!(v.contains(&("k19999".to_string(), "19999".to_string())));
    }

    /// `a: &a <size bytes>` then `b: [*a, …]` with `aliases` aliases.
    fn big_anchor(size: usize, aliases: usize) -> String {
        format!(
            "a: &a {}\nb: [{}]\n",
            "x".repeat(size),
            vec!["*a"; aliases].join(", ")
        )
    }

    #[test]
    fn huge_anchor_aliased_many_times_is_refused_before_it_is_copied() {
        // The hostile-input report: one 1 MB scalar aliased 20,000 times (a 1.1 MB file) used to
        // expand to 20 GB. The budget is 32 MiB + 4 × 1.1 MB = 38 MB: the anchor's copy and 35
        // aliases fit, the 36th does not.
        let text = big_anchor(1 << 20, 20_000);
        let e = parse_document(&text, 1).unwrap_err();
        assert!(
            matches!(e, ManifestError::ExcessiveAliasing { .. }),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "error converting YAML to JSON: yaml: document contains excessive aliasing"
        );
        // Line 2, at the first alias that does not fit: after "b: [" and 35 × "*a, ".
        assert_eq!(e.pos(), Pos::new(2, 5 + 35 * 4));
        // The same anchor aliased a few times is an ordinary document.
        let n = parse_document(&big_anchor(1 << 20, 4), 1).unwrap();
        assert_eq!(n.get("b").unwrap().count_nodes(), 5);
    }

    #[test]
    fn the_copy_budget_is_shared_by_the_documents_of_a_source() {
        // Each document copies 5.5 MB (its anchor and 20 aliases of 256 KiB) and is fine alone;
        // ten copy 55 MB, more than the source's budget (32 MiB + 4 × 2.6 MB = 44 MB): the
        // eighth breaks it, and the ones after have nothing left.
        let doc = big_anchor(256 << 10, 20);
        assert!(parse_document(&doc, 1).is_ok());
        let text = vec![doc; 10].join("---\n");
        let refused: Vec<usize> = parse(&text)
            .errors
            .iter()
            .filter(|(_, e)| matches!(e, ManifestError::ExcessiveAliasing { .. }))
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(refused, vec![7, 8, 9]);
    }

    #[test]
    fn go_yaml_alias_ratio_is_reproduced() {
        // go-yaml refuses a document once more than 99% of what its decoder visits comes from
        // aliases (decode.go, allowedAliasRatio): a 1,000-item anchor aliased 150 times is
        // 150,150 visits inside aliases out of ~151,160, far below MAX_NODES and the byte budget.
        let anchor = format!("a: &a [{}]\n", vec!["x"; 1000].join(", "));
        let aliased = |n: usize| format!("{anchor}b: [{}]\n", vec!["*a"; n].join(", "));
        assert!(matches!(
            parse_document(&aliased(150), 1),
            Err(ManifestError::ExcessiveAliasing { .. })
        ));
        // 50 aliases: 50,050 of ~51,060 visits, 98%.
        assert!(parse_document(&aliased(50), 1).is_ok());
    }

    #[test]
    fn anchors_without_aliases_are_not_copied() {
        // A text without `*` has no alias, so its anchors are not kept: 90 nested anchors
        // around a 512 KiB scalar cost nothing more. With a `*` somewhere, each anchor is copied
        // for the aliases that could follow, and 90 nested copies (45 MB) break the budget.
        let mut text = String::new();
        for i in 0..90 {
            text.push_str(&format!("{}k: &a{i}\n", "  ".repeat(i)));
        }
        text.push_str(&format!(
            "{}k: {}\n",
            "  ".repeat(90),
            "x".repeat(512 << 10)
        ));
        assert!(parse_document(&text, 1).is_ok());
        text.push_str("w: \"*.example.com\"\n");
        assert!(matches!(
            parse_document(&text, 1),
            Err(ManifestError::ExcessiveAliasing { .. })
        ));
    }
}
