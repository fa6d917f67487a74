//! The ClusterIP allocator of one Service CIDR (kube-apiserver `ipallocator`).
//!
//! Reproduces: usable addresses exclude the network and broadcast addresses; KEP-3070 bands with
//! offset `min(max(16, size/16), 256)` (0 below 16 addresses); automatic allocation tries the
//! upper band first; requested addresses may be anywhere in the range. Error texts are the
//! IPAddress-based allocator's (default since 1.33).

use super::bitmap::{range_offset, BandedBitmap};
use crate::ipv4::Cidr;
use crate::sim::Rng;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpAllocError {
    /// `ErrAllocated`.
    #[error("provided IP is already allocated")]
    Allocated,
    /// No ServiceCIDR contains the address (MetaAllocator `getAllocator`).
    #[error("the provided network does not match the current range")]
    NoMatchingRange,
    /// Inside the prefix but not usable (network or broadcast address). The cluster's
    /// allocator ([`super::service_cidr`]) looks for a range that holds the address first, so
    /// this reaches no user.
    #[error("provided IP {0} is not in the valid range")]
    NotInRange(Ipv4Addr),
    /// `ErrFull`.
    #[error("range is full")]
    Full,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterIpAllocator {
    pub cidr: Cidr,
    bitmap: BandedBitmap,
}

impl ClusterIpAllocator {
    pub fn new(cidr: Cidr) -> Self {
        let size = cidr.size();
        // Usable: network+1 ..= broadcast-1 (for /31 and /32 every address is usable).
        let usable = if size > 2 { size - 2 } else { size };
        ClusterIpAllocator {
            cidr,
            bitmap: BandedBitmap::new(usable, range_offset(size, 17, 16, 16, 256)),
        }
    }

    /// Offset of the first usable address from the network address.
    fn base(&self) -> u64 {
        u64::from(self.cidr.size() > 2)
    }

    fn index_of(&self, ip: Ipv4Addr) -> Result<u64, IpAllocError> {
        let off = self
            .cidr
            .offset_of(ip)
            .ok_or(IpAllocError::NoMatchingRange)?;
        let base = self.base();
        if off < base || off - base >= self.bitmap.max {
            return Err(IpAllocError::NotInRange(ip));
        }
        Ok(off - base)
    }

    /// Reserve a requested address.
    pub fn allocate(&mut self, ip: Ipv4Addr) -> Result<(), IpAllocError> {
        let i = self.index_of(ip)?;
        if self.bitmap.allocate(i) {
            Ok(())
        } else {
            Err(IpAllocError::Allocated)
        }
    }

    /// Pick a free address (upper band first).
    pub fn allocate_next(&mut self, rng: &mut Rng) -> Result<Ipv4Addr, IpAllocError> {
        let i = self.bitmap.allocate_next(rng).ok_or(IpAllocError::Full)?;
        Ok(self.cidr.nth(i + self.base()))
    }

    pub fn release(&mut self, ip: Ipv4Addr) {
        if let Ok(i) = self.index_of(ip) {
            self.bitmap.release(i);
        }
    }

    /// Whether `ip` is one of the range's usable addresses (`PrefixContainsIP`).
    pub fn holds(&self, ip: Ipv4Addr) -> bool {
        self.index_of(ip).is_ok()
    }

    pub fn is_allocated(&self, ip: Ipv4Addr) -> bool {
        self.index_of(ip).is_ok_and(|i| self.bitmap.is_used(i))
    }

    pub fn used(&self) -> usize {
        self.bitmap.used_count()
    }

    /// Last address of the static (lower) band: for 10.96.0.0/16 that is 10.96.1.0.
    pub fn static_band_end(&self) -> Option<Ipv4Addr> {
        (self.bitmap.offset > 0).then(|| self.cidr.nth(self.bitmap.offset - 1 + self.base()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_for_kind_and_kubeadm_ranges() {
        for cidr in ["10.96.0.0/16", "10.96.0.0/12"] {
            let a = ClusterIpAllocator::new(Cidr::parse(cidr).unwrap());
            assert_eq!(
                a.static_band_end(),
                Some(Ipv4Addr::new(10, 96, 1, 0)),
                "{cidr}"
            );
        }
        let small = ClusterIpAllocator::new(Cidr::parse("10.0.0.0/28").unwrap());
        assert_eq!(small.static_band_end(), None);
        let c24 = ClusterIpAllocator::new(Cidr::parse("10.0.0.0/24").unwrap());
        assert_eq!(c24.static_band_end(), Some(Ipv4Addr::new(10, 0, 0, 16)));
    }

    #[test]
    fn automatic_allocation_stays_in_upper_band() {
        let mut a = ClusterIpAllocator::new(Cidr::parse("10.96.0.0/16").unwrap());
        let mut rng = Rng::new(0);
        for _ in 0..500 {
            let ip = a.allocate_next(&mut rng).unwrap();
            assert!(
                u32::from(ip) > u32::from(Ipv4Addr::new(10, 96, 1, 0)),
                "{ip}"
            );
            assert!(
                u32::from(ip) < u32::from(Ipv4Addr::new(10, 96, 255, 255)),
                "{ip}"
            );
        }
    }

    #[test]
    fn requested_addresses() {
        let mut a = ClusterIpAllocator::new(Cidr::parse("10.96.0.0/16").unwrap());
        assert_eq!(a.allocate(Ipv4Addr::new(10, 96, 0, 10)), Ok(()));
        assert_eq!(
            a.allocate(Ipv4Addr::new(10, 96, 0, 10)),
            Err(IpAllocError::Allocated)
        );
        assert_eq!(
            a.allocate(Ipv4Addr::new(10, 97, 0, 1)),
            Err(IpAllocError::NoMatchingRange)
        );
        assert_eq!(
            a.allocate(Ipv4Addr::new(10, 96, 0, 0)),
            Err(IpAllocError::NotInRange(Ipv4Addr::new(10, 96, 0, 0)))
        );
        assert_eq!(
            a.allocate(Ipv4Addr::new(10, 96, 255, 255)),
            Err(IpAllocError::NotInRange(Ipv4Addr::new(10, 96, 255, 255)))
        );
        a.release(Ipv4Addr::new(10, 96, 0, 10));
        assert!(!a.is_allocated(Ipv4Addr::new(10, 96, 0, 10)));
    }

    #[test]
    fn full_range() {
        let mut a = ClusterIpAllocator::new(Cidr::parse("10.0.0.0/29").unwrap());
        let mut rng = Rng::new(0);
        for _ in 0..6 {
            a.allocate_next(&mut rng).unwrap();
        }
        assert_eq!(a.allocate_next(&mut rng), Err(IpAllocError::Full));
    }
}
