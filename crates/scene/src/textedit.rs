//! Small edits of the editor text that a teaching action makes (`replicas: 4`,
//! `externalTrafficPolicy: Local`), done on the text so the text stays the source of truth: the
//! edit shows in the editor, survives a reload and goes into a shared link.
//!
//! The engine's parser gives each value's line and column; the edit replaces that scalar on its
//! line, or inserts `field: value` as the first entry of the parent mapping. Anything else (flow
//! mappings, a missing parent) returns None and the caller says so.

use svcsim_engine::manifest::{self, Value};

/// Byte offset of the start of 1-based `line` in `text`.
fn line_start(text: &str, line: u32) -> Option<usize> {
    if line == 0 {
        return None;
    }
    if line == 1 {
        return Some(0);
    }
    text.match_indices('\n')
        .nth(usize::try_from(line).ok()?.checked_sub(2)?)
        .map(|(i, _)| i + 1)
}

/// Byte offset of 1-based (`line`, `col`), `col` counted in characters.
fn offset(text: &str, line: u32, col: u32) -> Option<usize> {
    let start = line_start(text, line)?;
    let rest = text.get(start..)?;
    let col = usize::try_from(col).ok()?.checked_sub(1)?;
    let end_of_line = rest.find('\n').unwrap_or(rest.len());
    let in_line = rest[..end_of_line]
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(end_of_line))
        .nth(col)?;
    Some(start + in_line)
}

/// Set `parent.field` of the object `kind` `namespace/name` in `text` to the plain scalar
/// `value`. Returns the new text, or None if the object or its `parent` mapping is not found.
pub fn set_field(
    text: &str,
    kind: &str,
    namespace: &str,
    name: &str,
    parent: &str,
    field: &str,
    value: &str,
) -> Option<String> {
    let parsed = manifest::parse(text);
    let object = parsed.objects.iter().find(|o| {
        o.kind == kind && o.name == name && o.namespace.as_deref().unwrap_or("default") == namespace
    })?;
    let parent_entry = object.node.entry(parent)?;
    let Value::Map(entries) = &parent_entry.value.value else {
        return None;
    };
    if let Some(entry) = entries.iter().find(|e| e.key == field) {
        let pos = entry.value.pos;
        if pos.line != entry.key_pos.line {
            return None;
        }
        let start = offset(text, pos.line, pos.col)?;
        let rest = text.get(start..)?;
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let value_text = &rest[..line_end];
        // Keep a trailing comment.
        let end = value_text.find(" #").unwrap_or(value_text.len());
        let old = value_text[..end].trim_end();
        let mut out = String::with_capacity(text.len() + value.len());
        out.push_str(&text[..start]);
        out.push_str(value);
        out.push_str(&text[start + old.len()..]);
        return Some(out);
    }
    let first = entries.first()?;
    if first.key_pos.line <= parent_entry.key_pos.line {
        return None;
    }
    let indent = usize::try_from(first.key_pos.col.saturating_sub(1)).ok()?;
    let at = line_start(text, first.key_pos.line)?;
    let mut out = String::with_capacity(text.len() + field.len() + value.len() + indent + 4);
    out.push_str(&text[..at]);
    out.push_str(&" ".repeat(indent));
    out.push_str(field);
    out.push_str(": ");
    out.push_str(value);
    out.push('\n');
    out.push_str(&text[at..]);
    Some(out)
}
