//! The NodePort allocator (kube-apiserver `portallocator`).
//!
//! Reproduces KEP-3668 bands: offset `min(max(16, size/32), 128)` (0 for 16 ports or fewer), so
//! 30000-32767 has the static band 30000-30085 and automatic allocation looks in 30086-32767
//! first. The bitmap is per port number: a nodePort taken by one protocol is taken for all.

use super::bitmap::{range_offset, BandedBitmap};
use crate::sim::Rng;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortAllocError {
    #[error("provided port is not in the valid range. The range of valid ports is {0}-{1}")]
    NotInRange(u16, u16),
    #[error("provided port is already allocated")]
    Allocated,
    #[error("range is full")]
    Full,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePortAllocator {
    pub base: u16,
    pub last: u16,
    bitmap: BandedBitmap,
}

impl NodePortAllocator {
    /// The range `base..=last` (`--service-node-port-range`).
    pub fn new(base: u16, last: u16) -> Self {
        let size = u64::from(last.saturating_sub(base)) + 1;
        NodePortAllocator {
            base,
            last,
            bitmap: BandedBitmap::new(size, range_offset(size, 17, 32, 16, 128)),
        }
    }

    fn index_of(&self, port: i64) -> Result<u64, PortAllocError> {
        if port < i64::from(self.base) || port > i64::from(self.last) {
            return Err(PortAllocError::NotInRange(self.base, self.last));
        }
        u64::try_from(port - i64::from(self.base))
            .map_err(|_| PortAllocError::NotInRange(self.base, self.last))
    }

    pub fn allocate(&mut self, port: i64) -> Result<(), PortAllocError> {
        let i = self.index_of(port)?;
        if self.bitmap.allocate(i) {
            Ok(())
        } else {
            Err(PortAllocError::Allocated)
        }
    }

    pub fn allocate_next(&mut self, rng: &mut Rng) -> Result<u16, PortAllocError> {
        let i = self.bitmap.allocate_next(rng).ok_or(PortAllocError::Full)?;
        u16::try_from(u64::from(self.base) + i).map_err(|_| PortAllocError::Full)
    }

    pub fn release(&mut self, port: i64) {
        if let Ok(i) = self.index_of(port) {
            self.bitmap.release(i);
        }
    }

    pub fn is_allocated(&self, port: i64) -> bool {
        self.index_of(port).is_ok_and(|i| self.bitmap.is_used(i))
    }

    pub fn used(&self) -> usize {
        self.bitmap.used_count()
    }

    /// Last port of the static band (30085 for the default range).
    pub fn static_band_end(&self) -> Option<u16> {
        (self.bitmap.offset > 0).then(|| {
            u16::try_from(u64::from(self.base) + self.bitmap.offset - 1).unwrap_or(self.last)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_range_bands() {
        let mut a = NodePortAllocator::new(30000, 32767);
        assert_eq!(a.static_band_end(), Some(30085));
        let mut rng = Rng::new(9);
        for _ in 0..200 {
            let p = a.allocate_next(&mut rng).unwrap();
            assert!((30086..=32767).contains(&p), "{p}");
        }
        assert_eq!(
            a.allocate(80).unwrap_err().to_string(),
            "provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
        a.allocate(30008).unwrap();
        assert_eq!(
            a.allocate(30008).unwrap_err().to_string(),
            "provided port is already allocated"
        );
    }

    #[test]
    fn small_range_has_no_static_band() {
        let a = NodePortAllocator::new(30000, 30015);
        assert_eq!(a.static_band_end(), None);
        let b = NodePortAllocator::new(30000, 30016);
        assert_eq!(b.static_band_end(), Some(30015));
    }

    #[test]
    fn exhaustion() {
        let mut a = NodePortAllocator::new(30000, 30003);
        let mut rng = Rng::new(1);
        for _ in 0..4 {
            a.allocate_next(&mut rng).unwrap();
        }
        assert_eq!(a.allocate_next(&mut rng), Err(PortAllocError::Full));
    }
}
