//! Heap allocations per call of each variant, after the first calls warmed
//! its statics, counted by a global allocator. Prints a Markdown table.
//!
//! `cargo bench -p rustok-metrics-benches --bench allocations`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use rustok_metrics_benches::run;

mod variants;
use variants::VARIANTS;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to `System`, counting on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    const CALLS: u64 = 100_000;
    println!("| variant | allocations per call (after warm-up) |");
    println!("|---|---:|");
    for &(name, variant) in VARIANTS {
        run(variant, 1_000);
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        run(variant, CALLS);
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        #[allow(clippy::cast_precision_loss)]
        let per_call = (after - before) as f64 / CALLS as f64;
        println!("| `{name}` | {per_call:.2} |");
    }
}
