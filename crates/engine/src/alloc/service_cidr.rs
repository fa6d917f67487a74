//! ClusterIPs from every ServiceCIDR (kube-apiserver's `MetaAllocator`,
//! `pkg/registry/core/service/ipallocator/cidrallocator.go`; GA in 1.33).
//!
//! Reproduces: one allocator per distinct CIDR, shared by the ServiceCIDRs that name it and
//! usable while one of them is ready and not being deleted; a requested address goes to any
//! usable range that contains it (network and broadcast addresses excluded), else "the provided
//! network does not match the current range"; a free address comes from the usable ranges in
//! an unspecified order (Go walks a map from a random place: svcsim walks the ranges from one
//! drawn from the cluster's seed when there is more than one), moving on only when a range is
//! full. An address is allocated once
//! cluster-wide — kube-apiserver's IPAddress object, named by the address, is the lock — so
//! overlapping ranges never hand out the same address twice. Only IPv4 ranges allocate (the
//! cluster is IPv4); an IPv6 ServiceCIDR is stored and gives no addresses, as on a cluster
//! without an IPv6 service range.

use super::cluster_ip::{ClusterIpAllocator, IpAllocError};
use crate::ipv4::Cidr;
use crate::sim::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// The ServiceCIDR kube-apiserver creates from `--service-cluster-ip-range`.
pub const DEFAULT_SERVICE_CIDR: &str = "kubernetes";

#[derive(Debug, Clone, PartialEq, Eq)]
struct Range {
    alloc: ClusterIpAllocator,
    /// The ServiceCIDRs naming this CIDR, and whether each is usable.
    owners: BTreeMap<String, bool>,
}

impl Range {
    fn usable(&self) -> bool {
        self.owners.values().any(|u| *u)
    }

    /// `PrefixContainsIP`: inside the prefix, and not its network or broadcast address.
    fn holds(&self, ip: Ipv4Addr) -> bool {
        self.alloc.holds(ip)
    }
}

/// The ClusterIP allocator of the cluster: every ServiceCIDR's range, and the addresses taken.
/// Every operation looks ranges up by prefix (at most 33 lookups for an address), so ten
/// thousand ServiceCIDRs cost no more per Service than one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCidrs {
    ranges: BTreeMap<Cidr, Range>,
    /// The ranges each ServiceCIDR names.
    by_owner: BTreeMap<String, Vec<Cidr>>,
    /// The usable ranges in order, rebuilt after a change (None: stale).
    usable: Option<Vec<Cidr>>,
    /// Every allocated address (one IPAddress object each), whichever range it came from.
    used: BTreeSet<Ipv4Addr>,
}

impl ServiceCidrs {
    /// The cluster's own range, owned by the default ServiceCIDR.
    pub fn new(default: Cidr) -> Self {
        let mut s = ServiceCidrs {
            ranges: BTreeMap::new(),
            by_owner: BTreeMap::new(),
            usable: None,
            used: BTreeSet::new(),
        };
        s.set_owner(DEFAULT_SERVICE_CIDR, &[default], true);
        s
    }

    /// Make ServiceCIDR `name` own exactly `cidrs`, usable or not (ready and not being
    /// deleted): the allocator's informer handler (`syncAllocators`). A new range starts with
    /// the addresses already taken inside it.
    pub fn set_owner(&mut self, name: &str, cidrs: &[Cidr], usable: bool) {
        self.usable = None;
        for old in self.by_owner.remove(name).unwrap_or_default() {
            if cidrs.contains(&old) {
                continue;
            }
            if let Some(r) = self.ranges.get_mut(&old) {
                r.owners.remove(name);
                if r.owners.is_empty() {
                    self.ranges.remove(&old);
                }
            }
        }
        if cidrs.is_empty() {
            return;
        }
        for cidr in cidrs {
            let used = &self.used;
            let range = self.ranges.entry(*cidr).or_insert_with(|| {
                let mut alloc = ClusterIpAllocator::new(*cidr);
                for ip in used.range(cidr.network..=cidr.broadcast()) {
                    let _ = alloc.allocate(*ip);
                }
                Range {
                    alloc,
                    owners: BTreeMap::new(),
                }
            });
            range.owners.insert(name.to_string(), usable);
        }
        self.by_owner.insert(name.to_string(), cidrs.to_vec());
    }

    /// ServiceCIDR `name` is gone (its finalizer removed).
    pub fn remove_owner(&mut self, name: &str) {
        self.set_owner(name, &[], false);
    }

    /// The distinct ranges and whether each is usable, by CIDR.
    pub fn ranges(&self) -> impl Iterator<Item = (Cidr, bool)> + '_ {
        self.ranges.iter().map(|(c, r)| (*c, r.usable()))
    }

    /// The ranges that contain `ip`, from the widest.
    fn holders(&self, ip: Ipv4Addr) -> impl Iterator<Item = Cidr> + '_ {
        (0..=32u8)
            .map(move |p| Cidr::containing(ip, p))
            .filter(|c| self.ranges.contains_key(c))
    }

    /// Reserve a requested address (`AllocateService` with an IP).
    pub fn allocate(&mut self, ip: Ipv4Addr) -> Result<(), IpAllocError> {
        let held = self.holders(ip).any(|c| {
            self.ranges
                .get(&c)
                .is_some_and(|r| r.usable() && r.holds(ip))
        });
        if !held {
            return Err(IpAllocError::NoMatchingRange);
        }
        if self.used.contains(&ip) {
            return Err(IpAllocError::Allocated);
        }
        self.mark(ip);
        Ok(())
    }

    /// Pick a free address from the usable ranges (`AllocateNextService`): Go walks its map of
    /// allocators from a random place; svcsim walks the usable ranges from a random one (drawn
    /// only when there is more than one), moving on while a range is full.
    pub fn allocate_next(&mut self, rng: &mut Rng) -> Result<Ipv4Addr, IpAllocError> {
        let ranges = &self.ranges;
        let order = self.usable.get_or_insert_with(|| {
            ranges
                .iter()
                .filter(|(_, r)| r.usable())
                .map(|(c, _)| *c)
                .collect()
        });
        let n = order.len();
        let start = if n > 1 {
            usize::try_from(rng.below(n as u64)).unwrap_or(0)
        } else {
            0
        };
        let order: Vec<Cidr> = (0..n)
            .filter_map(|i| order.get((start + i) % n).copied())
            .collect();
        for cidr in order {
            let Some(range) = self.ranges.get_mut(&cidr) else {
                continue;
            };
            match range.alloc.allocate_next(rng) {
                Ok(ip) => {
                    self.mark(ip);
                    return Ok(ip);
                }
                Err(IpAllocError::Full) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(IpAllocError::Full)
    }

    /// Record an address taken outside the allocator (an IPAddress object written by hand):
    /// false if it is taken already.
    pub fn reserve(&mut self, ip: Ipv4Addr) -> bool {
        if self.used.contains(&ip) {
            return false;
        }
        self.mark(ip);
        true
    }

    pub fn release(&mut self, ip: Ipv4Addr) {
        if self.used.remove(&ip) {
            let holders: Vec<Cidr> = self.holders(ip).collect();
            for c in holders {
                if let Some(r) = self.ranges.get_mut(&c) {
                    r.alloc.release(ip);
                }
            }
        }
    }

    pub fn is_allocated(&self, ip: Ipv4Addr) -> bool {
        self.used.contains(&ip)
    }

    /// Addresses allocated in all.
    pub fn used(&self) -> usize {
        self.used.len()
    }

    /// Taken in every range that contains it, so overlapping ranges agree.
    fn mark(&mut self, ip: Ipv4Addr) {
        self.used.insert(ip);
        let holders: Vec<Cidr> = self.holders(ip).collect();
        for c in holders {
            if let Some(r) = self.ranges.get_mut(&c) {
                let _ = r.alloc.allocate(ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Cidr {
        Cidr::parse(s).unwrap()
    }

    /// The walk-through of kubernetes/website `extend-service-ip-ranges.md`: a /28 fills up
    /// ("range is full"), a second ServiceCIDR adds room, its addresses come from its upper
    /// band, and a ServiceCIDR being deleted gives no more.
    #[test]
    fn a_second_service_cidr_extends_a_full_range() {
        let mut a = ServiceCidrs::new(cidr("10.96.0.0/28"));
        let mut rng = Rng::new(7);
        a.allocate(Ipv4Addr::new(10, 96, 0, 1)).unwrap();
        a.allocate(Ipv4Addr::new(10, 96, 0, 10)).unwrap();
        for _ in 0..12 {
            a.allocate_next(&mut rng).unwrap();
        }
        assert_eq!(a.allocate_next(&mut rng), Err(IpAllocError::Full));
        a.set_owner("newcidr1", &[cidr("10.96.0.0/24")], true);
        for _ in 0..4 {
            let ip = a.allocate_next(&mut rng).unwrap();
            assert!(ip.octets()[3] >= 17, "{ip} is in the /24's upper band");
        }
        // Overlapping ranges agree on what is taken.
        assert_eq!(
            a.allocate(Ipv4Addr::new(10, 96, 0, 1)),
            Err(IpAllocError::Allocated)
        );
        assert_eq!(a.used(), 18);
        a.set_owner("newcidr1", &[cidr("10.96.0.0/24")], false);
        assert_eq!(a.allocate_next(&mut rng), Err(IpAllocError::Full));
        assert_eq!(
            a.allocate(Ipv4Addr::new(10, 96, 0, 100)),
            Err(IpAllocError::NoMatchingRange)
        );
    }

    #[test]
    fn network_and_broadcast_addresses_match_no_range() {
        let mut a = ServiceCidrs::new(cidr("10.96.0.0/16"));
        for ip in [Ipv4Addr::new(10, 96, 0, 0), Ipv4Addr::new(10, 96, 255, 255)] {
            assert_eq!(a.allocate(ip), Err(IpAllocError::NoMatchingRange));
        }
        assert_eq!(a.allocate(Ipv4Addr::new(10, 96, 0, 10)), Ok(()));
        a.release(Ipv4Addr::new(10, 96, 0, 10));
        assert!(!a.is_allocated(Ipv4Addr::new(10, 96, 0, 10)));
        assert_eq!(a.allocate(Ipv4Addr::new(10, 96, 0, 10)), Ok(()));
    }

    #[test]
    fn a_range_added_later_knows_what_is_taken_in_it() {
        let mut a = ServiceCidrs::new(cidr("10.96.0.0/16"));
        a.allocate(Ipv4Addr::new(10, 96, 0, 5)).unwrap();
        a.set_owner("small", &[cidr("10.96.0.0/29")], true);
        a.remove_owner(DEFAULT_SERVICE_CIDR);
        let mut rng = Rng::new(1);
        let mut got: Vec<Ipv4Addr> = (0..5).map(|_| a.allocate_next(&mut rng).unwrap()).collect();
        got.sort();
        assert!(!got.contains(&Ipv4Addr::new(10, 96, 0, 5)));
        assert_eq!(a.allocate_next(&mut rng), Err(IpAllocError::Full));
    }
}
