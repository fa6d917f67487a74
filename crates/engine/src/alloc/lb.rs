//! LoadBalancer addresses: MetalLB's allocator over its `IPAddressPool`s.
//!
//! MetalLB walks the pools in order and gives the lowest free address of the first pool that has
//! one (pools with `autoAssign: false` only serve explicit requests). A Service may ask for a
//! specific address with `spec.loadBalancerIP` (deprecated) or the `metallb.io/loadBalancerIPs`
//! annotation.

use crate::api::setup::IpAddressPool;
use crate::ipv4::{parse_ipv4, Cidr};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

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
    #[error("\"{0}\" is not allowed in config")]
    NotInPool(String),
    #[error("\"{0}\" is already in use")]
    InUse(String),
}

/// Parse `a.b.c.d/n` or `a.b.c.d-e.f.g.h` into an inclusive range.
fn parse_range(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once('-') {
        let (a, b) = (
            u32::from(parse_ipv4(a.trim())?),
            u32::from(parse_ipv4(b.trim())?),
        );
        (a <= b).then_some((a, b))
    } else {
        let c = Cidr::parse(s)?;
        Some((u32::from(c.network), u32::from(c.broadcast())))
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

    fn usable(pool: &Pool, ip: u32) -> bool {
        !(pool.avoid_buggy_ips && matches!(ip & 0xff, 0 | 255))
    }

    /// The lowest free address of the first auto-assign pool that has one, and the pool's name.
    pub fn allocate(&mut self) -> Result<(Ipv4Addr, String), LbAllocError> {
        for pool in self.pools.iter().filter(|p| p.auto_assign) {
            for &(lo, hi) in &pool.ranges {
                // Walk only the used addresses inside the range to find the first gap.
                let mut candidate = lo;
                loop {
                    if candidate > hi {
                        break;
                    }
                    if !self.used.contains(&candidate) && Self::usable(pool, candidate) {
                        self.used.insert(candidate);
                        return Ok((Ipv4Addr::from(candidate), pool.name.clone()));
                    }
                    match candidate.checked_add(1) {
                        Some(c) => candidate = c,
                        None => break,
                    }
                }
            }
        }
        Err(LbAllocError::Exhausted)
    }

    /// Reserve a requested address; it must be inside some pool.
    pub fn reserve(&mut self, ip: &str) -> Result<(Ipv4Addr, String), LbAllocError> {
        let addr = parse_ipv4(ip).ok_or_else(|| LbAllocError::NotInPool(ip.to_string()))?;
        let n = u32::from(addr);
        let pool = self
            .pools
            .iter()
            .find(|p| p.ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&n)))
            .ok_or_else(|| LbAllocError::NotInPool(ip.to_string()))?;
        if !self.used.insert(n) {
            return Err(LbAllocError::InUse(ip.to_string()));
        }
        Ok((addr, pool.name.clone()))
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
}
