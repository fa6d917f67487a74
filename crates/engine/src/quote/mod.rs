//! User text inside messages: how Go quotes it, how kubectl keeps it from driving a terminal,
//! and how much of it svcsim shows.
//!
//! Every name, value and key a manifest or a command line carries can reach a message. Three
//! rules decide how it is printed:
//!
//! * **Go's `%q`** (`strconv.Quote`, Go `src/strconv/quote.go`), used by kube-apiserver and
//!   kubectl wherever they quote user text: `field.Error` string values (apimachinery
//!   `pkg/util/validation/field/errors.go`), `services "x" not found` (`api/errors.NewNotFound`),
//!   `The Service "x" is invalid` (kubectl `cmd/util/helpers.go`), `unknown field "x"` (strict
//!   decoding, sigs.k8s.io/json). A rune that Go calls printable ([`is_print`]) is written as is;
//!   `"` and `\` get a backslash; BEL, BS, FF, LF, CR, TAB and VT their C escapes (`\a` … `\v`);
//!   other runes below U+0020 and U+007F `\xNN`; other runes below U+10000 `\uNNNN`; the rest
//!   `\UNNNNNNNN` (lower-case hex). So a right-to-left override prints as `\u202e` and a
//!   zero-width space as `\u200b`: kubectl's error messages cannot be made to lie, and ours
//!   neither ([`go_quote`]).
//! * **kubectl's terminal escaping** (cli-runtime `pkg/printers/terminal.go`, `EscapeTerminal`):
//!   ESC becomes `^[` and CR `\r`, so a value cannot send escape sequences to the terminal.
//!   kubectl applies it to every line of `describe` (`describe.go`, `prefixWriter`) and every
//!   table cell (`tableprinter.go`, which also cuts a cell at its first LF, CR or FF and adds
//!   `...`). svcsim does the same and, going further than kubectl, also shows every other rune
//!   Go calls non-printable as its `%q` escape ([`escape_terminal`]): kubectl prints a
//!   right-to-left override in a table raw, which lets a hostile manifest reorder what a
//!   student reads.
//! * **svcsim's caps**. Kubernetes prints a quoted value whole, however long (field.Error has no
//!   limit; the API server's 3 MiB request limit bounds it in practice). svcsim reads any text,
//!   so what it quotes is cut to [`MAX_QUOTED`] bytes, on a character boundary, and the cut is
//!   marked with how much was left out: `"aaaa…aaaa"... (1047552 bytes omitted)`
//!   ([`go_quote_capped`], [`truncate`]). Cutting first and escaping the kept part keeps an
//!   error about a 10 MB value as cheap as one about a short value. Input shorter than the cap
//!   prints byte for byte as Kubernetes prints it.
//!
//! This module depends on nothing, so every layer (the manifest reader, the decoder, validation,
//! the printers, the CLI) quotes the same way.

mod printable;

use std::borrow::Cow;
use std::fmt::Write;

/// Longest piece of user text (in bytes of the input) a message quotes whole. Longer text is
/// cut at the last character boundary within the limit and followed by [`omitted`]'s marker.
/// Real names and values are far shorter (a DNS subdomain is at most 253 characters), so
/// ordinary messages are never cut.
pub const MAX_QUOTED: usize = 1024;

/// Go's `strconv.IsPrint` (the same set as `unicode.IsPrint`): letters, marks, numbers,
/// punctuation and symbols (Unicode general categories L, M, N, P, S) and the ASCII space,
/// with Unicode 15.0.0 as Go 1.21–1.25 carry it. Controls, format characters (bidirectional
/// overrides U+202A–U+202E and U+2066–U+2069, zero-width U+200B–U+200D, U+FEFF…), separators
/// other than U+0020, private-use and unassigned code points are not printable.
pub fn is_print(c: char) -> bool {
    let u = u32::from(c);
    if u < 0x7f {
        return u >= 0x20;
    }
    printable::PRINTABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < u {
                std::cmp::Ordering::Less
            } else if lo > u {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Go's escape for a rune [`is_print`] refuses (`appendEscapedRune` after the printable test).
fn push_go_escape(out: &mut String, c: char) {
    let u = u32::from(c);
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ if u < 0x20 || u == 0x7f => {
            let _ = write!(out, "\\x{u:02x}");
        }
        _ if u < 0x1_0000 => {
            let _ = write!(out, "\\u{u:04x}");
        }
        _ => {
            let _ = write!(out, "\\U{u:08x}");
        }
    }
}

/// Go's `strconv.Quote`, what `fmt`'s `%q` prints for a string: see the module documentation.
/// Prints the whole of `s`; for user text use [`go_quote_capped`].
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if is_print(c) => out.push(c),
            c => push_go_escape(&mut out, c),
        }
    }
    out.push('"');
    out
}

/// [`go_quote`] of at most [`MAX_QUOTED`] bytes of `s`, then [`omitted`]'s marker when
/// something was cut: `"bbbb…"... (998976 bytes omitted)`. Identical to [`go_quote`] for
/// shorter text; costs O([`MAX_QUOTED`]) for any longer one.
pub fn go_quote_capped(s: &str) -> String {
    let kept = head(s, MAX_QUOTED);
    let mut out = go_quote(kept);
    out.push_str(&omitted(s.len() - kept.len()));
    out
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.get(..cut).unwrap_or("")
}

/// The marker after a cut: `... (N bytes omitted)`, or nothing when nothing was cut.
pub fn omitted(bytes: usize) -> String {
    if bytes == 0 {
        String::new()
    } else {
        format!("... ({bytes} bytes omitted)")
    }
}

/// `s` cut to at most `max` bytes (on a character boundary) with [`omitted`]'s marker; `s`
/// itself when it is short enough. For text svcsim quotes without Go's quotes (a document's
/// JSON in `Object 'Kind' is missing in '…'`, a line of the CLI's output).
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    let kept = head(s, max);
    if kept.len() == s.len() {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("{kept}{}", omitted(s.len() - kept.len())))
    }
}

/// Every rune [`is_print`] refuses, written as `%q` would write it (`\u202e`, `\x1b`, `\n`),
/// without quotes around the text and without escaping `"` or `\`. For user text svcsim
/// places in a message unquoted (a field path built from a manifest's keys, a document's
/// JSON): printable text is unchanged.
pub fn escape_invisible(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(s);
    }
    escape_with(s, |out, c| {
        if is_print(c) {
            false
        } else {
            push_go_escape(out, c);
            true
        }
    })
}

/// Text for a terminal, as kubectl's `EscapeTerminal` writes it (ESC → `^[`, CR → `\r`), and
/// every other rune [`is_print`] refuses as its `%q` escape (`\u202e`, `\x07`), except the
/// line feeds and tabs that lay the text out. Printable text is unchanged, so kubectl's
/// output for ordinary objects stays byte for byte the same.
pub fn escape_terminal(s: &str) -> Cow<'_, str> {
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
    {
        return Cow::Borrowed(s);
    }
    escape_with(s, |out, c| match c {
        '\n' | '\t' => false,
        '\u{1b}' => {
            out.push_str("^[");
            true
        }
        c if is_print(c) => false,
        c => {
            push_go_escape(out, c);
            true
        }
    })
}

/// Copy `s`, letting `escape` write a replacement for a rune (returning true) or keep it;
/// borrows `s` when nothing is replaced.
fn escape_with(s: &str, mut escape: impl FnMut(&mut String, char) -> bool) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    for (i, c) in s.char_indices() {
        let mut scratch = String::new();
        if escape(&mut scratch, c) {
            let buf = out.get_or_insert_with(|| {
                let mut b = String::with_capacity(s.len() + 8);
                b.push_str(s.get(..i).unwrap_or(""));
                b
            });
            buf.push_str(&scratch);
        } else if let Some(buf) = out.as_mut() {
            buf.push(c);
        }
    }
    match out {
        Some(b) => Cow::Owned(b),
        None => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests;
