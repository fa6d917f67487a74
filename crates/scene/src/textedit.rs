//! Small edits of the editor text that a teaching action makes (`replicas: 4`,
//! `externalTrafficPolicy: Local`, an object deleted in the console), done on the text so the text stays the source of truth: the
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

/// Remove the document that defines the object `kind` `namespace/name` from `text` (with the
/// `---` line that followed it, or else the one before it). None when the text does not define
/// it, or defines it inside a `List` with other objects (removing the document would remove
/// them too; the caller leaves the text alone and says so).
pub fn remove_object(text: &str, kind: &str, namespace: &str, name: &str) -> Option<String> {
    remove_objects(text, &[(kind, namespace, name)])
}

/// [`remove_object`] for many objects at once, reading the text once: `kubectl delete pod -l …`
/// may delete hundreds of pods, and reading the whole text again for each made one command cost
/// seconds. None when the text defines none of them (alone in its document).
pub fn remove_objects(text: &str, objects: &[(&str, &str, &str)]) -> Option<String> {
    if objects.is_empty() {
        return None;
    }
    let wanted: std::collections::HashSet<(&str, &str, &str)> = objects.iter().copied().collect();
    let parsed = manifest::parse(text);
    let mut per_doc: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for o in &parsed.objects {
        *per_doc.entry(o.doc).or_default() += 1;
    }
    let mut docs: Vec<usize> = parsed
        .objects
        .iter()
        .filter(|o| {
            let ns = o.namespace.as_deref().unwrap_or("default");
            wanted.contains(&(o.kind.as_str(), ns, o.name.as_str()))
                && per_doc.get(&o.doc) == Some(&1)
        })
        .map(|o| o.doc)
        .collect();
    if docs.is_empty() {
        return None;
    }
    docs.sort_unstable();
    docs.dedup();
    let ranges = manifest::document_ranges(text);
    let mut out = text.to_string();
    // From the last: the ranges before a removed document stay where they were.
    for doc in docs.into_iter().rev() {
        let range = ranges.get(doc)?;
        out = remove_range(&out, range.start, range.end)?;
    }
    Some(out)
}

/// Remove the document at `start..end` of `text`, with the separator that followed it (or, for
/// the last document, the one before it), so no empty document is left at either end.
fn remove_range(text: &str, start: usize, end: usize) -> Option<String> {
    let (before, after) = (text.get(..start)?, text.get(end..)?);
    let separator = |s: &str| {
        s.strip_prefix("---")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
    };
    let next_line_end = after.find('\n').map_or(after.len(), |i| i + 1);
    if separator(after[..next_line_end].trim_end_matches('\n')) {
        return Some(format!("{before}{}", &after[next_line_end..]));
    }
    let trimmed = before.strip_suffix('\n').unwrap_or(before);
    let last_line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
    if after.trim().is_empty() && separator(&trimmed[last_line_start..]) {
        return Some(format!("{}{after}", &before[..last_line_start]));
    }
    Some(format!("{before}{after}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: team\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\n# the last one\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  ports:\n  - port: 81\n";

    fn names(text: &str) -> Vec<String> {
        manifest::parse(text)
            .objects
            .into_iter()
            .map(|o| format!("{}/{}", o.kind, o.name))
            .collect()
    }

    #[test]
    fn removing_an_object_keeps_the_others_and_their_separators() {
        let first = remove_object(TEXT, "Service", "default", "a").unwrap();
        assert!(first.starts_with("apiVersion: v1\nkind: Pod"), "{first}");
        assert_eq!(names(&first), ["Pod/p", "Service/b"]);

        let middle = remove_object(TEXT, "Pod", "team", "p").unwrap();
        assert_eq!(names(&middle), ["Service/a", "Service/b"]);
        assert_eq!(middle.matches("---").count(), 1, "{middle}");

        let last = remove_object(TEXT, "Service", "default", "b").unwrap();
        assert_eq!(names(&last), ["Service/a", "Pod/p"]);
        assert!(last.ends_with("image: nginx\n"), "{last:?}");
    }

    #[test]
    fn many_objects_removed_at_once_as_one_by_one() {
        let all = [
            ("Service", "default", "a"),
            ("Pod", "team", "p"),
            ("Nope", "default", "x"),
        ];
        let at_once = remove_objects(TEXT, &all).unwrap();
        let mut one_by_one = TEXT.to_string();
        for (k, ns, n) in all {
            if let Some(t) = remove_object(&one_by_one, k, ns, n) {
                one_by_one = t;
            }
        }
        assert_eq!(at_once, one_by_one);
        assert_eq!(names(&at_once), ["Service/b"]);
        let ends = [("Service", "default", "a"), ("Service", "default", "b")];
        assert_eq!(names(&remove_objects(TEXT, &ends).unwrap()), ["Pod/p"]);
        assert_eq!(remove_objects(TEXT, &[("Nope", "default", "x")]), None);
    }

    #[test]
    fn only_the_object_named_in_its_namespace_is_removed() {
        assert_eq!(remove_object(TEXT, "Pod", "default", "p"), None);
        assert_eq!(remove_object(TEXT, "Service", "default", "p"), None);
        let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n";
        assert_eq!(
            remove_object(list, "Service", "default", "a"),
            None,
            "a List holds b too"
        );
    }
}
