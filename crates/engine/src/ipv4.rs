//! IPv4 prefixes: the arithmetic every allocator needs (no external crate, no panics).

use std::net::Ipv4Addr;

/// An IPv4 prefix such as `10.96.0.0/16` (the address is masked to the network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr {
    pub network: Ipv4Addr,
    pub prefix: u8,
}

impl Default for Cidr {
    fn default() -> Self {
        Cidr {
            network: Ipv4Addr::new(0, 0, 0, 0),
            prefix: 0,
        }
    }
}

impl Cidr {
    /// Parse `a.b.c.d/n`; None if malformed. The address is masked (`10.96.1.5/16` → `10.96.0.0/16`).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, prefix) = s.trim().split_once('/')?;
        let addr: Ipv4Addr = addr.parse().ok()?;
        if prefix.is_empty() || prefix.len() > 2 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = prefix.parse().ok()?;
        if prefix > 32 {
            return None;
        }
        Some(Cidr {
            network: Ipv4Addr::from(u32::from(addr) & mask(prefix)),
            prefix,
        })
    }

    /// The prefix of length `prefix` (at most 32) that contains `ip`.
    pub fn containing(ip: Ipv4Addr, prefix: u8) -> Cidr {
        let prefix = prefix.min(32);
        Cidr {
            network: Ipv4Addr::from(u32::from(ip) & mask(prefix)),
            prefix,
        }
    }

    /// Number of addresses in the prefix (2^(32-prefix)).
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.prefix.min(32)))
    }

    /// The address at offset `n` from the network address (wrapping inside the prefix).
    pub fn nth(&self, n: u64) -> Ipv4Addr {
        let off = n % self.size();
        let off = u32::try_from(off).unwrap_or(0);
        Ipv4Addr::from(u32::from(self.network).wrapping_add(off))
    }

    /// Offset of `ip` inside the prefix, if it is inside.
    pub fn offset_of(&self, ip: Ipv4Addr) -> Option<u64> {
        if self.contains(ip) {
            Some(u64::from(u32::from(ip) - u32::from(self.network)))
        } else {
            None
        }
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.prefix) == u32::from(self.network)
    }

    /// The `i`-th /24 inside this prefix (node pod CIDRs: 10.244.0.0/24, 10.244.1.0/24, …).
    /// A prefix longer than /24 gives itself.
    pub fn subnet24(&self, i: u32) -> Cidr {
        if self.prefix >= 24 {
            return *self;
        }
        let count = 1u32 << (24 - u32::from(self.prefix));
        let i = i % count;
        Cidr {
            network: Ipv4Addr::from(u32::from(self.network).wrapping_add(i << 8)),
            prefix: 24,
        }
    }

    /// The broadcast (last) address.
    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network) | !mask(self.prefix))
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    }
}

/// Parse a dotted-quad address the way Go's `netip.ParseAddr` accepts IPv4 (no leading zeros).
pub fn parse_ipv4(s: &str) -> Option<Ipv4Addr> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_math() {
        let c = Cidr::parse("10.96.1.7/16").unwrap();
        assert_eq!(c.to_string(), "10.96.0.0/16");
        assert_eq!(c.size(), 65536);
        assert_eq!(c.nth(1), Ipv4Addr::new(10, 96, 0, 1));
        assert_eq!(c.nth(10), Ipv4Addr::new(10, 96, 0, 10));
        assert_eq!(c.broadcast(), Ipv4Addr::new(10, 96, 255, 255));
        assert!(c.contains(Ipv4Addr::new(10, 96, 3, 4)));
        assert!(!c.contains(Ipv4Addr::new(10, 97, 0, 0)));
        assert_eq!(c.offset_of(Ipv4Addr::new(10, 96, 1, 0)), Some(256));
        let p = Cidr::parse("10.244.0.0/16").unwrap();
        assert_eq!(p.subnet24(2).to_string(), "10.244.2.0/24");
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("10.0.0/8").is_none());
        assert!(Cidr::parse("10.0.0.0/").is_none());
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().size(), 1 << 32);
    }
}
