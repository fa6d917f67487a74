//! Parser events → [`Node`] tree: the part of kubectl's YAML→JSON step that go-yaml v2's decoder
//! does (go.yaml.in/yaml/v2 `decode.go`, which sigs.k8s.io/yaml calls): aliases are expanded,
//! merge keys (`<<`) applied, and a hostile document is refused before it costs memory or time.
//!
//! Three bounds, each checked *before* the work it bounds:
//! * go-yaml's own alias ratio ([`excessive_aliasing`]), counted the way its decoder counts, so a
//!   document kubectl refuses for aliasing is refused here too;
//! * [`MAX_NODES`] nodes per document and [`MAX_DEPTH`] nesting;
//! * a byte budget for what anchors and aliases copy ([`CopyBudget`]). go-yaml needs none: a Go
//!   string is shared by every alias of it, so one 1 MB scalar aliased 20,000 times costs Go
//!   20,000 small headers. Our tree owns its text, so the same document would copy 20 GB.
//!
//! Every node built carries its [`Cost`], so an alias is priced from its anchor in O(1) and
//! refused before anything is cloned.

use super::tree::{Entry, Node, Pos, Value};
use super::{
    resolve_scalar, to_u32, ManifestError, ALIAS_BYTES_ALLOWANCE, ALIAS_BYTES_PER_TEXT_BYTE,
    MAX_DEPTH, MAX_NODES,
};
use saphyr_parser::{Event, ScalarStyle, Span, Tag};
use std::collections::{BTreeMap, HashMap};

/// What one node is charged besides its text, for the byte budget: about what a mapping entry
/// holding a node takes on a 64-bit host (a fixed figure, not `size_of`, so that native and wasm32
/// refuse exactly the same documents).
const NODE_BYTES: usize = 64;

/// The bytes one source may copy for anchors and aliases. It is shared by all the documents of
/// the source because all their trees are kept at once: a budget per document would let a stream
/// of small documents copy the allowance once each.
#[derive(Debug, Clone)]
pub(super) struct CopyBudget {
    copied: usize,
    limit: usize,
}

impl CopyBudget {
    /// [`ALIAS_BYTES_ALLOWANCE`] plus [`ALIAS_BYTES_PER_TEXT_BYTE`] per byte of `text`.
    pub(super) fn for_text(text: &str) -> Self {
        CopyBudget {
            copied: 0,
            limit: ALIAS_BYTES_ALLOWANCE
                .saturating_add(text.len().saturating_mul(ALIAS_BYTES_PER_TEXT_BYTE)),
        }
    }
}

/// What a subtree costs, known when it is closed so that an alias of it is priced in O(1).
#[derive(Debug, Clone, Copy)]
struct Cost {
    /// Nodes go-yaml's decoder visits to decode the subtree again: itself, keys and values, and
    /// for an alias inside it the alias node plus its anchor's visits.
    decodes: usize,
    /// [`NODE_BYTES`] per node plus the text of its scalars and keys.
    bytes: usize,
    /// Nesting depth, as [`Node::depth`] (a scalar is 0).
    depth: usize,
}

/// An anchored node, kept (as a copy) for its aliases.
struct Anchored {
    node: Node,
    cost: Cost,
}

/// A collection being built: where it starts, its anchor, the builder's counters when it opened
/// (its cost is their growth) and the depth of its deepest child.
struct Open {
    pos: Pos,
    anchor: usize,
    decodes: usize,
    bytes: usize,
    child_depth: usize,
}

enum Frame {
    Seq {
        open: Open,
        items: Vec<Node>,
    },
    Map {
        open: Open,
        entries: Vec<Entry>,
        pending_key: Option<Key>,
        /// Where each key is in `entries`, built on the first merge key only: a mapping without
        /// `<<` never looks a key up, and one with `<<` looks each key up once (O(log n)).
        keys: Option<BTreeMap<String, Slot>>,
    },
}

/// A mapping key read, waiting for its value.
struct Key {
    name: String,
    pos: Pos,
    /// A merge key: a plain `<<` or one tagged `!!merge` (go-yaml v2 `isMerge`: a quoted `"<<"`
    /// is an ordinary key).
    merge: bool,
}

/// Where the entry for a key is and whether the key was written explicitly (not only merged).
#[derive(Debug, Clone, Copy)]
struct Slot {
    index: usize,
    explicit: bool,
}

pub(super) struct Builder<'b> {
    line_offset: u32,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    /// An alias is written `*name`: a text without `*` has none, so its anchors are not copied.
    keep_anchors: bool,
    root: Option<Node>,
    /// go-yaml's `decodeCount`: every node its decoder visits, the document node included.
    decodes: usize,
    /// go-yaml's `aliasCount`: the visits made inside an alias.
    alias_decodes: usize,
    /// Estimated bytes of everything built so far (subtree costs are differences of this).
    bytes: usize,
    budget: &'b mut CopyBudget,
}

impl<'b> Builder<'b> {
    pub(super) fn new(text: &str, line_offset: u32, budget: &'b mut CopyBudget) -> Self {
        Builder {
            line_offset,
            stack: Vec::new(),
            anchors: HashMap::new(),
            keep_anchors: text.contains('*'),
            root: None,
            decodes: 1,
            alias_decodes: 0,
            bytes: 0,
            budget,
        }
    }

    /// The document's root, once every event has been fed.
    pub(super) fn root(self) -> Option<Node> {
        self.root
    }

    fn pos(&self, span: Span) -> Pos {
        Pos::new(
            to_u32(span.start.line()).saturating_add(self.line_offset),
            to_u32(span.start.col()).saturating_add(1),
        )
    }

    pub(super) fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), ManifestError> {
        let pos = self.pos(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(&text, style, anchor, tag.as_deref(), pos)
            }
            Event::SequenceStart(anchor, _) => self.open(pos, anchor, false),
            Event::MappingStart(anchor, _) => self.open(pos, anchor, true),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(id) => self.alias(id, pos),
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => Ok(()),
        }
    }

    /// Whether the next node is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                pending_key: None,
                ..
            })
        )
    }

    /// Whether the next node is the value of a merge key.
    fn expects_merge_value(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                pending_key: Some(Key { merge: true, .. }),
                ..
            })
        )
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        pos: Pos,
    ) -> Result<(), ManifestError> {
        let merge_key = text == "<<"
            && self.expects_key()
            && match tag {
                None => style == ScalarStyle::Plain,
                Some(t) => t.is_yaml_core_schema() && t.suffix == "merge",
            };
        let cost = Cost {
            // go-yaml's decoder applies a merge without visiting its key.
            decodes: usize::from(!merge_key),
            bytes: NODE_BYTES.saturating_add(text.len()),
            depth: 0,
        };
        self.count(cost.decodes, 0, cost.bytes, pos)?;
        let node = Node {
            value: resolve_scalar(text, style, tag.map(|t| t.suffix.as_str())),
            pos,
        };
        self.remember(anchor, &node, cost)?;
        self.push(node, 0, merge_key, false)
    }

    fn open(&mut self, pos: Pos, anchor: usize, map: bool) -> Result<(), ManifestError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ManifestError::TooDeep { pos });
        }
        // A collection used as a mapping key is not representable in JSON.
        if self.expects_key() {
            return Err(ManifestError::BadKey {
                pos,
                what: "a mapping or sequence cannot be a key".to_string(),
            });
        }
        let open = Open {
            pos,
            anchor,
            decodes: self.decodes,
            bytes: self.bytes,
            child_depth: 0,
        };
        // go-yaml merges a sequence of maps by visiting its items, never the sequence itself.
        let visited = map || !self.expects_merge_value();
        self.count(usize::from(visited), 0, NODE_BYTES, pos)?;
        self.stack.push(if map {
            Frame::Map {
                open,
                entries: Vec::new(),
                pending_key: None,
                keys: None,
            }
        } else {
            Frame::Seq {
                open,
                items: Vec::new(),
            }
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), ManifestError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (open, value) = match frame {
            Frame::Seq { open, items } => (open, Value::Seq(items)),
            Frame::Map { open, entries, .. } => (open, Value::Map(entries)),
        };
        let cost = Cost {
            decodes: self.decodes.saturating_sub(open.decodes),
            bytes: self.bytes.saturating_sub(open.bytes),
            depth: open.child_depth.saturating_add(1),
        };
        let node = Node {
            value,
            pos: open.pos,
        };
        self.remember(open.anchor, &node, cost)?;
        self.push(node, cost.depth, false, false)
    }

    fn alias(&mut self, id: usize, pos: Pos) -> Result<(), ManifestError> {
        let Some(cost) = self.anchors.get(&id).map(|a| a.cost) else {
            return Err(ManifestError::UnknownAlias { pos });
        };
        // go-yaml visits the alias node, then the anchored tree again, inside the alias.
        self.count(
            cost.decodes.saturating_add(1),
            cost.decodes,
            cost.bytes,
            pos,
        )?;
        self.charge_copy(cost.bytes, pos)?;
        if self.stack.len().saturating_add(cost.depth) > MAX_DEPTH {
            return Err(ManifestError::TooDeep { pos });
        }
        let Some(node) = self.anchors.get(&id).map(|a| a.node.clone()) else {
            return Err(ManifestError::UnknownAlias { pos });
        };
        self.push(node, cost.depth, false, true)
    }

    /// Count `decodes` more visits (`aliased` of them inside an alias) and `bytes` more built,
    /// and refuse the document when go-yaml would, or when it outgrows [`MAX_NODES`].
    ///
    /// go-yaml checks after every visit; checking after a whole alias refuses the same
    /// documents, because inside an alias the aliased share only grows and the allowed ratio
    /// only shrinks, so a breach at any visit of the alias is still a breach at its end.
    fn count(
        &mut self,
        decodes: usize,
        aliased: usize,
        bytes: usize,
        pos: Pos,
    ) -> Result<(), ManifestError> {
        self.decodes = self.decodes.saturating_add(decodes);
        self.alias_decodes = self.alias_decodes.saturating_add(aliased);
        self.bytes = self.bytes.saturating_add(bytes);
        if self.decodes > MAX_NODES || excessive_aliasing(self.decodes, self.alias_decodes) {
            return Err(ManifestError::ExcessiveAliasing { pos });
        }
        Ok(())
    }

    /// Charge a copy of `bytes` to the source's budget, before it is made.
    fn charge_copy(&mut self, bytes: usize, pos: Pos) -> Result<(), ManifestError> {
        let copied = self.budget.copied.saturating_add(bytes);
        if copied > self.budget.limit {
            return Err(ManifestError::ExcessiveAliasing { pos });
        }
        self.budget.copied = copied;
        Ok(())
    }

    /// Keep a copy of an anchored node for its aliases (only if the text can hold one).
    fn remember(&mut self, anchor: usize, node: &Node, cost: Cost) -> Result<(), ManifestError> {
        if anchor == 0 || !self.keep_anchors {
            return Ok(());
        }
        self.charge_copy(cost.bytes, node.pos)?;
        self.anchors.insert(
            anchor,
            Anchored {
                node: node.clone(),
                cost,
            },
        );
        Ok(())
    }

    /// Put a finished node where it belongs: the root, a sequence item, a mapping key, or the
    /// value of the pending key (merged when that key is `<<`).
    fn push(
        &mut self,
        node: Node,
        depth: usize,
        merge_key: bool,
        via_alias: bool,
    ) -> Result<(), ManifestError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { open, items }) => {
                open.child_depth = open.child_depth.max(depth);
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                open,
                entries,
                pending_key,
                keys,
            }) => {
                open.child_depth = open.child_depth.max(depth);
                match pending_key.take() {
                    None => {
                        *pending_key = Some(Key {
                            name: key_text(&node)?,
                            pos: node.pos,
                            merge: merge_key,
                        });
                        Ok(())
                    }
                    Some(Key {
                        pos, merge: true, ..
                    }) => merge(entries, keys, node, pos, via_alias),
                    Some(Key { name, pos, .. }) => {
                        insert(
                            entries,
                            keys,
                            Entry {
                                key: name,
                                key_pos: pos,
                                value: node,
                            },
                        );
                        Ok(())
                    }
                }
            }
        }
    }
}

/// A scalar key as the JSON key sigs.k8s.io/yaml makes of it.
fn key_text(node: &Node) -> Result<String, ManifestError> {
    Ok(match &node.value {
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
    })
}

/// An explicit `key: value`. Before any merge the entry is appended (a repeated key is kept, so
/// strict decoding reports it as kube-apiserver does); after one, a key that so far was only
/// merged is overridden in place, since go-yaml v2 writes the map in document order and the
/// explicit value is written last.
fn insert(entries: &mut Vec<Entry>, keys: &mut Option<BTreeMap<String, Slot>>, entry: Entry) {
    let Some(keys) = keys else {
        entries.push(entry);
        return;
    };
    match keys.get_mut(entry.key.as_str()) {
        Some(slot) if !slot.explicit => {
            slot.explicit = true;
            if let Some(e) = entries.get_mut(slot.index) {
                *e = entry;
            }
        }
        Some(slot) => {
            slot.index = entries.len();
            entries.push(entry);
        }
        None => {
            keys.insert(
                entry.key.clone(),
                Slot {
                    index: entries.len(),
                    explicit: true,
                },
            );
            entries.push(entry);
        }
    }
}

/// `<<: value`, as go-yaml v2's decoder applies it (decode.go, `merge` and `mapping`): the value
/// must be a mapping, an alias of one, or a sequence written in place whose items are mappings
/// (or aliases of them); anything else is `map merge requires map or sequence of maps as the
/// value`. The merged entries are written into the mapping in document order, so they override
/// the keys written before the `<<` and are overridden by those written after it; the items of a
/// sequence are written last to first, so an earlier mapping wins over a later one.
///
/// Each merged key costs one lookup in `keys`, not a walk over the entries: a 100,000-key
/// mapping merges in linear time.
fn merge(
    entries: &mut Vec<Entry>,
    keys: &mut Option<BTreeMap<String, Slot>>,
    node: Node,
    pos: Pos,
    via_alias: bool,
) -> Result<(), ManifestError> {
    let sources = match node.value {
        Value::Map(m) => vec![m],
        // go-yaml refuses an alias of a sequence here; only one written in place may list maps.
        Value::Seq(items) if !via_alias => items
            .into_iter()
            .map(|item| match item.value {
                Value::Map(m) => Ok(m),
                _ => Err(ManifestError::MergeNotMap { pos }),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(ManifestError::MergeNotMap { pos }),
    };
    let keys = keys.get_or_insert_with(|| {
        entries
            .iter()
            .enumerate()
            .map(|(index, e)| {
                (
                    e.key.clone(),
                    Slot {
                        index,
                        explicit: true,
                    },
                )
            })
            .collect()
    });
    for source in sources.into_iter().rev() {
        for entry in source {
            match keys.get(entry.key.as_str()) {
                Some(slot) => {
                    if let Some(e) = entries.get_mut(slot.index) {
                        *e = entry;
                    }
                }
                None => {
                    keys.insert(
                        entry.key.clone(),
                        Slot {
                            index: entries.len(),
                            explicit: false,
                        },
                    );
                    entries.push(entry);
                }
            }
        }
    }
    Ok(())
}

/// go-yaml's guard against alias expansion (go.yaml.in/yaml/v2 and v3 `decode.go`,
/// `allowedAliasRatio` and its caller `unmarshal`): once more than 100 visits were made inside
/// aliases and more than 1,000 in all, the document is refused when the share of visits made
/// inside aliases exceeds 99% (documents up to 400,000 visits), 10% (from 4,000,000), or the
/// straight line between the two.
fn excessive_aliasing(decodes: usize, aliased: usize) -> bool {
    aliased > 100 && decodes > 1000 && (aliased as f64) / (decodes as f64) > allowed_ratio(decodes)
}

fn allowed_ratio(decodes: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decodes <= LOW {
        0.99
    } else if decodes >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decodes - LOW) as f64 / (HIGH - LOW) as f64)
    }
}
