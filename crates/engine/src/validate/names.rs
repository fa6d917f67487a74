//! Kubernetes' format checks, with its exact messages.
//!
//! Reproduces `k8s.io/apimachinery/pkg/util/validation/validation.go` (DNS labels and subdomains,
//! port names and numbers, `RegexError`), `…/api/validate/content/kube.go` (label keys, a.k.a.
//! "qualified names", and label values), `…/util/validation/ip.go` (`IsValidIP`, `IsValidCIDR`)
//! and `…/api/validation/generic.go` (the `NameIs…` name functions used by `ValidateObjectMeta`).
//!
//! Each check returns the list of messages Kubernetes would produce, one per violated rule, in
//! Kubernetes' order; an empty list means the value is valid. The regular expressions are
//! written out as small byte matchers (the regexes are anchored and ASCII-only, so a byte walk is
//! exact), which keeps the engine free of a regex dependency and of any panic on odd input.
//!
//! IP parsing follows `k8s.io/utils/net.ParseIPSloppy` (Go's pre-1.17 `net.ParseIP`, which still
//! accepts IPv4 octets with leading zeros) because that is what kube-apiserver validates with.

use super::field::{BadValue, ErrorList, FieldError};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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

/// `validation.IsValidIP`'s message.
pub const INVALID_IP_MSG: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
/// `validation.IsValidCIDR`'s message.
pub const INVALID_CIDR_MSG: &str =
    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

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

/// `validation.IsValidIP`'s test: the messages for a value `ParseIPSloppy` rejects.
pub fn is_valid_ip(value: &str) -> Vec<String> {
    if parse_ip_sloppy(value).is_some() {
        Vec::new()
    } else {
        vec![INVALID_IP_MSG.to_string()]
    }
}

/// `validation.IsValidCIDR`'s test: the messages for a value `ParseCIDRSloppy` rejects.
pub fn is_valid_cidr(value: &str) -> Vec<String> {
    if parse_cidr_sloppy(value).is_some() {
        Vec::new()
    } else {
        vec![INVALID_CIDR_MSG.to_string()]
    }
}

/// `validation.IsValidIP` as a field error (`Invalid value: "<v>": must be a valid IP address, …`).
pub fn validate_ip(path: &str, value: &str) -> ErrorList {
    is_valid_ip(value)
        .into_iter()
        .map(|m| FieldError::invalid(path, BadValue::str(value), m))
        .collect()
}

/// `validation.IsValidCIDR` as a field error.
pub fn validate_cidr(path: &str, value: &str) -> ErrorList {
    is_valid_cidr(value)
        .into_iter()
        .map(|m| FieldError::invalid(path, BadValue::str(value), m))
        .collect()
}

/// `validation.IsValidIPv4Address` (EndpointSlice `addressType: IPv4`).
pub fn validate_ipv4_address(path: &str, value: &str) -> ErrorList {
    match parse_ip_sloppy(value) {
        Some(IpAddr::V4(_)) => Vec::new(),
        _ => vec![FieldError::invalid(
            path,
            BadValue::str(value),
            "must be a valid IPv4 address",
        )],
    }
}

/// `validation.IsValidIPv6Address` (EndpointSlice `addressType: IPv6`).
pub fn validate_ipv6_address(path: &str, value: &str) -> ErrorList {
    match parse_ip_sloppy(value) {
        Some(IpAddr::V6(_)) => Vec::new(),
        _ => vec![FieldError::invalid(
            path,
            BadValue::str(value),
            "must be a valid IPv6 address",
        )],
    }
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

// ---------------------------------------------------------------------------------------------
// IP parsing as k8s.io/utils/net does it (forked Go net.ParseIP / net.ParseCIDR).
// ---------------------------------------------------------------------------------------------

/// Go's `big`: numbers this large stop `dtoi`/`xtoi`.
const BIG: u32 = 0x00FF_FFFF;

/// Go `dtoi`: decimal digits at the start of `s` (leading zeros allowed). Returns the value and
/// the number of bytes read; None if there is no digit or the value gets too big.
fn dtoi(s: &[u8]) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            break;
        }
        n = n.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
        if n >= BIG {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

/// Go `xtoi`: hexadecimal digits at the start of `s`.
fn xtoi(s: &[u8]) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    for &b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => break,
        };
        n = n.checked_mul(16)?.checked_add(u32::from(d))?;
        if n >= BIG {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

/// Go's forked `parseIPv4`: exactly four decimal octets, leading zeros allowed.
fn parse_ipv4(mut s: &[u8]) -> Option<[u8; 4]> {
    let mut p = [0u8; 4];
    for (i, slot) in p.iter_mut().enumerate() {
        if i > 0 {
            s = s.strip_prefix(b".")?;
        }
        let (n, c) = dtoi(s)?;
        *slot = u8::try_from(n).ok()?;
        s = s.get(c..)?;
    }
    s.is_empty().then_some(p)
}

/// Go's forked `parseIPv6` (RFC 4291 text, `::` once, optional trailing dotted IPv4, no zone).
fn parse_ipv6(mut s: &[u8]) -> Option<[u8; 16]> {
    let mut ip = [0u8; 16];
    let mut ellipsis: Option<usize> = None;
    if let Some(rest) = s.strip_prefix(b"::") {
        ellipsis = Some(0);
        s = rest;
        if s.is_empty() {
            return Some(ip);
        }
    }
    let mut i = 0usize;
    while i < 16 {
        let (n, c) = xtoi(s)?;
        if n > 0xFFFF {
            return None;
        }
        if s.get(c) == Some(&b'.') {
            if ellipsis.is_none() && i != 12 {
                return None;
            }
            if i + 4 > 16 {
                return None;
            }
            let v4 = parse_ipv4(s)?;
            ip.get_mut(i..i + 4)?.copy_from_slice(&v4);
            s = &[];
            i += 4;
            break;
        }
        let [hi, lo] = u16::try_from(n).ok()?.to_be_bytes();
        *ip.get_mut(i)? = hi;
        *ip.get_mut(i + 1)? = lo;
        i += 2;
        s = s.get(c..)?;
        if s.is_empty() {
            break;
        }
        if s.first() != Some(&b':') || s.len() == 1 {
            return None;
        }
        s = s.get(1..)?;
        if s.first() == Some(&b':') {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            s = s.get(1..)?;
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return None;
    }
    if i < 16 {
        let e = ellipsis?;
        let n = 16 - i;
        let mut out = [0u8; 16];
        out.get_mut(..e)?.copy_from_slice(ip.get(..e)?);
        out.get_mut(e + n..)?.copy_from_slice(ip.get(e..i)?);
        ip = out;
    } else if ellipsis.is_some() {
        // The ellipsis must stand for at least one group of zeros.
        return None;
    }
    Some(ip)
}

/// Go's `net.IP.To4` family rule: an IPv4-mapped IPv6 address counts as IPv4.
fn to_ip_addr(bytes: [u8; 16]) -> IpAddr {
    let v6 = Ipv6Addr::from(bytes);
    match v6.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(v6),
    }
}

/// `netutils.ParseIPSloppy`: the IP, or None. IPv4-mapped IPv6 text (`::ffff:1.2.3.4`) comes
/// back as IPv4, matching Go's `To4() != nil` (so `IsIPv6String` is false for it).
pub fn parse_ip_sloppy(s: &str) -> Option<IpAddr> {
    let b = s.as_bytes();
    match b.iter().copied().find(|&c| c == b'.' || c == b':') {
        Some(b'.') => parse_ipv4(b).map(|p| IpAddr::V4(Ipv4Addr::from(p))),
        Some(b':') => parse_ipv6(b).map(to_ip_addr),
        _ => None,
    }
}

/// A CIDR as `netutils.ParseCIDRSloppy` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoCidr {
    /// The address as written (not masked).
    pub ip: IpAddr,
    /// The network address (the IP with the host bits cleared), with Go's family rule.
    pub network: IpAddr,
    pub prefix: u32,
}

impl GoCidr {
    /// `netutils.IsIPv6CIDR`.
    pub fn is_ipv6(&self) -> bool {
        self.network.is_ipv6()
    }
}

/// `netutils.ParseCIDRSloppy`: `addr/len`, the address IPv4 (prefix ≤ 32) or IPv6 (≤ 128).
pub fn parse_cidr_sloppy(s: &str) -> Option<GoCidr> {
    let (addr, mask) = s.split_once('/')?;
    let (bytes, bits): ([u8; 16], u32) = match parse_ipv4(addr.as_bytes()) {
        Some(v4) => (Ipv4Addr::from(v4).to_ipv6_mapped().octets(), 32),
        None => (parse_ipv6(addr.as_bytes())?, 128),
    };
    let (n, used) = dtoi(mask.as_bytes())?;
    if used != mask.len() || n > bits {
        return None;
    }
    // Mask over the last `bits` bits of the 16-byte form.
    let keep = n + (128 - bits);
    let full = u128::from_be_bytes(bytes);
    let masked = if keep >= 128 {
        full
    } else {
        full & !(u128::MAX >> keep)
    };
    let ip = to_ip_addr(bytes);
    let network = if bits == 32 {
        IpAddr::V4(Ipv4Addr::from(
            u32::try_from(masked & 0xFFFF_FFFF).unwrap_or_default(),
        ))
    } else {
        to_ip_addr(masked.to_be_bytes())
    };
    Some(GoCidr {
        ip,
        network,
        prefix: n,
    })
}

/// `netutils.IsIPv6String`: parses, and is not IPv4 (nor IPv4-mapped).
pub fn is_ipv6_string(s: &str) -> bool {
    matches!(parse_ip_sloppy(s), Some(IpAddr::V6(_)))
}

/// `netutils.IsDualStackIPStrings`: all parse, and both families are present. None when one
/// does not parse (Go returns an error).
pub fn is_dual_stack_ip_strings(ips: &[String]) -> Option<bool> {
    let mut v4 = false;
    let mut v6 = false;
    for ip in ips {
        match parse_ip_sloppy(ip)? {
            IpAddr::V4(_) => v4 = true,
            IpAddr::V6(_) => v6 = true,
        }
    }
    Some(v4 && v6)
}

/// `netutils.IsDualStackCIDRStrings`.
pub fn is_dual_stack_cidr_strings(cidrs: &[String]) -> Option<bool> {
    let mut v4 = false;
    let mut v6 = false;
    for c in cidrs {
        if parse_cidr_sloppy(c)?.is_ipv6() {
            v6 = true;
        } else {
            v4 = true;
        }
    }
    Some(v4 && v6)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn ips_parse_like_go() {
        let good = [
            "10.9.8.7",
            "010.001.0.1",
            "2001:db8::ffff",
            "::",
            "::1",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:1.2.3.4",
            "fe80::1",
        ];
        for g in good {
            assert!(is_valid_ip(g).is_empty(), "{g}");
        }
        let bad = [
            "",
            "None",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.4 ",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "1:2:3:4:5:6:7::8:9",
            "1:2:3:4:5:6:7:8::",
            "::1%eth0",
            ":1",
            "1:",
            "12345::1",
            "1.2.3.4/24",
        ];
        for b in bad {
            assert_eq!(is_valid_ip(b), vec![INVALID_IP_MSG.to_string()], "{b}");
        }
        assert_eq!(
            parse_ip_sloppy("010.1.1.1"),
            Some(IpAddr::V4(Ipv4Addr::new(10, 1, 1, 1)))
        );
        assert_eq!(
            parse_ip_sloppy("::ffff:1.2.3.4"),
            Some(IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4)))
        );
        assert!(is_ipv6_string("2001:db8::1"));
        assert!(!is_ipv6_string("::ffff:10.0.0.1"));
        assert_eq!(
            parse_ip_sloppy("1::8"),
            Some(IpAddr::V6("1::8".parse().unwrap()))
        );
    }

    #[test]
    fn cidrs_parse_like_go() {
        for g in [
            "10.0.0.0/8",
            "10.1.2.3/32",
            "0.0.0.0/0",
            "2001:db8::/64",
            "10.0.0.0/08",
        ] {
            assert!(is_valid_cidr(g).is_empty(), "{g}");
        }
        for b in [
            "10.0.0.0",
            "10.0.0.0/33",
            "2001:db8::/129",
            "10.0.0.0/",
            "x/8",
            "10.0.0.0/8 ",
        ] {
            assert_eq!(is_valid_cidr(b), vec![INVALID_CIDR_MSG.to_string()], "{b}");
        }
        let c = parse_cidr_sloppy("10.1.2.3/8").unwrap();
        assert_eq!(c.network, IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)));
        assert!(!c.is_ipv6());
        assert!(parse_cidr_sloppy("fd00::1/64").unwrap().is_ipv6());
        assert_eq!(
            is_dual_stack_cidr_strings(&["10.0.0.0/24".into(), "fd00::/64".into()]),
            Some(true)
        );
        assert_eq!(
            is_dual_stack_ip_strings(&["10.0.0.1".into(), "10.0.0.2".into()]),
            Some(false)
        );
        assert_eq!(is_dual_stack_ip_strings(&["x".into()]), None);
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

        /// Canonical text of any address parses back to it (IPv4-mapped IPv6 as IPv4, as Go's
        /// `To4` sees it).
        #[test]
        fn canonical_ips_round_trip(v4 in proptest::prelude::any::<[u8; 4]>(), v6 in proptest::prelude::any::<[u8; 16]>(), len in 0u32..=128) {
            let a4 = Ipv4Addr::from(v4);
            proptest::prop_assert_eq!(parse_ip_sloppy(&a4.to_string()), Some(IpAddr::V4(a4)));
            let a6 = Ipv6Addr::from(v6);
            proptest::prop_assert_eq!(parse_ip_sloppy(&a6.to_string()), Some(to_ip_addr(v6)));
            let c = parse_cidr_sloppy(&format!("{a6}/{len}"));
            proptest::prop_assert!(c.is_some());
            proptest::prop_assert_eq!(c.map(|c| c.prefix), Some(len));
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
