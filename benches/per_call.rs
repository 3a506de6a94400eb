//! Per-call cost of each instrumentation variant, on one thread and per
//! thread with two threads calling the same series at once.
//!
//! `cargo bench -p rustok-metrics-benches --bench per_call`

use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rustok_metrics_benches::{Variant, run};

mod variants;
use variants::VARIANTS;

fn one_thread(c: &mut Criterion) {
    variants::configure();
    let mut group = c.benchmark_group("per_call_1_thread");
    for &(name, variant) in VARIANTS {
        run(variant, 1_000); // first calls resolve statics
        group.bench_function(name, |b| b.iter_custom(|iters| timed(variant, iters)));
    }
    group.finish();
}

/// Two threads each make `iters` calls at the same time; the wall time over
/// `iters` is the cost per call per thread.
fn two_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("per_call_2_threads");
    for &(name, variant) in VARIANTS {
        run(variant, 1_000);
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let barrier = Barrier::new(2);
                thread::scope(|scope| {
                    let workers: Vec<_> = (0..2)
                        .map(|_| {
                            scope.spawn(|| {
                                barrier.wait();
                                timed(variant, iters)
                            })
                        })
                        .collect();
                    workers
                        .into_iter()
                        .map(|worker| worker.join().unwrap())
                        .max()
                        .unwrap()
                })
            });
        });
    }
    group.finish();
}

fn timed(variant: Variant, iters: u64) -> Duration {
    let start = Instant::now();
    std::hint::black_box(run(variant, iters));
    start.elapsed()
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = one_thread, two_threads
}
criterion_main!(benches);
