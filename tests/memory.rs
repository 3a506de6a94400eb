//! Metric memory with the default settings (classic and native buckets):
//! a service with 1,000 operations called from 16 threads at once, each
//! thread calling each operation with durations over twelve powers of two,
//! stays within 8 MiB, counted by a global allocator (bytes allocated and
//! not freed while the calls run). Prints the figure per series per thread.

use std::sync::Barrier;
use std::time::{Duration, Instant};

use rustok_metrics::__private::{CallSite, Exit, Outcome};

#[path = "../benches/probe/live_bytes.rs"]
mod live_bytes;
use live_bytes::live_bytes;

const OPERATIONS: usize = 1_000;
const THREADS: usize = 16;
/// Calls of 64 ns times 2^0 ..= 2^11 (to 131 us): twelve powers of two.
const POWERS: u32 = 12;

/// Busy (not asleep) for at least `duration`: a call that takes that long.
fn busy_for(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        std::hint::spin_loop();
    }
}

/// Bytes held after every one of `THREADS` threads, alive at once, called
/// each of `OPERATIONS` call sites of `module`.
fn metric_memory(module: &'static str) -> isize {
    let sites: Vec<&'static CallSite> = (0..OPERATIONS)
        .map(|op| {
            let operation: &'static str = Box::leak(format!("op_{op}").into_boxed_str());
            &*Box::leak(Box::new(CallSite::new(
                module,
                operation,
                "",
                false,
                file!(),
                line!(),
            )))
        })
        .collect();
    let before = live_bytes();
    let all_called = Barrier::new(THREADS + 1);
    let measured = Barrier::new(THREADS + 1);
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                for site in &sites {
                    for power in 0..POWERS {
                        let exit = Exit::new(site.start());
                        busy_for(Duration::from_nanos(64 << power));
                        exit.returns(Outcome::Success);
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
    })
}

rustok_metrics::settings::declare!(
    rustok_metrics::settings::ModuleSettings::new("memory_classic").classic_only()
);

#[test]
fn a_thousand_operations_on_sixteen_threads_fit_in_8_mib() {
    let default = metric_memory("memory_default");
    let classic = metric_memory("memory_classic");
    let per_series_thread = |bytes: isize| bytes as f64 / (OPERATIONS * THREADS) as f64;
    println!(
        "{OPERATIONS} operations x {THREADS} threads, durations over {POWERS} powers of two: {:.1} MiB with native histograms ({:.0} B per series per thread), {:.1} MiB classic only ({:.0} B)",
        default as f64 / 1048576.0,
        per_series_thread(default),
        classic as f64 / 1048576.0,
        per_series_thread(classic),
    );
    assert!(default <= 8 << 20, "{default} bytes");
    // The native windows are really there: each thread's calls of a site
    // spread over about 96 native buckets, two bytes each.
    assert!(
        default > classic + (OPERATIONS * THREADS * 96) as isize,
        "{default} vs {classic}"
    );
}
