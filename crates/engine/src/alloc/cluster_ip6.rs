//! The IPv6 ClusterIP allocator of a dual-stack cluster's secondary service range
//! (kube-apiserver `ipallocator.go`, IPv6 branch).
//!
//! Reproduces: usable addresses are network+1 up to the last address of the prefix (IPv6 has
//! no broadcast address), at most 2^64 of them; KEP-3070 bands with offset
//! `min(max(16, size/16), 256)` (0 up to 16 addresses), the upper band tried first. Error texts
//! are the allocator's, as for IPv4 ([`super::cluster_ip::IpAllocError`]).
//!
//! Where svcsim differs: the secondary family has one range, the service subnet's; an IPv6
//! ServiceCIDR applied later is stored but gives no addresses.

use super::bitmap::{range_offset, BandedBitmap};
use super::cluster_ip::IpAllocError;
pub use crate::ipv6::Cidr6;
use crate::sim::Rng;
use std::net::Ipv6Addr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterIp6Allocator {
    pub cidr: Cidr6,
    bitmap: BandedBitmap,
}

impl ClusterIp6Allocator {
    pub fn new(cidr: Cidr6) -> Self {
        // 2^host bits addresses, less the network address; the bitmap counts in u64.
        let size = if cidr.host_bits() >= 64 {
            u64::MAX
        } else {
            1u64 << cidr.host_bits()
        };
        let usable = size.saturating_sub(1).max(1);
        ClusterIp6Allocator {
            cidr,
            bitmap: BandedBitmap::new(usable, range_offset(size, 17, 16, 16, 256)),
        }
    }

    fn index_of(&self, ip: Ipv6Addr) -> Result<u64, IpAllocError> {
        if !self.cidr.contains(ip) || ip == self.cidr.network {
            return Err(IpAllocError::NoMatchingRange);
        }
        let off = u128::from(ip) - u128::from(self.cidr.network) - 1;
        u64::try_from(off)
            .ok()
            .filter(|o| *o < self.bitmap.max)
            .ok_or(IpAllocError::NoMatchingRange)
    }

    pub fn allocate(&mut self, ip: Ipv6Addr) -> Result<(), IpAllocError> {
        let i = self.index_of(ip)?;
        if self.bitmap.allocate(i) {
            Ok(())
        } else {
            Err(IpAllocError::Allocated)
        }
    }

    pub fn allocate_next(&mut self, rng: &mut Rng) -> Result<Ipv6Addr, IpAllocError> {
        let i = self.bitmap.allocate_next(rng).ok_or(IpAllocError::Full)?;
        Ok(self.cidr.nth(i + 1))
    }

    pub fn release(&mut self, ip: Ipv6Addr) {
        if let Ok(i) = self.index_of(ip) {
            self.bitmap.release(i);
        }
    }

    pub fn used(&self) -> usize {
        self.bitmap.used_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_dual_stack_service_range() {
        let c = Cidr6::parse("fd00:10:96::/112").unwrap();
        let mut a = ClusterIp6Allocator::new(c);
        let mut rng = Rng::new(3);
        for _ in 0..100 {
            let ip = a.allocate_next(&mut rng).unwrap();
            let off = u128::from(ip) - u128::from(c.network);
            assert!(off > 256 && off < 65536, "{ip} in the upper band");
        }
        let ten: Ipv6Addr = "fd00:10:96::a".parse().unwrap();
        assert_eq!(a.allocate(ten), Ok(()));
        assert_eq!(a.allocate(ten), Err(IpAllocError::Allocated));
        assert_eq!(
            a.allocate("fd00:10:97::1".parse().unwrap()),
            Err(IpAllocError::NoMatchingRange)
        );
        assert_eq!(a.allocate(c.network), Err(IpAllocError::NoMatchingRange));
        a.release(ten);
        assert_eq!(a.used(), 100);
    }
}
