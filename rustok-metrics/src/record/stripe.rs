//! A stripe: one thread slot's counters of one recorder, on cache lines no
//! other stripe shares.

use std::sync::atomic::{AtomicU64, Ordering};

#[repr(align(64))]
#[derive(Default)]
struct CacheLine([AtomicU64; 8]);

/// `counters` counters, zeroed; laid out by the recorder.
pub(super) struct Stripe(Box<[CacheLine]>);

impl Stripe {
    pub(super) fn new(counters: usize) -> Self {
        Stripe(
            (0..counters.div_ceil(8))
                .map(|_| CacheLine::default())
                .collect(),
        )
    }

    #[inline]
    pub(super) fn cell(&self, index: usize) -> &AtomicU64 {
        &self.0[index / 8].0[index % 8]
    }
}

/// Adds `value` to a counter only this thread writes: a plain load and
/// store, no locked instruction.
#[inline]
pub(super) fn add_owned(cell: &AtomicU64, value: u64, order: Ordering) {
    cell.store(cell.load(Ordering::Relaxed).wrapping_add(value), order);
}
