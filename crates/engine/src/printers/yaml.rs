//! `kubectl get -o yaml`: sigs.k8s.io/yaml, i.e. go-yaml v2 marshalling the JSON form of the
//! object. A small emitter over `serde_json::Value`, so no YAML crate is needed.
//!
//! Reproduced go-yaml v2 behaviour:
//! * mapping keys sorted; 2-space indentation; a block sequence under a key is *not* indented
//!   (`ports:\n- port: 80`); empty mappings/sequences print as `{}`/`[]`;
//! * a string that would read back as something else under YAML 1.1 (`"80"`, `"true"`, `"no"`,
//!   `"null"`, `""`, `"1:20"`, `"2026-01-01T00:00:00Z"`) is double-quoted;
//! * a string that cannot be a plain scalar (leading/trailing space, `: `, ` #`, a leading
//!   indicator such as `*`, `&`, `[`, `- `) is single-quoted; one with non-printable characters
//!   is double-quoted with escapes;
//! * a long plain or single-quoted string is folded at a space past column 80 (`best_width`),
//!   its next line indented under its key;
//! * a multi-line string is a literal block (`|-` without, `|` with a final newline), falling
//!   back to double quotes where a block could not round-trip.

use serde_json::Value;
use std::fmt::Write as _;

/// Render `value` as kubectl's YAML printer does (ends with a newline).
pub fn to_kubectl_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => emit_map(&mut out, m, 0, false),
        Value::Array(a) if !a.is_empty() => emit_seq(&mut out, a, 0, false),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn spaces(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn emit_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize, inline: bool) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for (i, key) in keys.into_iter().enumerate() {
        if !(inline && i == 0) {
            spaces(out, indent);
        }
        out.push_str(&string_scalar(key));
        out.push(':');
        let Some(v) = map.get(key.as_str()) else {
            out.push('\n');
            continue;
        };
        match v {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                emit_map(out, m, indent + 2, false);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                emit_seq(out, a, indent, false);
            }
            other => emit_inline(out, other, indent),
        }
    }
}

fn emit_seq(out: &mut String, seq: &[Value], indent: usize, inline: bool) {
    for (i, item) in seq.iter().enumerate() {
        if !(inline && i == 0) {
            spaces(out, indent);
        }
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                out.push(' ');
                emit_map(out, m, indent + 2, true);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push(' ');
                emit_seq(out, a, indent + 2, true);
            }
            other => emit_inline(out, other, indent),
        }
    }
}

/// A scalar (or empty collection) after `key:` or `-`: ` value\n`, or a literal block whose
/// lines are indented two more than `indent`.
fn emit_inline(out: &mut String, v: &Value, indent: usize) {
    if let Value::String(s) = v {
        if let Some(chomp) = literal_chomping(s) {
            out.push_str(" |");
            out.push_str(chomp);
            out.push('\n');
            let body = s.strip_suffix('\n').unwrap_or(s);
            for line in body.split('\n') {
                if !line.is_empty() {
                    spaces(out, indent + 2);
                    out.push_str(line);
                }
                out.push('\n');
            }
            return;
        }
    }
    out.push(' ');
    let text = scalar(v);
    if matches!(v, Value::String(_)) && !text.starts_with('"') {
        let column = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
        fold(out, &text, column, indent + 2);
    } else {
        out.push_str(&text);
    }
    out.push('\n');
}

/// go-yaml v2's `best_width`: a plain or single-quoted scalar breaks at a space once the line
/// is longer than this.
const BEST_WIDTH: usize = 80;

/// Write a plain or single-quoted scalar starting at `column` as go-yaml v2 does
/// (`yaml_emitter_write_plain_scalar` / `…_single_quoted_scalar` with breaks allowed): at the
/// first of a run of spaces, past column 80 and not before another space (nor as the first or
/// last character of a quoted scalar), the space becomes a line break indented to `indent`.
fn fold(out: &mut String, text: &str, mut column: usize, indent: usize) {
    let quoted = text.starts_with('\'');
    let chars: Vec<char> = text.chars().collect();
    let mut after_space = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let inside = !quoted || (i > 1 && i + 2 < chars.len());
            if !after_space && column > BEST_WIDTH && inside && chars.get(i + 1) != Some(&' ') {
                out.push('\n');
                spaces(out, indent);
                column = indent;
            } else {
                out.push(c);
                column += 1;
            }
            after_space = true;
        } else {
            out.push(c);
            column += 1;
            after_space = false;
        }
    }
}

/// The chomping indicator when `s` is printed as a literal block (`-` strip, `` clip), or None
/// when it must not be (no line break, or something a literal block cannot carry unambiguously).
fn literal_chomping(s: &str) -> Option<&'static str> {
    if !s.contains('\n') {
        return None;
    }
    let body = s.strip_suffix('\n').unwrap_or(s);
    let chomp = if s.ends_with('\n') { "" } else { "-" };
    let ok = !body.is_empty()
        && !body.ends_with('\n')
        && !body.starts_with(' ')
        && !body.starts_with('\n')
        && body.chars().all(|c| c == '\n' || is_printable(c))
        && !body.contains(['\r', '\u{85}', '\u{2028}', '\u{2029}'])
        && body.split('\n').all(|l| !l.ends_with(' '));
    ok.then_some(chomp)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_scalar(s),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

/// go-yaml v2 `printable`: what may appear unescaped in a scalar.
fn is_printable(c: char) -> bool {
    matches!(u32::from(c),
        0x0A | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0x10000..=0x10FFFF)
        || (matches!(u32::from(c), 0xE000..=0xFFFD) && c != '\u{FEFF}')
}

/// A string as go-yaml v2 prints it: plain, 'single-quoted' or "double-quoted".
fn string_scalar(s: &str) -> String {
    let special = s.chars().any(|c| !is_printable(c) || c == '\n');
    if special || resolves_to_non_string(s) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "''"))
}

/// Whether the plain scalar `s` would be read as a bool, null, number, timestamp or merge key by
/// a YAML 1.1 reader (go-yaml v2 `resolve`), or is a base-60 float (`isBase60Float`).
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let Some(first) = s.chars().next() else {
        return true;
    };
    if first == '.' {
        return is_yaml_float(s);
    }
    if !(first.is_ascii_digit() || first == '+' || first == '-') {
        return false;
    }
    if is_timestamp(s) || is_base60(s) {
        return true;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    let body = plain
        .strip_prefix('+')
        .or_else(|| plain.strip_prefix('-'))
        .unwrap_or(&plain);
    let radix = |p: &str, ok: fn(char) -> bool| {
        body.get(2..)
            .filter(|_| body.len() > 2 && body.get(..2).is_some_and(|x| x.eq_ignore_ascii_case(p)))
            .is_some_and(|d| d.chars().all(ok))
    };
    radix("0x", |c| c.is_ascii_hexdigit())
        || radix("0o", |c| ('0'..='7').contains(&c))
        || radix("0b", |c| c == '0' || c == '1')
        || is_yaml_float(&plain)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60(s: &str) -> bool {
    let body = s
        .strip_prefix('+')
        .or_else(|| s.strip_prefix('-'))
        .unwrap_or(s);
    let (main, frac) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if frac.is_some_and(|f| !f.chars().all(|c| c.is_ascii_digit() || c == '_')) {
        return false;
    }
    let mut parts = main.split(':');
    let Some(head) = parts.next() else {
        return false;
    };
    let head_ok = head.chars().next().is_some_and(|c| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mut n = 0;
    for p in parts {
        n += 1;
        let ok = match p.as_bytes() {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    head_ok && n > 0
}

/// go-yaml v2 `parseTimestamp` accepts `YYYY-M-D` optionally followed by a time.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    let rest = s.get(5..).unwrap_or("");
    let mut it = rest.splitn(3, '-');
    let month = it.next().unwrap_or("");
    let day_and_more = it.next().unwrap_or("");
    if it.next().is_some() && !day_and_more.contains(['T', 't', ' ']) {
        return false;
    }
    let day: String = day_and_more
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let after = day_and_more.get(day.len()..).unwrap_or("");
    (1..=2).contains(&month.len())
        && month.chars().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&day.len())
        && (after.is_empty() || after.starts_with(['T', 't', ' ']))
}

/// go-yaml's `yaml_emitter_analyze_scalar`, block context: may `s` be written plain?
fn plain_allowed(s: &str) -> bool {
    if s.is_empty() || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    let blank = |c: Option<&char>| c.is_none_or(|c| *c == ' ' || *c == '\t' || *c == '\n');
    if chars.first() == Some(&' ') || chars.last() == Some(&' ') {
        return false;
    }
    for (i, c) in chars.iter().enumerate() {
        let followed_by_ws = blank(chars.get(i + 1));
        let preceded_by_ws = i == 0 || blank(chars.get(i - 1));
        if i == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(*c) {
                return false;
            }
            if (*c == '?' || *c == ':' || *c == '-') && followed_by_ws {
                return false;
            }
        } else {
            if *c == ':' && followed_by_ws {
                return false;
            }
            if *c == '#' && preceded_by_ws {
                return false;
            }
        }
    }
    true
}

/// go-yaml's double-quoted style.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0b' => out.push_str("\\v"),
            '\x0c' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\x1b' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if is_printable(c) => out.push(c),
            c => {
                let n = u32::from(c);
                let _ = if n <= 0xFF {
                    write!(out, "\\x{n:02X}")
                } else if n <= 0xFFFF {
                    write!(out, "\\u{n:04X}")
                } else {
                    write!(out, "\\U{n:08X}")
                };
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_layout() {
        let v = json!({
            "spec": {"ports": [{"port": 80, "protocol": "TCP"}], "selector": {"app": "web"}},
            "apiVersion": "v1",
            "status": {"loadBalancer": {}},
            "list": [[1, 2], []],
        });
        assert_eq!(
            to_kubectl_yaml(&v),
            "apiVersion: v1\nlist:\n- - 1\n  - 2\n- []\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n  selector:\n    app: web\nstatus:\n  loadBalancer: {}\n"
        );
    }

    #[test]
    fn quoting() {
        let cases = [
            ("web", "web"),
            ("80", "\"80\""),
            ("true", "\"true\""),
            ("no", "\"no\""),
            ("", "\"\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("1.5", "\"1.5\""),
            ("1e3", "\"1e3\""),
            ("0x1F", "\"0x1F\""),
            ("1_000", "\"1_000\""),
            ("1:20", "\"1:20\""),
            ("2026-01-01T00:00:00Z", "\"2026-01-01T00:00:00Z\""),
            ("10.96.0.1", "10.96.0.1"),
            (
                "172.18.255.200-172.18.255.250",
                "172.18.255.200-172.18.255.250",
            ),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("a: b", "'a: b'"),
            ("a:b", "a:b"),
            ("x #y", "'x #y'"),
            ("x#y", "x#y"),
            ("*star", "'*star'"),
            ("- dash", "'- dash'"),
            ("-dash", "-dash"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            ("tab\there", "\"tab\\there\""),
            ("app.kubernetes.io/name", "app.kubernetes.io/name"),
            ("<none>", "<none>"),
            ("8.8.8.8:53", "8.8.8.8:53"),
        ];
        for (s, want) in cases {
            assert_eq!(string_scalar(s), want, "{s:?}");
        }
    }

    #[test]
    fn literal_blocks() {
        let v = json!({"a": "x\ny", "b": "x\ny\n", "c": " x\ny", "d": ["p\nq"]});
        assert_eq!(
            to_kubectl_yaml(&v),
            "a: |-\n  x\n  y\nb: |\n  x\n  y\nc: \" x\\ny\"\nd:\n- |-\n  p\n  q\n"
        );
    }

    /// kubernetes/website `extend-service-ip-ranges.md`: a condition's message folded at 80.
    #[test]
    fn long_strings_fold_past_column_80() {
        let v = json!({"status": {"conditions": [{
            "message": "There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR",
            "type": "Ready",
        }]}});
        assert_eq!(
            to_kubectl_yaml(&v),
            "status:\n  conditions:\n  - message: There are still IPAddresses referencing the ServiceCIDR, please remove\n      them or create a new ServiceCIDR\n    type: Ready\n"
        );
        let long = "word ".repeat(30) + "end";
        let text =
            to_kubectl_yaml(&json!({"a": long, "b": format!("'{long}"), "c": "x".repeat(100)}));
        // A word longer than the line is never cut.
        assert!(
            text.lines().all(|l| l.len() <= 90 || l.starts_with("c: ")),
            "{text}"
        );
        let back = crate::manifest::parse(&format!("apiVersion: v1\nkind: X\n{text}"));
        assert!(back.errors.is_empty(), "{text}");
        let json = back.objects[0].node.to_json();
        assert_eq!(json["a"], json!(long), "{text}");
        assert_eq!(json["b"], json!(format!("'{long}")), "{text}");
    }

    #[test]
    fn round_trips_through_the_manifest_parser() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "x", "labels": {"a": "", "b": "80", "c": "yes", "d": "a: b"}},
            "data": {"k": "line1\nline2", "e": " lead", "f": "x #y", "g": "1:20", "h": "*x", "i": "é\u{1}"},
            "list": [{"a": 1, "b": [true, null]}, [1, [2]], {}],
        });
        let text = to_kubectl_yaml(&v);
        let parsed = crate::manifest::parse(&text);
        assert!(parsed.errors.is_empty(), "{text}\n{:?}", parsed.errors);
        let back = parsed.objects[0].node.to_json();
        assert_eq!(back, v, "{text}");
    }
}
