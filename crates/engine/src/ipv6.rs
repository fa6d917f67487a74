//! IPv6 prefixes for a dual-stack cluster's secondary family: the arithmetic the IPv6 service
//! range, the node CIDRs and the pod addresses need (no external crate, no panics).

use std::net::Ipv6Addr;

/// An IPv6 prefix such as `fd00:10:96::/112` (the address masked to the network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr6 {
    pub network: Ipv6Addr,
    pub prefix: u8,
}

impl Cidr6 {
    /// `addr/len` with an IPv6 address; None otherwise.
    pub fn parse(s: &str) -> Option<Cidr6> {
        let (addr, len) = s.trim().split_once('/')?;
        let addr: Ipv6Addr = addr.parse().ok()?;
        if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = len.parse().ok()?;
        if prefix > 128 {
            return None;
        }
        Some(Cidr6 {
            network: Ipv6Addr::from(u128::from(addr) & mask(prefix)),
            prefix,
        })
    }

    /// Host bits.
    pub fn host_bits(&self) -> u32 {
        128 - u32::from(self.prefix.min(128))
    }

    pub fn contains(&self, ip: Ipv6Addr) -> bool {
        u128::from(ip) & mask(self.prefix) == u128::from(self.network)
    }

    /// The address `n` after the network address.
    pub fn nth(&self, n: u64) -> Ipv6Addr {
        Ipv6Addr::from(u128::from(self.network).wrapping_add(u128::from(n)))
    }

    /// The `i`-th subnet of length `len` (wrapping inside this prefix; this prefix when `len`
    /// is not longer).
    pub fn subnet(&self, len: u8, i: u64) -> Cidr6 {
        if len <= self.prefix || len > 128 {
            return *self;
        }
        let bits = u32::from(len - self.prefix);
        let count = if bits >= 64 { u64::MAX } else { 1u64 << bits };
        let k = u128::from(i % count.max(1));
        let shift = 128 - u32::from(len);
        Cidr6 {
            network: Ipv6Addr::from(u128::from(self.network) | (k << shift)),
            prefix: len,
        }
    }
}

impl std::fmt::Display for Cidr6 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn mask(prefix: u8) -> u128 {
    match prefix {
        0 => 0,
        p if p >= 128 => u128::MAX,
        p => u128::MAX << (128 - u32::from(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_subnets_of_a_pod_range() {
        let c = Cidr6::parse("fd00:10:244::/56").unwrap();
        assert_eq!(c.subnet(64, 0).to_string(), "fd00:10:244::/64");
        assert_eq!(c.subnet(64, 1).to_string(), "fd00:10:244:1::/64");
        assert_eq!(c.subnet(64, 255).to_string(), "fd00:10:244:ff::/64");
        assert_eq!(c.subnet(64, 256).to_string(), "fd00:10:244::/64");
    }
}
