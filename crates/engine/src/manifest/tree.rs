//! The parsed tree: JSON-shaped values that remember where they were written.

/// 1-based line and column in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
}

/// A value and the position of its first character.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

/// The JSON data model (what sigs.k8s.io/yaml hands to the API server).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in written order; duplicates are kept so strict decoding can report them.
    Map(Vec<Entry>),
}

/// A mapping entry: the key, where the key was written, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    pub fn new(value: Value, pos: Pos) -> Self {
        Node { value, pos }
    }

    /// The value under `key` if this is a mapping (the first one when a key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry under `key` if this is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Follow a Kubernetes field path (`spec.ports[0].nodePort`, `metadata.labels[app]`) and
    /// return the node it names, if present.
    pub fn find_path(&self, path: &str) -> Option<&Node> {
        let mut node = self;
        for step in path_steps(path) {
            node = match step {
                Step::Key(k) => node.get(k)?,
                Step::Index(i) => match &node.value {
                    Value::Seq(items) => items.get(i)?,
                    _ => return None,
                },
            };
        }
        Some(node)
    }

    /// The position an error about `path` should point at: the deepest node of the path that
    /// exists (a missing field points at its parent), or, for a mapping key, the key itself.
    pub fn pos_for_path(&self, path: &str) -> Pos {
        let mut node = self;
        let mut pos = self.pos;
        for step in path_steps(path) {
            let next = match step {
                Step::Key(k) => match node.entry(k) {
                    Some(e) => {
                        // Point at the key (where the line "name: value" starts).
                        pos = e.key_pos;
                        Some(&e.value)
                    }
                    None => None,
                },
                Step::Index(i) => match &node.value {
                    Value::Seq(items) => items.get(i).inspect(|n| pos = n.pos),
                    _ => None,
                },
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        pos
    }

    /// Number of nodes in this tree (for the alias-expansion bound).
    pub fn count_nodes(&self) -> usize {
        1 + match &self.value {
            Value::Seq(items) => items.iter().map(Node::count_nodes).sum(),
            Value::Map(entries) => entries.iter().map(|e| e.value.count_nodes()).sum(),
            _ => 0,
        }
    }

    /// Nesting depth (a scalar is 0).
    pub fn depth(&self) -> usize {
        match &self.value {
            Value::Seq(items) => 1 + items.iter().map(Node::depth).max().unwrap_or(0),
            Value::Map(entries) => 1 + entries.iter().map(|e| e.value.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }

    /// The tree as JSON (positions dropped; for a repeated key the last value wins, as in Go's
    /// encoding/json).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut m = serde_json::Map::new();
                for e in entries {
                    m.insert(e.key.clone(), e.value.to_json());
                }
                J::Object(m)
            }
        }
    }

    /// Compact JSON text, as kubectl quotes an object in "Object 'Kind' is missing in '…'".
    pub fn to_json_compact(&self) -> String {
        self.to_json().to_string()
    }
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Split `a.b[0].c[key]` into steps. A bracketed non-number is a map key (Kubernetes prints
/// `metadata.labels[app]` / `spec.selector[app]`).
fn path_steps(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (head, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !head.is_empty() {
            steps.push(Step::Key(head));
        }
        while let Some(stripped) = rest.strip_prefix('[') {
            let Some(end) = stripped.find(']') else {
                break;
            };
            let inner = &stripped[..end];
            match inner.parse::<usize>() {
                Ok(i) => steps.push(Step::Index(i)),
                Err(_) => steps.push(Step::Key(inner)),
            }
            rest = &stripped[end + 1..];
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse_document;

    #[test]
    fn pos_for_missing_field_points_at_parent() {
        let n = parse_document("spec:\n  ports:\n  - port: 80\n    nodePort: 1\n", 1).unwrap();
        assert_eq!(n.pos_for_path("spec.ports[0].nodePort"), Pos::new(4, 5));
        assert_eq!(n.pos_for_path("spec.ports[0].name"), Pos::new(3, 5));
        assert_eq!(n.pos_for_path("spec.type"), Pos::new(1, 1));
        assert_eq!(n.pos_for_path("spec.ports[7]"), Pos::new(2, 3));
    }
}
