//! Per-call overhead of both sides of `benches/compare` in one process:
//! the working tree's calls (`ours`) and the revision's (`base`), each
//! `calls.rs` built against its own rustok-metrics, timed in batches that
//! take turns (base, ours, ours, base, ...), each against its bare twin of
//! the same side.
//!
//! Taking turns every batch is the point: on a shared machine the other
//! tenants slow everything down for seconds at a time, and two processes
//! run one after the other each meet a different share of those spells
//! (criterion medians of the same build moved by a third between rounds).
//! Here both sides meet the same, so their medians compare. Prints, per
//! variant and side, the overhead of the median batch over the median bare
//! batch (`paired_overhead.*`) and that of the fastest over the fastest
//! (`paired_best_overhead.*`).

/// Rounds of four batches (each side's variant and its twin).
const ROUNDS: usize = 300;
/// Calls in one batch (per thread, for the two-thread variants).
const BATCH_CALLS: u64 = 20_000;

/// One side's batches of one variant and of its bare twin, in ns per call.
#[derive(Default)]
struct Batches {
    variant: Vec<f64>,
    twin: Vec<f64>,
}

impl Batches {
    fn time(&mut self, batch: fn(&str, u64) -> Option<f64>, name: &str, twin: &str) {
        self.twin.extend(batch(twin, BATCH_CALLS));
        self.variant.extend(batch(name, BATCH_CALLS));
    }

    fn report(mut self, side: &str, name: &str) {
        self.variant.sort_by(f64::total_cmp);
        self.twin.sort_by(f64::total_cmp);
        let median = |batches: &[f64]| batches[batches.len() / 2];
        let overhead = median(&self.variant) - median(&self.twin);
        let best_overhead = self.variant[0] - self.twin[0];
        println!("side-figure {side} paired_overhead.{name} {overhead:.3} ns");
        println!("side-figure {side} paired_best_overhead.{name} {best_overhead:.3} ns");
    }
}

fn main() {
    ours::warm_up();
    base::warm_up();
    let both =
        ours::compared().filter(|(name, _)| base::compared().any(|(known, _)| known == *name));
    for (name, twin) in both {
        let (mut ours_batches, mut base_batches) = (Batches::default(), Batches::default());
        for round in 0..ROUNDS {
            // Neither side always goes first.
            if round % 2 == 0 {
                base_batches.time(base::batch_nanos, name, twin);
                ours_batches.time(ours::batch_nanos, name, twin);
            } else {
                ours_batches.time(ours::batch_nanos, name, twin);
                base_batches.time(base::batch_nanos, name, twin);
            }
        }
        base_batches.report("base", name);
        ours_batches.report("ours", name);
    }
}
