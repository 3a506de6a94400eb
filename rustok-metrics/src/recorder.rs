//! Where one call site's counts live: a stripe per thread slot, summed when
//! the registry is gathered.
//!
//! A stripe holds, in cache-line-aligned counters: the four status counts,
//! the sum of durations in nanoseconds, and one count per finite histogram
//! bucket (not cumulative). The histogram's `_count` is the sum of the status
//! counts, so it always matches them in a render.
//!
//! Ordering: a writer bumps the status count before the bucket count, the
//! bucket with `Release`; a reader loads buckets (`Acquire`) before statuses.
//! So a render never shows a call in a bucket but not in `_count`, which
//! would make a finite bucket exceed `+Inf`. Details (below) are counted
//! after the stripe, and read before it, for the same reason: the calls with
//! a detail never exceed the calls.
//!
//! A call may carry a *detail*: a second label its collector renders, the
//! error kind of a metered call, the response status of an HTTP request.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::bounded_table::BoundedTable;
use crate::status::Status;
use crate::thread_slot::{self, EXCLUSIVE_SLOTS};

const SUM: usize = 4;
const FIRST_BUCKET: usize = 5;

#[repr(align(64))]
#[derive(Default)]
struct CacheLine([AtomicU64; 8]);

/// Counters laid out as described above, on lines no other stripe shares.
struct Stripe(Box<[CacheLine]>);

impl Stripe {
    fn new(counters: usize) -> Self {
        Stripe(
            (0..counters.div_ceil(8))
                .map(|_| CacheLine::default())
                .collect(),
        )
    }

    #[inline]
    fn cell(&self, index: usize) -> &AtomicU64 {
        &self.0[index / 8].0[index % 8]
    }
}

/// The counts of one call site.
pub(crate) struct Recorder {
    /// Finite bucket upper bounds, in nanoseconds.
    bounds_nanos: Box<[u64]>,
    /// For threads without a slot, made on first need; updated with `fetch_add`.
    shared: OnceLock<Stripe>,
    /// One per slot, made on the slot's first call here; one writer each.
    owned: [OnceLock<Stripe>; EXCLUSIVE_SLOTS],
    /// Slots below this may have a stripe: readers look no further.
    owned_end: AtomicUsize,
    /// Calls by detail, made on the first call that has one.
    details: OnceLock<Box<Details>>,
}

/// Distinct details a recorder keeps; more are counted as `other`.
const MAX_DETAILS: usize = 64;

/// Counts by detail. Shared counters: details are the rarer path (errors)
/// or come with far costlier work (HTTP requests).
struct Details {
    kinds: BoundedTable<&'static str, AtomicU64>,
    other: AtomicU64,
}

/// A consistent read of a recorder (or several, added up).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) by_status: [u64; 4],
    pub(crate) sum_nanos: u64,
    /// Per finite bucket, not cumulative.
    pub(crate) buckets: Vec<u64>,
    /// Calls by detail, out of the status counts; the rest have none.
    pub(crate) details: Vec<(&'static str, u64)>,
}

impl Recorder {
    /// `bounds` are the histogram's finite upper bounds in seconds.
    pub(crate) fn new(bounds: &[f64]) -> Self {
        let bounds_nanos: Box<[u64]> = bounds.iter().map(|&b| seconds_to_nanos(b)).collect();
        Recorder {
            bounds_nanos,
            shared: OnceLock::new(),
            owned: std::array::from_fn(|_| OnceLock::new()),
            owned_end: AtomicUsize::new(0),
            details: OnceLock::new(),
        }
    }

    /// Records one call that ended with `status`, with a `detail` label
    /// (`""` for none), after `nanos`.
    #[inline]
    pub(crate) fn record(&self, status: Status, detail: &'static str, nanos: u64) {
        let bucket = self
            .bounds_nanos
            .iter()
            .position(|&bound| nanos <= bound)
            .map(|index| FIRST_BUCKET + index);
        let counters = self.bounds_nanos.len() + FIRST_BUCKET;
        if let Some(slot) = thread_slot::current() {
            let stripe = self.owned[slot].get_or_init(|| {
                self.owned_end.fetch_max(slot + 1, Ordering::Relaxed);
                Stripe::new(counters)
            });
            // This thread is the stripe's only writer: a plain load and store
            // is enough, and avoids a locked instruction per counter.
            add_owned(stripe.cell(status.index()), 1, Ordering::Relaxed);
            add_owned(stripe.cell(SUM), nanos, Ordering::Relaxed);
            if let Some(bucket) = bucket {
                add_owned(stripe.cell(bucket), 1, Ordering::Release);
            }
        } else {
            let stripe = self.shared.get_or_init(|| Stripe::new(counters));
            stripe.cell(status.index()).fetch_add(1, Ordering::Relaxed);
            stripe.cell(SUM).fetch_add(nanos, Ordering::Relaxed);
            if let Some(bucket) = bucket {
                stripe.cell(bucket).fetch_add(1, Ordering::Release);
            }
        }
        if !detail.is_empty() {
            self.details
                .get_or_init(|| Box::new(Details::new()))
                .count(detail);
        }
    }

    /// Adds this recorder's counts into `into`, which must have as many
    /// buckets (all recorders of a module do).
    pub(crate) fn add_to(&self, into: &mut Snapshot) {
        if let Some(details) = self.details.get() {
            details.add_to(&mut into.details);
        }
        into.buckets.resize(self.bounds_nanos.len(), 0);
        // A call that finished before this read happened-before it, and so did
        // the `fetch_max` of its slot: `Relaxed` cannot miss that stripe.
        let owned = &self.owned[..self.owned_end.load(Ordering::Relaxed)];
        let stripes = std::iter::once(&self.shared)
            .chain(owned)
            .filter_map(OnceLock::get);
        for stripe in stripes {
            for (index, bucket) in into.buckets.iter_mut().enumerate() {
                *bucket += stripe.cell(FIRST_BUCKET + index).load(Ordering::Acquire);
            }
            for (index, count) in into.by_status.iter_mut().enumerate() {
                *count += stripe.cell(index).load(Ordering::Relaxed);
            }
            into.sum_nanos += stripe.cell(SUM).load(Ordering::Relaxed);
        }
    }
}

impl Details {
    fn new() -> Self {
        Details {
            kinds: BoundedTable::new(MAX_DETAILS),
            other: AtomicU64::new(0),
        }
    }

    fn count(&self, kind: &'static str) {
        let counter = self
            .kinds
            .get_or_add(|known| *known == kind, || (kind, AtomicU64::new(0)))
            .unwrap_or(&self.other);
        counter.fetch_add(1, Ordering::Release);
    }

    fn add_to(&self, into: &mut Vec<(&'static str, u64)>) {
        let counted = self.kinds.iter().map(|(kind, counter)| (*kind, counter));
        for (kind, counter) in counted.chain([("other", &self.other)]) {
            let count = counter.load(Ordering::Acquire);
            match into.iter_mut().find(|(known, _)| *known == kind) {
                Some((_, total)) => *total += count,
                None if count > 0 => into.push((kind, count)),
                None => {}
            }
        }
    }
}

#[inline]
fn add_owned(cell: &AtomicU64, value: u64, order: Ordering) {
    cell.store(cell.load(Ordering::Relaxed).wrapping_add(value), order);
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn seconds_to_nanos(seconds: f64) -> u64 {
    // Bounds are validated finite and positive; `as` saturates regardless.
    (seconds * 1e9).round() as u64
}

#[cfg(test)]
mod tests {
    use super::{Recorder, Snapshot};
    use crate::Status;

    #[test]
    fn records_into_the_first_bucket_that_holds_the_value() {
        let recorder = Recorder::new(&[0.001, 0.01]);
        recorder.record(Status::Success, "", 1_000_000); // exactly 1 ms: le="0.001"
        recorder.record(Status::Error, "", 1_000_001);
        recorder.record(Status::Panic, "", 20_000_000); // only in +Inf
        let mut snapshot = Snapshot::default();
        recorder.add_to(&mut snapshot);
        assert_eq!(snapshot.by_status, [1, 1, 1, 0]);
        assert_eq!(snapshot.buckets, [1, 1]);
        assert_eq!(snapshot.sum_nanos, 22_000_001);
    }

    #[test]
    fn threads_with_and_without_slots_add_up() {
        let recorder = Recorder::new(&[1.0]);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..1_000 {
                        recorder.record(Status::Success, "", 5);
                    }
                });
            }
        });
        let mut snapshot = Snapshot::default();
        recorder.add_to(&mut snapshot);
        assert_eq!(snapshot.by_status[0], 4_000);
        assert_eq!(snapshot.buckets, [4_000]);
    }

    #[test]
    fn details_are_counted_up_to_a_cap() {
        let recorder = Recorder::new(&[1.0]);
        recorder.record(Status::Error, "not_found", 1);
        recorder.record(Status::Error, "not_found", 1);
        recorder.record(Status::Error, "", 1);
        let kinds: Vec<&'static str> = (0..100)
            .map(|n| &*Box::leak(format!("kind_{n}").into_boxed_str()))
            .collect();
        for kind in &kinds {
            recorder.record(Status::Error, kind, 1);
        }
        let mut snapshot = Snapshot::default();
        recorder.add_to(&mut snapshot);
        assert_eq!(snapshot.by_status[1], 103);
        assert!(snapshot.details.contains(&("not_found", 2)));
        // 1 + 63 kinds kept, 37 past the cap counted as `other`.
        assert_eq!(snapshot.details.len(), 65);
        assert!(snapshot.details.contains(&("other", 37)));
    }
}
