//! The same trivial operation instrumented every way a user could, so the
//! benchmarks compare only the instrumentation.
//!
//! Each variant is a `fn(u64) -> Result<u64, u64>` doing the same trivial
//! work; `VARIANTS` lists them for the per-call and allocation benchmarks.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// The work every variant does: trivial, and an error only for `u64::MAX`.
#[inline(always)]
pub fn work(x: u64) -> Result<u64, u64> {
    if x == u64::MAX {
        Err(x)
    } else {
        Ok(x.wrapping_mul(3))
    }
}

/// Polls a future that completes without waiting, the cheapest executor.
///
/// # Panics
/// If the future is not ready on its first poll.
pub fn poll_ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("poll_ready on a future that waits"),
    }
}

/// One instrumented version of [`work`].
pub type Variant = fn(u64) -> Result<u64, u64>;

/// Calls `variant` `iters` times with varying input and returns a checksum,
/// so nothing is optimised away.
pub fn run(variant: Variant, iters: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..iters {
        // The value, not the whole `Result`, through `black_box`: one wide
        // load of the `Result` waits for the callee's stores of its fields
        // to reach the cache (see `run` in benches/probe/per_call.rs).
        sum = sum.wrapping_add(black_box(variant(black_box(i)).unwrap_or(0)));
    }
    sum
}

/// A global allocator that counts allocations (and reallocations), for the
/// benchmarks that report allocations: declare it with
/// `#[global_allocator] static GLOBAL: CountingAllocator = CountingAllocator;`.
pub struct CountingAllocator;

static ALLOCATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Allocations so far, through [`CountingAllocator`].
pub fn allocations() -> u64 {
    ALLOCATIONS.load(std::sync::atomic::Ordering::Relaxed)
}

// SAFETY: forwards to the system allocator, counting calls on the side.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as above.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}
