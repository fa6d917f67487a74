//! LoadBalancer addresses: MetalLB's allocator over its `IPAddressPool`s, and the validating
//! webhook that refuses a pool MetalLB could not use.
//!
//! MetalLB walks the pools in order and gives the lowest free address of the first pool that has
//! one (pools with `autoAssign: false` only serve explicit requests). A Service may ask for a
//! specific address with `spec.loadBalancerIP` (deprecated) or the `metallb.io/loadBalancerIPs`
//! annotation.
//!
//! Like MetalLB (`internal/allocator/allocator.go`, `getIPFromCIDR`), a pool hands out every
//! address it covers, the network and broadcast addresses of a CIDR included, unless
//! `avoidBuggyIPs` asks it to skip those ending in `.0` and `.255`. svcsim departs from MetalLB
//! in one place: addresses no host can answer at — 0.0.0.0/8 (RFC 1122 "this network", with
//! the unspecified 0.0.0.0), 127.0.0.0/8 (loopback), 224.0.0.0/4 (multicast) and
//! 255.255.255.255 — are never handed out, so a `0.0.0.0/0` pool (valid for MetalLB, which
//! would announce 0.0.0.0) starts at 1.0.0.0.

use crate::api::setup::IpAddressPool;
use crate::config::{parse_go_cidr, GoCidr};
use crate::ipv4::{parse_ipv4, Cidr};
use crate::validate::field::go_quote;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

/// One pool, flattened to inclusive address ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub name: String,
    pub ranges: Vec<(u32, u32)>,
    pub auto_assign: bool,
    pub avoid_buggy_ips: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LbAllocator {
    pub pools: Vec<Pool>,
    used: BTreeSet<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LbAllocError {
    /// MetalLB's event text when no pool has a free address.
    #[error("no available IPs")]
    Exhausted,
    /// Go's `%q` of the requested `[]net.IP`.
    #[error("[\"{0}\"] is not allowed in config")]
    NotInPool(String),
    #[error("\"{0}\" is already in use")]
    InUse(String),
    /// MetalLB's `checkSharing`: the address is held by Services this one may not share it
    /// with (no `metallb.io/allow-shared-ip`, another key, or another backend).
    #[error("can't change sharing key for \"{service}\", address also in use by {others}")]
    SharingKey { service: String, others: String },
    /// MetalLB's `checkSharing`: a Service sharing the address already uses this port.
    #[error("port {port} is already in use on \"{ip}\"")]
    PortInUse { port: String, ip: String },
    /// `AllocateFromPool` with a pool no `IPAddressPool` defines.
    #[error("unknown pool \"{0}\"")]
    UnknownPool(String),
    /// `AllocateFromPool` when the named pool has no free address.
    #[error("no available IPs in pool \"{0}\"")]
    PoolExhausted(String),
}

/// The name of MetalLB's validating webhook for `IPAddressPool`s, as the API server quotes it
/// in a denial.
pub const POOL_WEBHOOK: &str = "ipaddresspoolvalidationwebhook.metallb.io";

/// The namespace MetalLB reads its configuration from.
pub const METALLB_NAMESPACE: &str = "metallb-system";

/// Why MetalLB's webhook denies a pool: its message, and the field of the pool being applied
/// it is about (for the error's line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolDenied {
    pub message: String,
    pub field: String,
}

/// One entry of `spec.addresses`, read as MetalLB's `config.ParseCIDR` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// IPv4: the inclusive range, and the prefixes that cover it exactly (MetalLB's
    /// `ipaddr.Summarize`, which its overlap check and messages use).
    V4 {
        range: (u32, u32),
        prefixes: Vec<Cidr>,
    },
    /// A valid IPv6 (or mixed) entry: accepted, but svcsim only hands out IPv4 addresses.
    Other,
}

/// Go's `net.ParseIP`: an IPv4 dotted quad or an IPv6 address (no zone).
fn parse_go_ip(s: &str) -> Option<IpAddr> {
    if s.contains('%') {
        return None;
    }
    s.parse().ok()
}

/// MetalLB's `ParseCIDR` (`internal/config/config.go`): a CIDR (Go's `net.ParseCIDR`, nothing
/// trimmed) or `start-end` (each end trimmed, parsed by `net.ParseIP`, start not after end).
fn parse_entry(s: &str) -> Result<Entry, String> {
    let Some((first, last)) = s.split_once('-') else {
        return match parse_go_cidr(s) {
            Some(GoCidr::V4(c)) => Ok(Entry::V4 {
                range: (u32::from(c.network), u32::from(c.broadcast())),
                prefixes: vec![c],
            }),
            Some(GoCidr::V6 { .. }) => Ok(Entry::Other),
            None => Err(format!("invalid CIDR {}", go_quote(s))),
        };
    };
    let range = go_quote(s);
    let start = parse_go_ip(first.trim()).ok_or_else(|| {
        format!(
            "invalid IP range {range}: invalid start IP {}",
            go_quote(first)
        )
    })?;
    let end = parse_go_ip(last.trim()).ok_or_else(|| {
        format!(
            "invalid IP range {range}: invalid end IP {}",
            go_quote(last)
        )
    })?;
    // Go compares the 16-byte forms: an IPv4 address is ::ffff:a.b.c.d.
    let key = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    };
    if key(start) > key(end) {
        return Err(format!(
            "invalid IP range {range}: start IP {} is after the end IP {}",
            go_quote(&start.to_string()),
            go_quote(&end.to_string())
        ));
    }
    match (start, end) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let (a, b) = (u32::from(a), u32::from(b));
            Ok(Entry::V4 {
                range: (a, b),
                prefixes: summarize(a, b),
            })
        }
        _ => Ok(Entry::Other),
    }
}

/// The fewest prefixes covering `first..=last` exactly, lowest first (`ipaddr.Summarize`).
fn summarize(first: u32, last: u32) -> Vec<Cidr> {
    let mut out = Vec::new();
    let mut at = u64::from(first);
    let end = u64::from(last);
    while at <= end {
        // The largest block aligned at `at` that does not pass `end`.
        let mut host_bits = at.trailing_zeros().min(32);
        while host_bits > 0 && at + (1u64 << host_bits) - 1 > end {
            host_bits -= 1;
        }
        out.push(Cidr {
            network: Ipv4Addr::from(u32::try_from(at).unwrap_or(u32::MAX)),
            prefix: u8::try_from(32 - host_bits).unwrap_or(32),
        });
        at += 1u64 << host_bits;
    }
    out
}

/// Parse `a.b.c.d/n` or `a.b.c.d-e.f.g.h` into an inclusive range (None for entries MetalLB's
/// webhook refuses, and for IPv6 ones).
fn parse_range(s: &str) -> Option<(u32, u32)> {
    match parse_entry(s) {
        Ok(Entry::V4 { range, .. }) => Some(range),
        _ => None,
    }
}

/// MetalLB's validating webhook for a pool being created or updated
/// (`internal/k8s/webhooks/webhookv1beta1/ipaddresspool_webhook.go`): the pool must live in
/// `metallb-system`; then the whole configuration — the pools already created (`existing`,
/// listed by name as the API server lists them) with this one replacing its old version or
/// appended — must parse (`internal/config/config.go`, `poolsFor` and `addressPoolFromCR`):
/// every pool has addresses, each a valid CIDR or range, and no prefix overlaps another, within
/// or between pools. `namespace` is the pool's namespace after defaulting.
pub fn validate_pool(
    pool: &IpAddressPool,
    namespace: &str,
    existing: &[&IpAddressPool],
) -> Result<(), PoolDenied> {
    if namespace != METALLB_NAMESPACE {
        return Err(PoolDenied {
            message: format!("resource must be created in {METALLB_NAMESPACE} namespace"),
            field: "metadata.namespace".to_string(),
        });
    }
    let name = &pool.metadata.name;
    let mut list: Vec<&IpAddressPool> = existing.to_vec();
    list.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    match list.iter().position(|p| &p.metadata.name == name) {
        Some(i) => {
            if let Some(slot) = list.get_mut(i) {
                *slot = pool;
            }
        }
        None => list.push(pool),
    }
    // Every prefix seen so far, with the index of its entry when it belongs to `pool`.
    let mut all: Vec<(Cidr, Option<usize>)> = Vec::new();
    for p in list {
        let is_new = &p.metadata.name == name;
        let pname = &p.metadata.name;
        if p.spec.addresses.is_empty() {
            return Err(PoolDenied {
                message: format!("parsing address pool {pname}: pool has no prefixes defined"),
                field: "spec.addresses".to_string(),
            });
        }
        for (idx, address) in p.spec.addresses.iter().enumerate() {
            let entry = parse_entry(address).map_err(|e| PoolDenied {
                message: format!(
                    "parsing address pool {pname}: invalid CIDR {} in pool {}: {e}",
                    go_quote(address),
                    go_quote(pname)
                ),
                field: format!("spec.addresses[{idx}]"),
            })?;
            let Entry::V4 { prefixes, .. } = entry else {
                continue;
            };
            for cidr in prefixes {
                let clash = all
                    .iter()
                    .find(|(m, _)| m.contains(cidr.network) || cidr.contains(m.network));
                if let Some((m, theirs)) = clash {
                    let own = is_new.then_some(idx);
                    let at = own.or(*theirs);
                    return Err(PoolDenied {
                        message: format!(
                            "CIDR {} in pool {} overlaps with already defined CIDR {}",
                            go_quote(&cidr.to_string()),
                            go_quote(pname),
                            go_quote(&m.to_string())
                        ),
                        field: at.map_or("spec.addresses".to_string(), |i| {
                            format!("spec.addresses[{i}]")
                        }),
                    });
                }
                all.push((cidr, is_new.then_some(idx)));
            }
        }
    }
    Ok(())
}

/// The last address of the block `ip` is in when svcsim never hands it out (see the module
/// docs): 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4, 255.255.255.255.
fn unusable_block_end(ip: u32) -> Option<u32> {
    match ip >> 24 {
        0 => Some(0x00ff_ffff),
        127 => Some(0x7fff_ffff),
        224..=239 => Some(0xefff_ffff),
        _ if ip == u32::MAX => Some(u32::MAX),
        _ => None,
    }
}

impl LbAllocator {
    pub fn new(pools: &[IpAddressPool]) -> Self {
        LbAllocator {
            pools: pools
                .iter()
                .map(|p| Pool {
                    name: p.metadata.name.clone(),
                    ranges: p
                        .spec
                        .addresses
                        .iter()
                        .filter_map(|a| parse_range(a))
                        .collect(),
                    auto_assign: p.spec.auto_assign.unwrap_or(true),
                    avoid_buggy_ips: p.spec.avoid_buggy_ips.unwrap_or(false),
                })
                .collect(),
            used: BTreeSet::new(),
        }
    }

    /// Replace the pools (an `IPAddressPool` was applied); addresses in use stay in use.
    pub fn set_pools(&mut self, pools: &[IpAddressPool]) {
        let used = std::mem::take(&mut self.used);
        *self = LbAllocator::new(pools);
        self.used = used;
    }

    /// MetalLB's `ipConfusesBuggyFirmwares`, for pools with `avoidBuggyIPs`.
    fn usable(pool: &Pool, ip: u32) -> bool {
        !(pool.avoid_buggy_ips && matches!(ip & 0xff, 0 | 255))
    }

    /// The lowest free address of the first auto-assign pool that has one, and the pool's name.
    pub fn allocate(&mut self) -> Result<(Ipv4Addr, String), LbAllocError> {
        self.allocate_sharing(None, &BTreeSet::new())
    }

    /// MetalLB's `AllocateFromPool` (the `metallb.io/address-pool` annotation): the lowest free
    /// address of the named pool, auto-assigning or not.
    pub fn allocate_from_pool(&mut self, name: &str) -> Result<(Ipv4Addr, String), LbAllocError> {
        self.allocate_sharing(Some(name), &BTreeSet::new())
    }

    /// [`allocate`](Self::allocate) (`pool` None) or
    /// [`allocate_from_pool`](Self::allocate_from_pool) for a Service that may share the
    /// addresses in `shareable` (in use by Services with its `metallb.io/allow-shared-ip` key,
    /// on other ports): MetalLB's `getIPFromCIDR` walks each pool in order and takes the first
    /// address that is free or shareable, so Services with one key end up on one address.
    pub fn allocate_sharing(
        &mut self,
        pool: Option<&str>,
        shareable: &BTreeSet<u32>,
    ) -> Result<(Ipv4Addr, String), LbAllocError> {
        let candidates: Vec<usize> = match pool {
            Some(name) => match self.pools.iter().position(|p| p.name == name) {
                Some(i) => vec![i],
                None => return Err(LbAllocError::UnknownPool(name.to_string())),
            },
            None => (0..self.pools.len())
                .filter(|&i| self.pools[i].auto_assign)
                .collect(),
        };
        for i in candidates {
            let p = &self.pools[i];
            let free = self.lowest_free(p);
            let shared = p
                .ranges
                .iter()
                .filter_map(|&(lo, hi)| {
                    shareable
                        .range(lo..=hi)
                        .copied()
                        .find(|&ip| Self::usable(p, ip) && unusable_block_end(ip).is_none())
                })
                .min();
            let pick = match (free, shared) {
                (Some(f), Some(s)) => Some(f.min(s)),
                (f, s) => f.or(s),
            };
            if let Some(ip) = pick {
                let name = p.name.clone();
                self.used.insert(ip);
                return Ok((Ipv4Addr::from(ip), name));
            }
        }
        Err(match pool {
            Some(name) => LbAllocError::PoolExhausted(name.to_string()),
            None => LbAllocError::Exhausted,
        })
    }

    /// The lowest address of `pool` that is neither in use nor skipped.
    fn lowest_free(&self, pool: &Pool) -> Option<u32> {
        'ranges: for &(lo, hi) in &pool.ranges {
            let mut candidate = lo;
            while candidate <= hi {
                if let Some(end) = unusable_block_end(candidate) {
                    match end.checked_add(1) {
                        Some(next) => candidate = next,
                        None => continue 'ranges,
                    }
                    continue;
                }
                if !self.used.contains(&candidate) && Self::usable(pool, candidate) {
                    return Some(candidate);
                }
                match candidate.checked_add(1) {
                    Some(next) => candidate = next,
                    None => continue 'ranges,
                }
            }
        }
        None
    }

    /// The pool a requested address belongs to (MetalLB's `poolFor`: an address a pool with
    /// `avoidBuggyIPs` skips is in none).
    pub fn pool_of(&self, ip: &str) -> Result<(Ipv4Addr, String), LbAllocError> {
        let addr = parse_ipv4(ip).ok_or_else(|| LbAllocError::NotInPool(ip.to_string()))?;
        let n = u32::from(addr);
        if unusable_block_end(n).is_some() {
            return Err(LbAllocError::NotInPool(ip.to_string()));
        }
        self.pools
            .iter()
            .filter(|p| Self::usable(p, n))
            .find(|p| p.ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&n)))
            .map(|p| (addr, p.name.clone()))
            .ok_or_else(|| LbAllocError::NotInPool(ip.to_string()))
    }

    /// Reserve a requested address; it must be inside some pool (MetalLB's `poolFor`: an
    /// address a pool with `avoidBuggyIPs` skips is in none), and one svcsim hands out.
    pub fn reserve(&mut self, ip: &str) -> Result<(Ipv4Addr, String), LbAllocError> {
        let (addr, pool) = self.pool_of(ip)?;
        if !self.used.insert(u32::from(addr)) {
            return Err(LbAllocError::InUse(ip.to_string()));
        }
        Ok((addr, pool))
    }

    pub fn release(&mut self, ip: &str) {
        if let Some(a) = parse_ipv4(ip) {
            self.used.remove(&u32::from(a));
        }
    }

    pub fn is_used(&self, ip: &str) -> bool {
        parse_ipv4(ip).is_some_and(|a| self.used.contains(&u32::from(a)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_pool;

    #[test]
    fn lowest_free_first() {
        let mut a = LbAllocator::new(&[default_pool()]);
        assert_eq!(a.allocate().unwrap().0, Ipv4Addr::new(172, 18, 255, 200));
        assert_eq!(a.allocate().unwrap().0, Ipv4Addr::new(172, 18, 255, 201));
        a.release("172.18.255.200");
        assert_eq!(a.allocate().unwrap().0, Ipv4Addr::new(172, 18, 255, 200));
        assert_eq!(a.reserve("172.18.255.210").unwrap().1, "kind-pool");
        assert_eq!(
            a.reserve("172.18.255.210"),
            Err(LbAllocError::InUse("172.18.255.210".into()))
        );
        assert!(matches!(
            a.reserve("1.2.3.4"),
            Err(LbAllocError::NotInPool(_))
        ));
    }

    #[test]
    fn exhaustion() {
        let mut p = default_pool();
        p.spec.addresses = vec!["10.0.0.1-10.0.0.2".into()];
        let mut a = LbAllocator::new(&[p]);
        a.allocate().unwrap();
        a.allocate().unwrap();
        assert_eq!(a.allocate(), Err(LbAllocError::Exhausted));
    }

    fn pool(name: &str, addresses: &[&str]) -> IpAddressPool {
        let mut p = default_pool();
        p.metadata.name = name.to_string();
        p.spec.addresses = addresses.iter().map(|a| a.to_string()).collect();
        p
    }

    #[test]
    fn summarize_is_metallb_s_prefix_cover() {
        let s = |a: &str, b: &str| -> Vec<String> {
            summarize(
                u32::from(parse_ipv4(a).unwrap()),
                u32::from(parse_ipv4(b).unwrap()),
            )
            .iter()
            .map(Cidr::to_string)
            .collect()
        };
        assert_eq!(
            s("172.18.255.200", "172.18.255.250"),
            [
                "172.18.255.200/29",
                "172.18.255.208/28",
                "172.18.255.224/28",
                "172.18.255.240/29",
                "172.18.255.248/31",
                "172.18.255.250/32"
            ]
        );
        assert_eq!(s("0.0.0.0", "255.255.255.255"), ["0.0.0.0/0"]);
        assert_eq!(s("10.0.0.7", "10.0.0.7"), ["10.0.0.7/32"]);
    }

    #[test]
    fn the_webhook_reads_entries_as_metallb_does() {
        let denied = |addresses: &[&str]| {
            validate_pool(&pool("lab", addresses), METALLB_NAMESPACE, &[])
                .map_err(|d| (d.message, d.field))
        };
        assert_eq!(denied(&["172.18.255.200-172.18.255.250"]), Ok(()));
        assert_eq!(denied(&["0.0.0.0/0"]), Ok(()), "MetalLB accepts a /0");
        assert_eq!(
            denied(&["fd00::/120"]),
            Ok(()),
            "IPv6 is valid, not handed out"
        );
        assert_eq!(
            denied(&["172.18.255.1 - 172.18.255.9"]),
            Ok(()),
            "range ends are trimmed"
        );
        assert_eq!(
            denied(&[" 172.18.255.0/24"]),
            Err((
                "parsing address pool lab: invalid CIDR \" 172.18.255.0/24\" in pool \"lab\": invalid CIDR \" 172.18.255.0/24\"".into(),
                "spec.addresses[0]".into()
            )),
            "a CIDR is not"
        );
        assert_eq!(
            denied(&["10.0.0.1-10.0.0.x"]),
            Err((
                "parsing address pool lab: invalid CIDR \"10.0.0.1-10.0.0.x\" in pool \"lab\": invalid IP range \"10.0.0.1-10.0.0.x\": invalid end IP \"10.0.0.x\"".into(),
                "spec.addresses[0]".into()
            ))
        );
    }

    #[test]
    fn the_webhook_sees_the_pools_by_name_with_the_new_one_last() {
        let zeta = pool("zeta", &["10.0.0.0/24"]);
        // "alpha" sorts first, but the pool being applied comes after those already created.
        let err = validate_pool(
            &pool("alpha", &["10.0.0.0/25"]),
            METALLB_NAMESPACE,
            &[&zeta],
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "CIDR \"10.0.0.0/25\" in pool \"alpha\" overlaps with already defined CIDR \"10.0.0.0/24\""
        );
        // Updating a pool replaces its old version in place: no overlap with itself.
        assert_eq!(
            validate_pool(&pool("zeta", &["10.0.0.0/23"]), METALLB_NAMESPACE, &[&zeta]),
            Ok(())
        );
        // An update keeps its place: a pool listed after it is the one "in pool", and the
        // error points at the updated pool's entry.
        let alpha = pool("alpha", &["10.1.5.0/24"]);
        let omega = pool("omega", &["10.9.0.0/24"]);
        let err = validate_pool(
            &pool("alpha", &["10.2.0.0/24", "10.9.0.0/16"]),
            METALLB_NAMESPACE,
            &[&omega, &alpha],
        )
        .unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.field.as_str()),
            (
                "CIDR \"10.9.0.0/24\" in pool \"omega\" overlaps with already defined CIDR \"10.9.0.0/16\"",
                "spec.addresses[1]"
            )
        );
    }

    #[test]
    fn a_slash_zero_pool_skips_addresses_no_host_answers_at() {
        let mut a = LbAllocator::new(&[pool("all", &["0.0.0.0/0"])]);
        assert_eq!(a.allocate().unwrap().0, Ipv4Addr::new(1, 0, 0, 0));
        assert_eq!(
            a.reserve("0.0.0.0"),
            Err(LbAllocError::NotInPool("0.0.0.0".into()))
        );
        assert_eq!(
            a.reserve("127.0.0.1"),
            Err(LbAllocError::NotInPool("127.0.0.1".into()))
        );
        assert_eq!(
            a.reserve("239.1.1.1"),
            Err(LbAllocError::NotInPool("239.1.1.1".into()))
        );
        assert!(a.reserve("8.8.8.8").is_ok());
        // The last usable address below the multicast block, then 240.0.0.0.
        let mut a = LbAllocator::new(&[pool("top", &["223.255.255.255-255.255.255.255"])]);
        assert_eq!(a.allocate().unwrap().0, Ipv4Addr::new(223, 255, 255, 255));
        assert_eq!(a.allocate().unwrap().0, Ipv4Addr::new(240, 0, 0, 0));
        let mut a = LbAllocator::new(&[pool("bcast", &["255.255.255.255/32"])]);
        assert_eq!(a.allocate(), Err(LbAllocError::Exhausted));
    }

    #[test]
    fn network_and_broadcast_addresses_only_with_avoid_buggy_ips_skipped() {
        // MetalLB hands out a CIDR's .0 and .255 unless the pool avoids buggy IPs.
        let mut a = LbAllocator::new(&[pool("lab", &["192.168.10.0/24"])]);
        assert_eq!(a.allocate().unwrap().0, Ipv4Addr::new(192, 168, 10, 0));
        let mut p = pool("lab", &["192.168.10.0/24"]);
        p.spec.avoid_buggy_ips = Some(true);
        let mut a = LbAllocator::new(&[p]);
        assert_eq!(a.allocate().unwrap().0, Ipv4Addr::new(192, 168, 10, 1));
        assert_eq!(
            a.reserve("192.168.10.255"),
            Err(LbAllocError::NotInPool("192.168.10.255".into()))
        );
    }
}
