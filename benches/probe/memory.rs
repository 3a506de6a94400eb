//! Metric memory for `benches/compare`: 1,000 operations called from 16
//! threads alive at once, each thread calling every operation with
//! durations over twelve powers of two (64 ns to 131 us). Prints the bytes
//! allocated and not freed while the calls ran, per operation per thread.

use std::sync::Barrier;

use probe_calls::common::{ProbeError, report, spin, work};

include!(concat!(env!("OUT_DIR"), "/memory_sites.rs"));

#[path = "live_bytes.rs"]
mod live_bytes;
use live_bytes::live_bytes;

const THREADS: usize = 16;
/// Durations of 64 ns times 2^0 ..= 2^11.
const POWERS: u32 = 12;

fn main() {
    let _ = work(0);
    let _ = rustok_metrics::render_metrics();
    let before = live_bytes();
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
        let held = live_bytes() - before;
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
