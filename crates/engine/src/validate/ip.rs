//! IP addresses and CIDRs, parsed and checked as kube-apiserver does.
//!
//! Reproduces `k8s.io/apimachinery/pkg/util/validation/ip.go` (`IsValidIP`, `IsValidCIDR`,
//! `IsValidIPv4Address`, `IsValidIPv6Address`), the parsing and family helpers of
//! `k8s.io/utils/net` (`ParseIPSloppy`, `ParseCIDRSloppy`, `IsIPv6String`, `IsDualStack…`), and
//! core's `ValidateNonSpecialIP` / `ValidateEndpointIP` (`pkg/apis/core/validation/validation.go`).
//!
//! IP parsing follows `k8s.io/utils/net.ParseIPSloppy` (Go's pre-1.17 `net.ParseIP`, which still
//! accepts IPv4 octets with leading zeros) because that is what kube-apiserver validates with.

use super::field::{invalid_str, BadValue, ErrorList, FieldError};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `validation.IsValidIP`'s message.
pub const INVALID_IP_MSG: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
/// `validation.IsValidCIDR`'s message.
pub const INVALID_CIDR_MSG: &str =
    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

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

/// Whether an address as written has a decimal octet with a leading zero (`010.1.2.3`, also
/// in an IPv6 address's dotted tail): what Go's `netip.ParseAddr` refuses and `ParseIPSloppy`
/// accepts.
fn has_leading_zero_octet(addr: &str) -> bool {
    let tail = addr.rsplit(':').next().unwrap_or(addr);
    tail.contains('.') && tail.split('.').any(|o| o.len() > 1 && o.starts_with('0'))
}

/// Go's `ip.String()` for a parsed address (IPv6 in RFC 5952 form, as Rust prints it too).
fn canonical_ip(ip: IpAddr) -> String {
    ip.to_string()
}

/// `validation.IsValidIP` in its strict form (apimachinery 0.33, KEP-4858), used by the
/// fields added since (IPAddress names): the sloppy parse first, then no leading zeros, no
/// IPv4-mapped IPv6, and the canonical spelling.
pub fn is_valid_ip_strict(value: &str) -> Vec<String> {
    let Some(ip) = parse_ip_sloppy(value) else {
        return vec![INVALID_IP_MSG.to_string()];
    };
    if has_leading_zero_octet(value) {
        return vec!["must not have leading 0s".to_string()];
    }
    if value.contains(':') && ip.is_ipv4() {
        return vec!["must not be an IPv4-mapped IPv6 address".to_string()];
    }
    let canonical = canonical_ip(ip);
    if value != canonical {
        return vec![format!(
            "must be in canonical form ({})",
            crate::validate::field::go_quote(&canonical)
        )];
    }
    Vec::new()
}

/// `validation.IsValidCIDR` in its strict form (apimachinery 0.33), used by ServiceCIDR's
/// `spec.cidrs`: the sloppy parse first, then no leading zeros (in the address or the prefix
/// length), no IPv4-mapped IPv6, no host bits, and the canonical spelling.
pub fn is_valid_cidr_strict(value: &str) -> Vec<String> {
    let Some(c) = parse_cidr_sloppy(value) else {
        return vec![INVALID_CIDR_MSG.to_string()];
    };
    let (addr, len) = value.split_once('/').unwrap_or((value, ""));
    if has_leading_zero_octet(addr) || (len.len() > 1 && len.starts_with('0')) {
        return vec!["must not have leading 0s in IP or prefix length".to_string()];
    }
    if addr.contains(':') && c.ip.is_ipv4() {
        return vec!["must not have an IPv4-mapped IPv6 address".to_string()];
    }
    if c.ip != c.network {
        return vec!["must not have bits set beyond the prefix length".to_string()];
    }
    let canonical = format!("{}/{}", canonical_ip(c.network), c.prefix);
    if value != canonical {
        return vec![format!(
            "must be in canonical form ({})",
            crate::validate::field::go_quote(&canonical)
        )];
    }
    Vec::new()
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

/// `ValidateEndpointIP` (same messages as `ValidateNonSpecialIP`): no unspecified, loopback,
/// link-local or link-local-multicast addresses as endpoints or external IPs.
pub fn validate_non_special_ip(ip: &str, path: &str) -> ErrorList {
    let Some(addr) = parse_ip_sloppy(ip) else {
        return vec![invalid_str(path, ip, "must be a valid IP address")];
    };
    let mut errs = Vec::new();
    let (unspecified, loopback, link_local, ll_multicast) = match addr {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (
                v4.is_unspecified(),
                o[0] == 127,
                o[0] == 169 && o[1] == 254,
                o[0] == 224 && o[1] == 0 && o[2] == 0,
            )
        }
        IpAddr::V6(v6) => {
            let o = v6.octets();
            (
                v6.is_unspecified(),
                v6.is_loopback(),
                o[0] == 0xfe && (o[1] & 0xc0) == 0x80,
                o[0] == 0xff && (o[1] & 0x0f) == 0x02,
            )
        }
    };
    if unspecified {
        errs.push(invalid_str(
            path,
            ip,
            format!("may not be unspecified ({ip})"),
        ));
    }
    if loopback {
        errs.push(invalid_str(
            path,
            ip,
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        ));
    }
    if link_local {
        errs.push(invalid_str(
            path,
            ip,
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ));
    }
    if ll_multicast {
        errs.push(invalid_str(
            path,
            ip,
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        ));
    }
    errs
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

    proptest::proptest! {
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
}
