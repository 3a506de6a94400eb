//! The calls `benches/compare` measures, as a library each side's probe
//! builds against its own rustok-metrics: functions shaped as users write
//! them (one thread and two threads on one series, sync and async, with a
//! static kind, without one, and with a computed kind, all returning
//! `Result<u64, ProbeError>`), each with the bare function it is compared
//! with, and how a batch of them is timed.
//!
//! With the `span` feature (a runtime with the `tracing` feature), also the
//! static-kind calls with a span of their own and no subscriber.

use std::hint::black_box;
use std::sync::Barrier;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

#[path = "common.rs"]
pub mod common;
use common::{ProbeError, work};

pub type Variant = fn(u64) -> Result<u64, ProbeError>;

#[inline(never)]
fn bare(x: u64) -> Result<u64, ProbeError> {
    work(x)
}

#[rustok_metrics::metered(module = "probe", op = "sync_kind", kind = "post")]
#[inline(never)]
fn sync_kind(x: u64) -> Result<u64, ProbeError> {
    work(x)
}

#[rustok_metrics::metered(module = "probe", op = "sync")]
#[inline(never)]
fn sync_no_kind(x: u64) -> Result<u64, ProbeError> {
    work(x)
}

async fn bare_async_inner(x: u64) -> Result<u64, ProbeError> {
    work(x)
}

#[rustok_metrics::metered(module = "probe", op = "async_kind", kind = "post")]
async fn async_kind_inner(x: u64) -> Result<u64, ProbeError> {
    work(x)
}

/// Polls a future that completes on its first poll.
fn poll_ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => unreachable!("the probe's futures never wait"),
    }
}

#[inline(never)]
fn bare_async(x: u64) -> Result<u64, ProbeError> {
    poll_ready(bare_async_inner(x))
}

#[inline(never)]
fn async_kind(x: u64) -> Result<u64, ProbeError> {
    poll_ready(async_kind_inner(x))
}

/// `sync_kind` with a span of its own.
#[cfg(feature = "span")]
#[rustok_metrics::metered(module = "probe", op = "sync_span", kind = "post", span)]
#[inline(never)]
fn sync_span(x: u64) -> Result<u64, ProbeError> {
    work(x)
}

/// `async_kind` with a span of its own.
#[cfg(feature = "span")]
#[rustok_metrics::metered(module = "probe", op = "async_span", kind = "post", span)]
async fn async_span_inner(x: u64) -> Result<u64, ProbeError> {
    work(x)
}

#[cfg(feature = "span")]
#[inline(never)]
fn async_span(x: u64) -> Result<u64, ProbeError> {
    poll_ready(async_span_inner(x))
}

const KINDS: [&str; 4] = ["post", "page", "comment", "media"];

#[rustok_metrics::metered(module = "probe", op = "computed", kind = rustok_metrics::bounded(kind))]
#[inline(never)]
fn computed(kind: &str, x: u64) -> Result<u64, ProbeError> {
    work(x)
}

#[inline(never)]
fn computed_kind(x: u64) -> Result<u64, ProbeError> {
    computed(KINDS[(x & 3) as usize], x)
}

/// `(name, variant, its bare twin, threads)`.
const VARIANTS: &[(&str, Variant, &str, usize)] = &[
    ("bare", bare, "bare", 1),
    ("sync_kind", sync_kind, "bare", 1),
    ("sync_no_kind", sync_no_kind, "bare", 1),
    ("computed_kind", computed_kind, "bare", 1),
    ("bare_async", bare_async, "bare_async", 1),
    ("async_kind", async_kind, "bare_async", 1),
    ("bare_2_threads", bare, "bare_2_threads", 2),
    ("sync_kind_2_threads", sync_kind, "bare_2_threads", 2),
];

/// The variants with a span of their own, and their twins without one:
/// `(name, variant, its bare twin, its twin without span)`.
#[cfg(feature = "span")]
pub const SPAN_VARIANTS: &[(&str, Variant, &str, &str)] = &[
    ("sync_span", sync_span, "bare", "sync_kind"),
    ("async_span", async_span, "bare_async", "async_kind"),
];
#[cfg(not(feature = "span"))]
pub const SPAN_VARIANTS: &[(&str, Variant, &str, &str)] = &[];

/// Every variant as `(name, variant, its bare twin, threads)`.
pub fn variants() -> impl Iterator<Item = (&'static str, Variant, &'static str, usize)> {
    let spanned = SPAN_VARIANTS
        .iter()
        .map(|&(name, variant, bare, _)| (name, variant, bare, 1));
    VARIANTS.iter().copied().chain(spanned)
}

/// The calls only; `benches/compare` counts the instructions inside it.
#[inline(never)]
pub fn run(variant: Variant, iters: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..iters {
        // The result read as a caller reads it, field by field: `black_box`
        // on the whole `Result` loaded its 16 bytes at once, which had to
        // wait for the callee's separate stores of its fields to reach the
        // cache (they cannot be forwarded to one wider load): a stall of
        // about 10 ns that a bare function paid and a metered one paid only
        // if it stored its result after its end was recorded.
        let value = variant(black_box(i)).unwrap_or_else(|error| u64::from(error.code));
        sum = sum.wrapping_add(black_box(value));
    }
    sum
}

/// Wall time of `threads` threads each making `iters` calls at once.
pub fn timed(variant: Variant, threads: usize, iters: u64) -> Duration {
    let barrier = Barrier::new(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    run(variant, 1_000); // this thread's first calls
                    barrier.wait();
                    let start = Instant::now();
                    black_box(run(variant, iters));
                    start.elapsed()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap())
            .max()
            .unwrap()
    })
}

/// Process-wide first uses (clock calibration, the registry), so they fall
/// on no measured batch. Not through [`run`], whose instructions are the
/// ones counted: 4978f3b's clock calibrated itself inside it.
pub fn warm_up() {
    for i in 0..1_000 {
        let _ = black_box(sync_kind(black_box(i)));
    }
    let _ = rustok_metrics::render_metrics();
}

/// Nanoseconds per call of one batch of `calls` calls of the variant named
/// `name` (on its number of threads), or `None` if this side has no such
/// variant: how `paired` times both sides by name.
#[allow(clippy::cast_precision_loss)]
pub fn batch_nanos(name: &str, calls: u64) -> Option<f64> {
    let (_, variant, _, threads) = variants().find(|(known, ..)| *known == name)?;
    Some(timed(variant, threads, calls).as_nanos() as f64 / calls as f64)
}

/// Every variant measured against a bare twin, as `(name, twin)`.
pub fn compared() -> impl Iterator<Item = (&'static str, &'static str)> {
    variants()
        .filter(|(name, _, twin, _)| name != twin)
        .map(|(name, _, twin, _)| (name, twin))
}
