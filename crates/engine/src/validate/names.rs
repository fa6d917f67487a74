//! Kubernetes' format checks, with its exact messages.
//!
//! Reproduces `k8s.io/apimachinery/pkg/util/validation/validation.go` (DNS labels and subdomains,
//! port names and numbers, `RegexError`), `…/api/validate/content/kube.go` (label keys, a.k.a.
//! "qualified names", and label values) and `…/api/validation/generic.go` (the `NameIs…` name
//! functions used by `ValidateObjectMeta`). IP addresses and CIDRs are checked in [`super::ip`].
//!
//! Each check returns the list of messages Kubernetes would produce, one per violated rule, in
//! Kubernetes' order; an empty list means the value is valid. The regular expressions are
//! written out as small byte matchers (the regexes are anchored and ASCII-only, so a byte walk is
//! exact), which keeps the engine free of a regex dependency and of any panic on odd input.

use super::field::{BadValue, ErrorList, FieldError};

/// `validation.DNS1123LabelMaxLength`.
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;
/// `validation.DNS1123SubdomainMaxLength`.
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// `validation.DNS1035LabelMaxLength`.
pub const DNS1035_LABEL_MAX_LENGTH: usize = 63;
/// `content.LabelValueMaxLength` (also the max length of a label key's name part).
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `validation.MaxLenError`.
pub fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// `validation.EmptyError`.
pub fn empty_error() -> &'static str {
    "must be non-empty"
}

/// `validation.InclusiveRangeError`.
pub fn inclusive_range_error(lo: i64, hi: i64) -> String {
    format!("must be between {lo} and {hi}, inclusive")
}

/// `validation.RegexError`: the message, then the examples and the regex. Each example is
/// followed by `", "` and joined with `" or "`, which is why Kubernetes prints two spaces in
/// `(e.g. 'my-name',  or '123-abc', …)`.
pub fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{fmt}')");
    }
    let mut s = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push('\'');
        s.push_str(e);
        s.push_str("', ");
    }
    s.push_str("regex used for validation is '");
    s.push_str(fmt);
    s.push_str("')");
    s
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
fn matches_dns1123_label(v: &[u8]) -> bool {
    match (v.first(), v.last()) {
        (Some(&f), Some(&l)) => {
            is_lower_alnum(f)
                && is_lower_alnum(l)
                && v.iter().all(|&b| is_lower_alnum(b) || b == b'-')
        }
        _ => false,
    }
}

/// `^<label>(\.<label>)*$`
fn matches_dns1123_subdomain(v: &[u8]) -> bool {
    v.split(|&b| b == b'.').all(matches_dns1123_label)
}

/// `^[a-z]([-a-z0-9]*[a-z0-9])?$`
fn matches_dns1035_label(v: &[u8]) -> bool {
    match (v.first(), v.last()) {
        (Some(&f), Some(&l)) => {
            f.is_ascii_lowercase()
                && is_lower_alnum(l)
                && v.iter().all(|&b| is_lower_alnum(b) || b == b'-')
        }
        _ => false,
    }
}

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`
fn matches_label_key_name(v: &[u8]) -> bool {
    match (v.first(), v.last()) {
        (Some(&f), Some(&l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && v.iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

fn dns1123_label_bytes(value: &[u8]) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            // A valid subdomain but not a label: since the length was checked, it has dots.
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

fn dns1123_subdomain_bytes(value: &[u8]) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_dns1123_subdomain(value) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

fn dns1035_label_bytes(value: &[u8]) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1035_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1035_LABEL_MAX_LENGTH));
    }
    if !matches_dns1035_label(value) {
        errs.push(regex_error(
            DNS1035_LABEL_ERR_MSG,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `validation.IsDNS1123Label`: namespace names, port names, container names, hostnames. A name
/// that would be a valid subdomain gets the newer, shorter `must not contain dots`.
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    dns1123_label_bytes(value.as_bytes())
}

/// `validation.IsDNS1123Subdomain`: most object names, `externalName`, node names.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    dns1123_subdomain_bytes(value.as_bytes())
}

/// `^_?<label-with-underscores>(\._?<label-with-underscores>)*$` where a label is
/// `[a-z0-9]([-_a-z0-9]*[a-z0-9])?`.
fn matches_dns1123_subdomain_with_underscore(v: &[u8]) -> bool {
    v.split(|&b| b == b'.').all(|label| {
        let label = label.strip_prefix(b"_").unwrap_or(label);
        match (label.first(), label.last()) {
            (Some(&f), Some(&l)) => {
                is_lower_alnum(f)
                    && is_lower_alnum(l)
                    && label
                        .iter()
                        .all(|&b| is_lower_alnum(b) || b == b'-' || b == b'_')
            }
            _ => false,
        }
    })
}

/// `validation.IsDNS1123SubdomainWithUnderscore`: pod `dnsConfig.searches` under
/// `RelaxedDNSSearchValidation` (on by default since 1.33), where SRV-style `_tcp` labels occur.
pub fn is_dns1123_subdomain_with_underscore(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_dns1123_subdomain_with_underscore(value.as_bytes()) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character",
            "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*",
            &["example.com"],
        ));
    }
    errs
}

/// `validation.IsDNS1035Label`: Service names (a Service name becomes a DNS label that must not
/// start with a digit).
pub fn is_dns1035_label(value: &str) -> Vec<String> {
    dns1035_label_bytes(value.as_bytes())
}

/// `validation.IsValidPortNum`: 1..=65535.
pub fn is_valid_port_num(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec![inclusive_range_error(1, 65535)]
    }
}

/// `validation.IsValidPortName` (IANA_SVC_NAME, RFC 6335, lower case only): every violated rule
/// is its own message, in this order.
pub fn is_valid_port_name(port: &str) -> Vec<String> {
    let b = port.as_bytes();
    let mut errs = Vec::new();
    if b.len() > 15 {
        errs.push(max_len_error(15));
    }
    // ^[-a-z0-9]+$
    if b.is_empty() || !b.iter().all(|&c| is_lower_alnum(c) || c == b'-') {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    // [a-z] anywhere
    if !b.iter().any(u8::is_ascii_lowercase) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if port.contains("--") {
        errs.push("must not contain consecutive hyphens".to_string());
    }
    if b.first() == Some(&b'-') || b.last() == Some(&b'-') {
        errs.push("must not begin or end with a hyphen".to_string());
    }
    errs
}

fn prefix_each(msgs: Vec<String>, prefix: &str) -> Vec<String> {
    msgs.into_iter().map(|m| format!("{prefix}{m}")).collect()
}

/// `validation.IsQualifiedName` (= `content.IsLabelKey`): an optional DNS-subdomain prefix and
/// `/`, then a name of at most 63 characters. Used for label and annotation keys, `appProtocol`,
/// `loadBalancerClass`, finalizers.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let parts: Vec<&str> = value.split('/').collect();
    let mut errs = Vec::new();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push(format!("prefix part {}", empty_error()));
            } else {
                let msgs = is_dns1123_subdomain(prefix);
                if !msgs.is_empty() {
                    errs.extend(prefix_each(msgs, "prefix part "));
                }
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push(format!("name part {}", empty_error()));
    } else if name.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(format!(
            "name part {}",
            max_len_error(LABEL_VALUE_MAX_LENGTH)
        ));
    }
    if !matches_label_key_name(name.as_bytes()) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR_MSG,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `validation.IsValidLabelValue` (= `content.IsLabelValue`): empty, or a label-key-like name of
/// at most 63 characters.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !matches_label_key_name(value.as_bytes()) {
        errs.push(regex_error(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `validation.IsFullyQualifiedDomainName` (EndpointSlice `addressType: FQDN`): one trailing dot
/// allowed, a DNS subdomain of at least two labels, each label a DNS-1123 label. Messages of one
/// check are joined with `,` into a single error, as Kubernetes does.
pub fn is_fully_qualified_domain_name(path: &str, name: &str) -> ErrorList {
    if name.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let errs = is_dns1123_subdomain(name);
    if !errs.is_empty() {
        return vec![FieldError::invalid(
            path,
            BadValue::str(name),
            errs.join(","),
        )];
    }
    if name.split('.').count() < 2 {
        return vec![FieldError::invalid(
            path,
            BadValue::str(name),
            "should be a domain with at least two segments separated by dots",
        )];
    }
    for label in name.split('.') {
        let errs = is_dns1123_label(label);
        if !errs.is_empty() {
            return vec![FieldError::invalid(
                path,
                BadValue::str(label),
                errs.join(","),
            )];
        }
    }
    Vec::new()
}

/// A `ValidateNameFunc` (`apimachinery/pkg/api/validation/generic.go`): `(name, prefix) ->
/// messages`, where `prefix` means "this is a generateName".
pub type NameFn = fn(&str, bool) -> Vec<String>;

/// `maskTrailingDash`: a generateName may end in `-`, so Kubernetes replaces the last *two*
/// bytes with `a` before checking (byte-wise, as Go slices strings).
fn mask_trailing_dash(name: &[u8]) -> Vec<u8> {
    if name.last() == Some(&b'-') {
        let keep = name.len().saturating_sub(2);
        let mut v: Vec<u8> = name.get(..keep).unwrap_or_default().to_vec();
        v.push(b'a');
        v
    } else {
        name.to_vec()
    }
}

/// `NameIsDNSSubdomain` (Pods, Deployments, ReplicaSets, DaemonSets, Nodes, EndpointSlices).
pub fn name_is_dns_subdomain(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        dns1123_subdomain_bytes(&mask_trailing_dash(name.as_bytes()))
    } else {
        is_dns1123_subdomain(name)
    }
}

/// `NameIsDNSLabel` (Namespaces, StatefulSets).
pub fn name_is_dns_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        dns1123_label_bytes(&mask_trailing_dash(name.as_bytes()))
    } else {
        is_dns1123_label(name)
    }
}

/// `NameIsDNS1035Label` (Services: `ValidateServiceName`).
pub fn name_is_dns1035_label(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        dns1035_label_bytes(&mask_trailing_dash(name.as_bytes()))
    } else {
        is_dns1035_label(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::ip::{is_valid_cidr, is_valid_ip};

    const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    const KEY_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    #[test]
    fn dns_labels() {
        let table: &[(&str, &[&str])] = &[
            ("a", &[]),
            ("my-name", &[]),
            ("123-abc", &[]),
            ("", &[LABEL_MSG]),
            ("-a", &[LABEL_MSG]),
            ("a-", &[LABEL_MSG]),
            ("A", &[LABEL_MSG]),
            ("a_b", &[LABEL_MSG]),
            ("a.b", &["must not contain dots"]),
        ];
        for (v, want) in table {
            assert_eq!(is_dns1123_label(v), *want, "{v:?}");
        }
        let long = "a".repeat(64);
        assert_eq!(
            is_dns1123_label(&long),
            vec!["must be no more than 63 characters".to_string()]
        );
        let long_bad = format!("{}_", "a".repeat(64));
        assert_eq!(
            is_dns1123_label(&long_bad),
            vec![
                "must be no more than 63 characters".to_string(),
                LABEL_MSG.to_string()
            ]
        );
    }

    #[test]
    fn dns_subdomains_and_1035() {
        assert!(is_dns1123_subdomain("my.database.example.com").is_empty());
        assert!(is_dns1123_subdomain("192.0.2.10").is_empty());
        assert_eq!(
            is_dns1123_subdomain("a..b"),
            vec![SUBDOMAIN_MSG.to_string()]
        );
        assert_eq!(
            is_dns1123_subdomain("Foo.com"),
            vec![SUBDOMAIN_MSG.to_string()]
        );
        assert_eq!(is_dns1123_subdomain(""), vec![SUBDOMAIN_MSG.to_string()]);
        let long = format!("{}.com", "a".repeat(250));
        assert_eq!(
            is_dns1123_subdomain(&long),
            vec!["must be no more than 253 characters".to_string()]
        );
        assert!(is_dns1035_label("my-service").is_empty());
        for bad in ["1abc", "my.service", "My", "a-", ""] {
            assert_eq!(
                is_dns1035_label(bad),
                vec![DNS1035_MSG.to_string()],
                "{bad}"
            );
        }
    }

    #[test]
    fn port_names() {
        let table: &[(&str, &[&str])] = &[
            ("http", &[]),
            ("http-alt", &[]),
            ("h2c", &[]),
            ("8080", &["must contain at least one letter (a-z)"]),
            (
                "HTTP",
                &[
                    "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                    "must contain at least one letter (a-z)",
                ],
            ),
            ("a--b", &["must not contain consecutive hyphens"]),
            ("-ab", &["must not begin or end with a hyphen"]),
            (
                "this-is-way-too-long",
                &["must be no more than 15 characters"],
            ),
            (
                "",
                &[
                    "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                    "must contain at least one letter (a-z)",
                ],
            ),
            (
                "--",
                &[
                    "must contain at least one letter (a-z)",
                    "must not contain consecutive hyphens",
                    "must not begin or end with a hyphen",
                ],
            ),
        ];
        for (v, want) in table {
            assert_eq!(is_valid_port_name(v), *want, "{v:?}");
        }
    }

    #[test]
    fn qualified_names_and_label_values() {
        assert!(is_qualified_name("app.kubernetes.io/name").is_empty());
        assert!(is_qualified_name("kubernetes.io/h2c").is_empty());
        assert!(is_qualified_name("example.com/lb").is_empty());
        assert!(is_qualified_name("http").is_empty());
        assert_eq!(
            is_qualified_name("bad name"),
            vec![KEY_NAME_MSG.to_string()]
        );
        assert_eq!(
            is_qualified_name("/x"),
            vec!["prefix part must be non-empty".to_string()]
        );
        assert_eq!(
            is_qualified_name("Example.com/x"),
            vec![format!("prefix part {SUBDOMAIN_MSG}")]
        );
        assert_eq!(
            is_qualified_name("a/"),
            vec![
                "name part must be non-empty".to_string(),
                KEY_NAME_MSG.to_string()
            ]
        );
        assert_eq!(is_qualified_name("a/b/c"), vec!["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string()]);
        assert!(is_valid_label_value("").is_empty());
        assert!(is_valid_label_value("MyApp").is_empty());
        assert_eq!(is_valid_label_value("-x"), vec!["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string()]);
    }

    #[test]
    fn name_functions_mask_a_trailing_dash() {
        assert!(name_is_dns1035_label("web-", true).is_empty());
        assert!(!name_is_dns1035_label("web-", false).is_empty());
        // Go drops two bytes: "a-" becomes "a", still valid; "-" alone becomes "a".
        assert!(name_is_dns_label("-", true).is_empty());
        assert!(name_is_dns_subdomain("my.app-", true).is_empty());
    }

    #[test]
    fn fqdn() {
        assert!(is_fully_qualified_domain_name("f", "example.com.").is_empty());
        assert_eq!(
            is_fully_qualified_domain_name("f", "localhost")[0].to_string(),
            "f: Invalid value: \"localhost\": should be a domain with at least two segments separated by dots"
        );
        assert_eq!(
            is_fully_qualified_domain_name("f", "")[0].to_string(),
            "f: Required value"
        );
    }

    proptest::proptest! {
        /// Every check accepts any text without panicking (the engine's no-panic rule).
        #[test]
        fn checks_never_panic(s in "\\PC{0,80}", bytes in "[-.:/0-9a-fA-F_%é]{0,40}") {
            for v in [s.as_str(), bytes.as_str()] {
                let _ = is_dns1123_label(v);
                let _ = is_dns1123_subdomain(v);
                let _ = is_dns1123_subdomain_with_underscore(v);
                let _ = is_dns1035_label(v);
                let _ = is_valid_port_name(v);
                let _ = is_qualified_name(v);
                let _ = is_valid_label_value(v);
                let _ = is_valid_ip(v);
                let _ = is_valid_cidr(v);
                let _ = is_fully_qualified_domain_name("f", v);
                let _ = name_is_dns1035_label(v, true);
                let _ = name_is_dns_label(v, true);
                let _ = name_is_dns_subdomain(v, true);
            }
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "\u{0}", "é.é", "::::", ":", ".", "/", "1.2.3.4/", "/24", "ffff:", "-", "é-",
        ] {
            let _ = is_dns1123_label(s);
            let _ = is_dns1123_subdomain(s);
            let _ = is_dns1035_label(s);
            let _ = is_valid_port_name(s);
            let _ = is_qualified_name(s);
            let _ = is_valid_label_value(s);
            let _ = is_valid_ip(s);
            let _ = is_valid_cidr(s);
            let _ = name_is_dns1035_label(s, true);
            let _ = name_is_dns_subdomain(s, true);
        }
    }
}
