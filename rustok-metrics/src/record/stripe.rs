//! A stripe: one thread slot's counters of one recorder, on cache lines no
//! other stripe shares.

use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use super::native_window::NativeWindow;

#[repr(align(64))]
#[derive(Default)]
struct CacheLine([AtomicU64; 8]);

/// `counters` counters, zeroed, laid out by the recorder; and, for a
/// thread's own stripe, its window of native counters.
pub(super) struct Stripe {
    cells: Box<[CacheLine]>,
    native: NativeWindow,
}

impl Stripe {
    pub(super) fn new(counters: usize) -> Self {
        Stripe {
            cells: (0..counters.div_ceil(8).max(1))
                .map(|_| CacheLine::default())
                .collect(),
            native: NativeWindow::default(),
        }
    }

    #[inline]
    pub(super) fn cell(&self, index: usize) -> &AtomicU64 {
        &self.cells[index / 8].0[index % 8]
    }

    /// The counters, for the call path: found with one load, which the
    /// compiler cannot repeat (as it does a field's, after each store to a
    /// counter that might have changed the field).
    #[inline(always)]
    pub(super) fn counters(&self) -> Counters<'_> {
        Counters {
            first: NonNull::from(&self.cells[..]).cast(),
            _stripe: PhantomData,
        }
    }

    /// The native counters of a thread's own stripe.
    #[inline]
    pub(super) fn native(&self) -> &NativeWindow {
        &self.native
    }
}

/// A stripe's counters, by where the first one is.
#[derive(Clone, Copy)]
pub(super) struct Counters<'s> {
    first: NonNull<AtomicU64>,
    _stripe: PhantomData<&'s Stripe>,
}

impl<'s> Counters<'s> {
    /// The first eight counters, which every stripe has (see
    /// [`Stripe::new`]): indexed by constants, they need no bounds check.
    #[inline(always)]
    pub(super) fn head(self) -> &'s [AtomicU64; 8] {
        // SAFETY: `new` makes at least one line of eight counters (a check
        // here cost two instructions a use, three uses a call).
        unsafe { self.first.cast().as_ref() }
    }

    /// Counter `index`, without a bounds check: the recorder knows its
    /// stripes' size.
    ///
    /// # Safety
    /// `index` is below the `counters` the stripe was made with.
    #[inline(always)]
    pub(super) unsafe fn get_unchecked(self, index: usize) -> &'s AtomicU64 {
        // SAFETY: lines are arrays of counters, back to back; `index` is
        // within the lines `new` made, per the caller.
        unsafe { self.first.add(index).as_ref() }
    }
}

/// Adds `value` to a counter only this thread writes: a plain load and
/// store, no locked instruction.
#[inline]
pub(super) fn add_owned(cell: &AtomicU64, value: u64, order: Ordering) {
    cell.store(cell.load(Ordering::Relaxed).wrapping_add(value), order);
}
