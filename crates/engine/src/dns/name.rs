//! Domain names: the one place text becomes a DNS name.
//!
//! A resolver (glibc's `ns_name_pton`, musl's `__dn_expand` inverse, `dig`) turns the text a
//! program passed into wire-format labels before it sends anything, and refuses names the wire
//! format cannot carry: an empty label (`a..b`), a label longer than 63 octets, or a name longer
//! than 255 octets on the wire. [`parse_name`] applies exactly those rules and never panics, so
//! every string typed into the UI or the CLI is either a [`Name`] or a [`NameError`] that reads
//! like `dig`'s own complaint (`'a..b.' is not a legal name (empty label)`).

use serde::Serialize;
use std::fmt;

/// Longest label on the wire (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// Longest name on the wire, length octets and the root label included (RFC 1035 §2.3.4).
pub const MAX_NAME_WIRE_LEN: usize = 255;

/// A fully-qualified domain name, kept as typed (DNS preserves case in answers: CoreDNS writes
/// the owner name exactly as the question spelled it) and always printed with its trailing dot.
/// Comparisons that decide anything use [`Name::lower`] or [`Name::eq_ignore_case`], because DNS
/// matching is case-insensitive (RFC 4343).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Name(String);

/// Why text is not a domain name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing to look up.
    #[error("'' is not a legal name (empty name)")]
    Empty,
    /// `a..b`, `.a` or `a..`: a zero-length label anywhere but the root.
    #[error("'{0}' is not a legal name (empty label)")]
    EmptyLabel(String),
    /// A label over 63 octets.
    #[error("'{0}' is not a legal name (label too long)")]
    LabelTooLong(String),
    /// More than 255 octets on the wire.
    #[error("'{0}' is not a legal name (ran out of space)")]
    TooLong(String),
    /// Non-ASCII text. glibc would send the raw UTF-8 octets (or punycode them under `AI_IDN`);
    /// svcsim refuses instead of guessing, as `dig +noidnin` does for names it cannot encode.
    #[error("'{0}' is not a legal name (non-ASCII characters)")]
    NonAscii(String),
    /// Whitespace, a control character or a backslash escape, which the text form would need
    /// master-file escaping for; svcsim does not model escapes.
    #[error("'{0}' is not a legal name (bad character)")]
    BadChar(String),
}

/// Parse `text` (with or without its trailing dot) into a fully-qualified [`Name`].
///
/// Total on every input: long, empty, non-ASCII and hostile strings give a [`NameError`], never
/// a panic, so the function can be fuzzed directly. `.` is the root.
pub fn parse_name(text: &str) -> Result<Name, NameError> {
    if text.is_empty() {
        return Err(NameError::Empty);
    }
    if text == "." {
        return Ok(Name(".".to_string()));
    }
    // Quote at most a bounded prefix in errors, so a megabyte of input gives a short message.
    let shown = || shorten(text);
    if !text.is_ascii() {
        return Err(NameError::NonAscii(shown()));
    }
    if text
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b == b'\\')
    {
        return Err(NameError::BadChar(shown()));
    }
    let body = text.strip_suffix('.').unwrap_or(text);
    let mut wire = 1usize; // the root label's length octet
    for label in body.split('.') {
        if label.is_empty() {
            return Err(NameError::EmptyLabel(shown()));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(NameError::LabelTooLong(shown()));
        }
        wire = wire.saturating_add(label.len() + 1);
    }
    if wire > MAX_NAME_WIRE_LEN {
        return Err(NameError::TooLong(shown()));
    }
    Ok(Name(format!("{body}.")))
}

fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl Name {
    /// The root name `.`.
    pub fn root() -> Name {
        Name(".".to_string())
    }

    /// The text form with its trailing dot, as `dig` prints names.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Without the trailing dot (`my-svc.default.svc.cluster.local`), as people type names.
    pub fn without_dot(&self) -> &str {
        if self.0 == "." {
            "."
        } else {
            self.0.strip_suffix('.').unwrap_or(&self.0)
        }
    }

    /// Lower-cased copy: CoreDNS matches on `state.Name()`, which is the lower-cased qname.
    pub fn lower(&self) -> Name {
        Name(self.0.to_ascii_lowercase())
    }

    /// Labels, left to right (empty for the root).
    pub fn labels(&self) -> Vec<&str> {
        let body = self.without_dot();
        if body == "." {
            Vec::new()
        } else {
            body.split('.').collect()
        }
    }

    /// Case-insensitive equality (RFC 4343).
    pub fn eq_ignore_case(&self, other: &Name) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }

    /// Whether `self` equals `zone` or lies under it (miekg/dns `IsSubDomain(zone, self)`),
    /// comparing whole labels case-insensitively.
    pub fn is_subdomain_of(&self, zone: &Name) -> bool {
        if zone.0 == "." {
            return true;
        }
        let (me, z) = (self.0.to_ascii_lowercase(), zone.0.to_ascii_lowercase());
        me == z || me.ends_with(&format!(".{z}"))
    }

    /// The labels of `self` left of `zone` joined with dots (`dnsutil.TrimZone`); `None` when
    /// `self` is not under `zone`. Lower-cased, as the kubernetes plugin parses `state.Name()`.
    pub fn trim_zone(&self, zone: &Name) -> Option<String> {
        if !self.is_subdomain_of(zone) {
            return None;
        }
        let me = self.0.to_ascii_lowercase();
        let z = zone.0.to_ascii_lowercase();
        if me == z {
            return Some(String::new());
        }
        if z == "." {
            return Some(me.strip_suffix('.').unwrap_or(&me).to_string());
        }
        Some(
            me.strip_suffix(&format!(".{z}"))
                .unwrap_or_default()
                .to_string(),
        )
    }

    /// The trailing `zone.as_str().len()` characters of the name as typed: CoreDNS keeps the
    /// question's case for the zone it answers from (`zone = qname[len(qname)-len(zone):]`).
    pub fn zone_as_asked(&self, zone: &Name) -> Name {
        let n = zone.0.len();
        match self.0.len().checked_sub(n).and_then(|i| self.0.get(i..)) {
            Some(s) if s.eq_ignore_ascii_case(&zone.0) => Name(s.to_string()),
            _ => zone.clone(),
        }
    }

    /// `label.self`, if the result is still a legal name.
    pub fn prepend(&self, label: &str) -> Result<Name, NameError> {
        if self.0 == "." {
            parse_name(label)
        } else {
            parse_name(&format!("{label}.{}", self.0))
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_relative_and_absolute_forms() {
        let a = parse_name("my-svc.default.svc.cluster.local").unwrap();
        let b = parse_name("my-svc.default.svc.cluster.local.").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "my-svc.default.svc.cluster.local.");
        assert_eq!(a.without_dot(), "my-svc.default.svc.cluster.local");
        assert_eq!(a.labels().len(), 5);
        assert_eq!(parse_name(".").unwrap(), Name::root());
        assert!(Name::root().labels().is_empty());
    }

    #[test]
    fn rejects_what_the_wire_format_cannot_carry() {
        assert_eq!(parse_name(""), Err(NameError::Empty));
        assert!(matches!(parse_name("a..b"), Err(NameError::EmptyLabel(_))));
        assert!(matches!(parse_name(".a"), Err(NameError::EmptyLabel(_))));
        assert!(matches!(parse_name("a.."), Err(NameError::EmptyLabel(_))));
        let long_label = "x".repeat(64);
        assert!(matches!(
            parse_name(&long_label),
            Err(NameError::LabelTooLong(_))
        ));
        assert!(parse_name(&"x".repeat(63)).is_ok());
        // 4 labels of 63 = 4*64 + 1 = 257 octets > 255.
        let too_long = vec!["y".repeat(63); 4].join(".");
        assert!(matches!(parse_name(&too_long), Err(NameError::TooLong(_))));
        // 3*64 + 62 = 254 + root = 255: the longest legal name.
        let longest = format!("{}.{}", vec!["y".repeat(63); 3].join("."), "z".repeat(61));
        assert!(parse_name(&longest).is_ok(), "{}", longest.len());
        assert!(matches!(
            parse_name("bücher.de"),
            Err(NameError::NonAscii(_))
        ));
        assert!(matches!(parse_name("a b"), Err(NameError::BadChar(_))));
        assert_eq!(
            parse_name("a..b.").unwrap_err().to_string(),
            "'a..b.' is not a legal name (empty label)"
        );
    }

    #[test]
    fn zone_helpers() {
        let zone = parse_name("cluster.local").unwrap();
        let n = parse_name("My-Svc.Default.svc.Cluster.Local").unwrap();
        assert!(n.is_subdomain_of(&zone));
        assert_eq!(n.trim_zone(&zone).as_deref(), Some("my-svc.default.svc"));
        assert_eq!(n.zone_as_asked(&zone).as_str(), "Cluster.Local.");
        assert!(!parse_name("xcluster.local").unwrap().is_subdomain_of(&zone));
        assert_eq!(zone.trim_zone(&zone).as_deref(), Some(""));
    }

    proptest! {
        #[test]
        fn never_panics_and_round_trips(s in any::<String>()) {
            if let Ok(n) = parse_name(&s) {
                prop_assert_eq!(parse_name(n.as_str()), Ok(n.clone()));
                prop_assert!(n.as_str().len() <= MAX_NAME_WIRE_LEN);
            }
        }

        #[test]
        fn dns_shaped_strings(s in "[a-zA-Z0-9._-]{0,300}") {
            let _ = parse_name(&s);
        }
    }
}
