//! Pod IPs on one node: the CNI `host-local` IPAM that kind's kindnet configures.
//!
//! host-local hands out addresses from the node's podCIDR starting at `.2` (`.1` is the
//! gateway), always continuing after the last address it reserved and wrapping around, so a
//! replacement pod gets a *new* IP rather than the one just freed — exactly what a class sees
//! when a pod is killed.
//!
//! The range is host-local's defaults for a subnet with no `rangeStart`/`rangeEnd`
//! (`plugins/ipam/host-local/backend/allocator/range.go`, `Canonicalize`): from the address
//! after the network one to the one before the broadcast, the gateway (`.1`) skipped; a /31 or
//! /32 is refused outright. When nothing is left, [`PodIpAllocator::exhausted`] is the error
//! host-local returns (`main.go` `cmdAdd`, `allocator.go` `Get`, `range_set.go` `String`).

use crate::ipv4::Cidr;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodIpAllocator {
    pub cidr: Cidr,
    used: BTreeSet<u64>,
    /// Offset of the last address handed out.
    last: Option<u64>,
}

impl PodIpAllocator {
    pub fn new(cidr: Cidr) -> Self {
        PodIpAllocator {
            cidr,
            used: BTreeSet::new(),
            last: None,
        }
    }

    /// First and last offsets host-local may hand out: `.2` (after the gateway `.1`) …
    /// broadcast-1. None for a /31 or /32, which host-local refuses.
    fn bounds(&self) -> Option<(u64, u64)> {
        let size = self.cidr.size();
        (size >= 4).then(|| (2, size - 2))
    }

    /// The next free address after the last one given, wrapping; None when the range is full
    /// (or unusable: see [`PodIpAllocator::exhausted`] for why).
    pub fn allocate(&mut self) -> Option<Ipv4Addr> {
        let (lo, hi) = self.bounds()?;
        let span = hi.checked_sub(lo)? + 1;
        let start = match self.last {
            Some(l) if l >= lo && l < hi => l + 1,
            _ => lo,
        };
        for k in 0..span {
            let off = lo + (start - lo + k) % span;
            if !self.used.contains(&off) {
                self.used.insert(off);
                self.last = Some(off);
                return Some(self.cidr.nth(off));
            }
        }
        None
    }

    /// Mark an address used (a pod pasted with its `status.podIP`). False if outside the
    /// range or already used.
    pub fn reserve(&mut self, ip: Ipv4Addr) -> bool {
        match self.cidr.offset_of(ip) {
            Some(off) => self.used.insert(off),
            None => false,
        }
    }

    pub fn release(&mut self, ip: Ipv4Addr) {
        if let Some(off) = self.cidr.offset_of(ip) {
            self.used.remove(&off);
        }
    }

    pub fn used(&self) -> usize {
        self.used.len()
    }

    /// host-local's error when [`PodIpAllocator::allocate`] finds nothing: the range set
    /// printed as `rangeStart-rangeEnd` (network+1 … broadcast-1, the gateway included), or
    /// the refusal of a subnet too small to allocate from.
    pub fn exhausted(&self) -> String {
        if self.bounds().is_none() {
            return format!(
                "invalid range set 0: Network {} too small to allocate from",
                self.cidr
            );
        }
        format!(
            "failed to allocate for range 0: no IP addresses available in range set: {}-{}",
            self.cidr.nth(1),
            self.cidr.nth(self.cidr.size().saturating_sub(2))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_from_dot_two_and_no_immediate_reuse() {
        let mut a = PodIpAllocator::new(Cidr::parse("10.244.1.0/24").unwrap());
        assert_eq!(a.allocate(), Some(Ipv4Addr::new(10, 244, 1, 2)));
        assert_eq!(a.allocate(), Some(Ipv4Addr::new(10, 244, 1, 3)));
        a.release(Ipv4Addr::new(10, 244, 1, 2));
        assert_eq!(a.allocate(), Some(Ipv4Addr::new(10, 244, 1, 4)));
    }

    #[test]
    fn host_local_ranges_and_errors() {
        let mut a = PodIpAllocator::new(Cidr::parse("10.244.1.0/24").unwrap());
        assert_eq!(a.allocate(), Some(Ipv4Addr::new(10, 244, 1, 2)));
        assert_eq!(
            a.exhausted(),
            "failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254"
        );
        // A /30: .1 is the gateway, .2 the only address.
        let mut a = PodIpAllocator::new(Cidr::parse("10.244.1.0/30").unwrap());
        assert_eq!(a.allocate(), Some(Ipv4Addr::new(10, 244, 1, 2)));
        assert_eq!(a.allocate(), None);
        // /31 and /32: host-local refuses the range before allocating anything.
        for tiny in ["10.244.0.0/31", "10.244.0.0/32"] {
            let mut a = PodIpAllocator::new(Cidr::parse(tiny).unwrap());
            assert_eq!(a.allocate(), None, "{tiny}");
            assert_eq!(
                a.exhausted(),
                format!("invalid range set 0: Network {tiny} too small to allocate from")
            );
        }
    }

    #[test]
    fn wraps_and_fills() {
        let mut a = PodIpAllocator::new(Cidr::parse("10.244.1.0/29").unwrap());
        let got: Vec<_> = std::iter::from_fn(|| a.allocate()).collect();
        assert_eq!(got.len(), 5); // .2 .. .6
        assert_eq!(a.allocate(), None);
        a.release(Ipv4Addr::new(10, 244, 1, 3));
        assert_eq!(a.allocate(), Some(Ipv4Addr::new(10, 244, 1, 3)));
    }
}
