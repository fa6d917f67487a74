//! A memory budget every target enforces itself: the Rust heap may hold at most [`LIMIT`] bytes.
//! An input that makes svcsim allocate more fails at the allocation that crosses it (with a
//! backtrace under `RUST_BACKTRACE=1`), instead of growing until the machine swaps.
//!
//! Why not libFuzzer's `-malloc_limit_mb`: it relies on a sanitizer's malloc hooks, and the
//! targets are built without a sanitizer (`cargo fuzz … -s none`, see `scripts/fuzz.sh`: the
//! engine and the scene forbid `unsafe`, so AddressSanitizer finds nothing the Rust checks do
//! not, and it makes executions 2–6× slower). `-rss_limit_mb` still works (libFuzzer polls the
//! resident size once a second) and stays as the outer bound.
//!
//! Include with `mod budget;` and `#[global_allocator] static A: budget::Budget = budget::Budget;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Live heap allowed: 512 MiB. An input of at most 64 KiB (the largest `-max_len`) that needs
/// more is a bug: the manifest layer copies at most 32 MiB for aliases, and svcsim's own limits
/// are meant to refuse work far below this.
pub const LIMIT: usize = 512 << 20;

static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Set once the budget is exceeded, so the report's own allocations go through.
static TRIPPED: AtomicBool = AtomicBool::new(false);

/// The global allocator: the system allocator, counting live bytes.
pub struct Budget;

fn charge(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed).saturating_add(size);
    if live > LIMIT && !TRIPPED.swap(true, Ordering::Relaxed) {
        let _ = writeln!(
            std::io::stderr(),
            "==svcsim-fuzz== ERROR: heap budget exceeded: an allocation of {size} bytes would \
             make {live} bytes live (limit {LIMIT})\n{}\nSUMMARY: svcsim-fuzz: out-of-memory \
             (heap budget)",
            std::backtrace::Backtrace::capture()
        );
        // libFuzzer reports the abort as a deadly signal and saves the input as crash-….
        std::process::abort();
    }
}

fn release(size: usize) {
    LIVE.fetch_sub(size, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counter
// is bookkeeping only.
unsafe impl GlobalAlloc for Budget {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        // SAFETY: forwarded as received.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            release(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        charge(layout.size());
        // SAFETY: forwarded as received.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            release(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) };
        release(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            charge(new_size - layout.size());
        }
        // SAFETY: forwarded as received.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            // The block is unchanged: undo the charge.
            if new_size > layout.size() {
                release(new_size - layout.size());
            }
        } else if new_size < layout.size() {
            release(layout.size() - new_size);
        }
        p
    }
}
