//! YAML syntax highlighting for the editor: the text becomes HTML spans (`hl-key`, `hl-str`,
//! `hl-num`, `hl-bool`, `hl-comment`, `hl-doc`, `hl-dash`), drawn in a `<pre>` under a
//! transparent `<textarea>`.
//!
//! A line-by-line scanner, not a parser: it only has to colour what people write in manifests
//! (block mappings and sequences, scalars, comments, `---`). Every character of the input is
//! emitted exactly once, escaped, so the `<pre>` lines up with the `<textarea>` to the column.
//! Pure and total: no input can make it panic.
//!
//! Also the editor's gutter ([`gutter_html`]: line numbers, error lines marked with their
//! causes) and the UTF-16 offsets the browser's text selection counts in.

use crate::session::Problem;
use std::fmt::Write;

/// Escape text for HTML element content.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn span(class: &str, text: &str, out: &mut String) {
    if text.is_empty() {
        return;
    }
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    escape(text, out);
    out.push_str("</span>");
}

/// The class of a plain scalar value.
fn scalar_class(v: &str) -> &'static str {
    let t = v.trim();
    if t.starts_with('"') || t.starts_with('\'') {
        return "hl-str";
    }
    match t {
        "true" | "false" | "True" | "False" | "null" | "~" | "yes" | "no" => return "hl-bool",
        _ => {}
    }
    let digits = t.strip_prefix('-').unwrap_or(t);
    if !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
    {
        return "hl-num";
    }
    "hl-val"
}

/// Split `s` at the start of a comment (`#` at the start or after a blank, outside quotes).
fn split_comment(s: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let mut prev_blank = true;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev_blank => return (&s[..i], &s[i..]),
            None => {}
        }
        prev_blank = c == ' ' || c == '\t';
    }
    (s, "")
}

/// Where a mapping key ends (`key: value` / `key:` at the end), outside quotes.
fn key_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && i == 0 => quote = Some(c),
            None if c == ':' => {
                let next = bytes.get(i + 1).copied();
                if next.is_none() || next == Some(b' ') || next == Some(b'\t') {
                    return Some(i);
                }
            }
            None if c == '{' || c == '[' => return None,
            None => {}
        }
    }
    None
}

fn line_html(line: &str, out: &mut String) {
    if line.starts_with("---") || line.starts_with("...") {
        span("hl-doc", line, out);
        return;
    }
    let (code, comment) = split_comment(line);
    let indent = code.len() - code.trim_start().len();
    out.push_str(&code[..indent]);
    let mut rest = &code[indent..];
    // Sequence dashes (`- `, possibly several: `- - a`).
    while let Some(after) = rest.strip_prefix('-') {
        if after.is_empty() || after.starts_with(' ') {
            span("hl-dash", "-", out);
            let blanks = after.len() - after.trim_start().len();
            out.push_str(&after[..blanks]);
            rest = &after[blanks..];
        } else {
            break;
        }
    }
    match key_end(rest) {
        Some(end) => {
            span("hl-key", &rest[..end], out);
            out.push(':');
            let value = &rest[end + 1..];
            let blanks = value.len() - value.trim_start().len();
            out.push_str(&value[..blanks]);
            let v = &value[blanks..];
            span(scalar_class(v), v, out);
        }
        None => span(scalar_class(rest), rest, out),
    }
    span("hl-comment", comment, out);
}

/// The highlighted HTML for a whole text (newlines kept, one trailing newline added so a
/// final empty line still has height, as in the textarea).
pub fn to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2 + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        line_html(line, &mut out);
    }
    out.push('\n');
    out
}

/// The text without markup (for tests: highlighting must keep every character).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut entity = String::new();
    let mut in_entity = false;
    for c in html.chars() {
        if in_tag {
            in_tag = c != '>';
            continue;
        }
        if in_entity {
            if c == ';' {
                out.push(match entity.as_str() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    _ => '?',
                });
                entity.clear();
                in_entity = false;
            } else {
                entity.push(c);
            }
            continue;
        }
        match c {
            '<' => in_tag = true,
            '&' => in_entity = true,
            _ => out.push(c),
        }
    }
    out
}

/// The gutter: one line number per line, error lines marked (with the causes as a tooltip).
/// Linear in lines + causes: a paste with ten thousand errors must not cost lines × errors.
pub fn gutter_html(lines: usize, problems: &[Problem]) -> String {
    let mut by_line: std::collections::BTreeMap<u32, Vec<&str>> = Default::default();
    for p in problems {
        if p.causes.is_empty() {
            by_line.entry(p.line).or_default().push(&p.message);
        }
        for (l, t) in &p.causes {
            by_line.entry(*l).or_default().push(t);
        }
    }
    let mut out = String::with_capacity(lines * 8);
    for n in 1..=lines.max(1) {
        let line = u32::try_from(n).unwrap_or(u32::MAX);
        let causes = by_line.get(&line).map(Vec::as_slice).unwrap_or(&[]);
        if causes.is_empty() {
            let _ = writeln!(out, "{n}");
        } else {
            out.push_str("<span class=\"gutter-err\" title=\"");
            escape(&causes.join("\n"), &mut out);
            let _ = writeln!(out, "\">{n}</span>");
        }
    }
    out
}

/// UTF-16 offset (what `setSelectionRange` counts) of the start of 1-based `line` (the end of
/// the text if it has fewer lines).
pub fn line_offset_utf16(text: &str, line: u32) -> u32 {
    let mut current = 1u32;
    let mut units = 0u32;
    for c in text.chars() {
        if current >= line {
            break;
        }
        if c == '\n' {
            current += 1;
        }
        units = units.saturating_add(u32::try_from(c.len_utf16()).unwrap_or(1));
    }
    units
}

/// `text` with the UTF-16 range `start..end` (a text area's selection) replaced by `insert`:
/// what pasting over the selection gives. Offsets past the end, or reversed, are clamped.
pub fn splice_utf16(text: &str, start: u32, end: u32, insert: &str) -> String {
    let byte_at = |units: u32| {
        let mut seen = 0u32;
        for (i, c) in text.char_indices() {
            if seen >= units {
                return i;
            }
            seen = seen.saturating_add(u32::try_from(c.len_utf16()).unwrap_or(1));
        }
        text.len()
    };
    let (a, b) = (byte_at(start), byte_at(end.max(start)));
    let mut out = String::with_capacity(text.len() - (b - a) + insert.len());
    out.push_str(text.get(..a).unwrap_or(""));
    out.push_str(insert);
    out.push_str(text.get(b..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn pasting_over_a_utf16_selection() {
        assert_eq!(super::splice_utf16("abc", 1, 2, "XY"), "aXYc");
        // 'é' is one UTF-16 unit, '😀' two: offsets count units, not bytes.
        assert_eq!(super::splice_utf16("é😀z", 1, 3, "-"), "é-z");
        assert_eq!(super::splice_utf16("ab", 5, 9, "!"), "ab!");
        assert_eq!(super::splice_utf16("ab", 2, 0, "!"), "ab!");
        assert_eq!(super::splice_utf16("", 0, 0, "x"), "x");
    }

    use super::*;

    #[test]
    fn keeps_every_character() {
        let samples = [
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service # the name\n",
            "spec:\n  ports:\n  - port: 80\n    targetPort: \"http\" # a:b\n---\nkind: <x> & y\n",
            "- - a\n-\n- 'q # not a comment'\nkey:value\n{a: 1}\n\u{e9}t\u{e9}: \u{fc}\n",
            "",
            "\r\n:\n#\n-x\n",
        ];
        for s in samples {
            let html = to_html(s);
            let back = strip_tags(&html);
            assert_eq!(back, format!("{}\n", s.replace('\r', "")), "{html}");
        }
    }

    #[test]
    fn classes() {
        let html = to_html("metadata:\n  name: web # c\n  port: 80\n  ok: true\n---\n- x: 'y'\n");
        assert!(
            html.contains("<span class=\"hl-key\">metadata</span>:"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-val\">web </span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-comment\"># c</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-num\">80</span>"), "{html}");
        assert!(
            html.contains("<span class=\"hl-bool\">true</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-doc\">---</span>"), "{html}");
        assert!(html.contains("<span class=\"hl-dash\">-</span> <span class=\"hl-key\">x</span>: <span class=\"hl-str\">&#39;y&#39;</span>") || html.contains("<span class=\"hl-str\">'y'</span>"), "{html}");
    }
}
