//! Metric memory for `benches/compare`: 1,000 operations called from 16
//! threads alive at once, each thread calling every operation with
//! durations over twelve powers of two (64 ns to 131 us). Prints the bytes
//! allocated and not freed while the calls ran, per operation per thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Barrier;
use std::sync::atomic::{AtomicIsize, Ordering};

#[path = "common.rs"]
mod common;
use common::{ProbeError, report, spin, work};

include!(concat!(env!("OUT_DIR"), "/memory_sites.rs"));

struct LiveBytes;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards every call to `System`; only counts on the side.
unsafe impl GlobalAlloc for LiveBytes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size().cast_signed(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size().cast_signed(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: LiveBytes = LiveBytes;

const THREADS: usize = 16;
/// Durations of 64 ns times 2^0 ..= 2^11.
const POWERS: u32 = 12;

fn main() {
    let _ = work(0);
    let _ = rustok_metrics::render_metrics();
    let before = LIVE.load(Ordering::Relaxed);
    let all_called = Barrier::new(THREADS + 1);
    let measured = Barrier::new(THREADS + 1);
    let held = std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                for operation in &MEMORY_OPS {
                    for power in 0..POWERS {
                        let _ = operation(64 << power);
                    }
                }
                // Stay alive (and keep the slot) until the bytes are read.
                all_called.wait();
                measured.wait();
            });
        }
        all_called.wait();
        let held = LIVE.load(Ordering::Relaxed) - before;
        measured.wait();
        held
    });
    #[allow(clippy::cast_precision_loss)]
    let held = held as f64;
    report("memory.mib_1000_ops_16_threads", held / 1_048_576.0, "MiB");
    report(
        "memory.bytes_per_op_per_thread",
        held / (MEMORY_OPS.len() * THREADS) as f64,
        "B",
    );
}
