//! Per-call cost of one side's calls (see `calls.rs`), for
//! `benches/compare`: each variant's median time per call and its overhead
//! over the bare function of the same run, and the overhead in the fastest
//! of 400 short batches (`best_overhead.*`). With the `span` feature, also
//! what a call's own span adds (`span_cost.*`).

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use probe_calls::common::{criterion_median_nanos, report};
use probe_calls::{SPAN_VARIANTS, Variant, run, timed, variants};

fn main() {
    probe_calls::warm_up();
    // `per_call count <variant> <calls>`: only the calls, for an instruction
    // count under callgrind.
    let args: Vec<String> = std::env::args().collect();
    if let [_, mode, name, calls] = &args[..]
        && mode == "count"
    {
        let (_, variant, _, _) = variants()
            .find(|(known, ..)| known == name)
            .expect("a variant's name");
        black_box(run(variant, calls.parse().expect("a number of calls")));
        return;
    }
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(20);
    let mut group = criterion.benchmark_group("per_call");
    for (name, variant, _, threads) in variants() {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| timed(variant, threads, iters));
        });
    }
    group.finish();
    for (name, _, twin, _) in variants() {
        let nanos = criterion_median_nanos("per_call", name);
        report(&format!("per_call.{name}"), nanos, "ns");
        if name != twin {
            let overhead = nanos - criterion_median_nanos("per_call", twin);
            report(&format!("overhead.{name}"), overhead, "ns");
        }
    }
    // The span's own cost: the same call with and without `span`, same run.
    for &(name, _, _, unspanned) in SPAN_VARIANTS {
        let cost = criterion_median_nanos("per_call", name)
            - criterion_median_nanos("per_call", unspanned);
        let shape = name.trim_end_matches("_span");
        report(&format!("span_cost.{shape}"), cost, "ns");
    }
    // The fastest batch of each variant, less its bare twin's: the overhead
    // the other tenants of a shared machine move least (a median takes in
    // their interruptions; the best of many short batches mostly does not).
    let best: Vec<(&str, f64)> = variants()
        .map(|(name, variant, _, threads)| (name, best_batch_nanos(variant, threads)))
        .collect();
    let best_of = |wanted: &str| best.iter().find(|(name, _)| *name == wanted).unwrap().1;
    for (name, _, twin, _) in variants() {
        if name != twin {
            let overhead = best_of(name) - best_of(twin);
            report(&format!("best_overhead.{name}"), overhead, "ns");
        }
    }
}

/// Batches of [`BATCH_CALLS`] calls timed for [`best_batch_nanos`].
const BATCHES: usize = 400;
const BATCH_CALLS: u64 = 20_000;

/// Nanoseconds per call in the fastest of [`BATCHES`] batches.
#[allow(clippy::cast_precision_loss)]
fn best_batch_nanos(variant: Variant, threads: usize) -> f64 {
    let fastest = (0..BATCHES)
        .map(|_| timed(variant, threads, BATCH_CALLS))
        .min()
        .unwrap();
    fastest.as_nanos() as f64 / BATCH_CALLS as f64
}
