//! Heap allocations per call of each variant, after the first calls warmed
//! its statics, counted by a global allocator. Prints a Markdown table.
//!
//! `cargo bench -p rustok-metrics-benches --bench allocations`

use rustok_metrics_benches::{CountingAllocator, allocations, run};

mod variants;
use variants::VARIANTS;

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn main() {
    const CALLS: u64 = 100_000;
    variants::configure();
    println!("| variant | allocations per call (after warm-up) |");
    println!("|---|---:|");
    for &(name, variant) in VARIANTS {
        run(variant, 1_000);
        let before = allocations();
        run(variant, CALLS);
        let after = allocations();
        #[allow(clippy::cast_precision_loss)]
        let per_call = (after - before) as f64 / CALLS as f64;
        println!("| `{name}` | {per_call:.2} |");
    }
}
