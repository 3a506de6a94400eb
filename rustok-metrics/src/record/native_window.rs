//! One thread's native-histogram counters of one recorder, kept only over
//! the range of buckets its calls took.
//!
//! A call site sees durations over a few powers of two, not the layout's
//! forty-eight, so a thread keeps a window of 16-bit counters from the
//! lowest to the highest power of two it recorded: memory grows with the
//! range of durations, not the layout's, and a call in the range is one
//! load and one store, as a full array would be. Calls of zero duration (a
//! clock coarser than the call) are counted beside the window, in a 64-bit
//! counter of their own, so that they do not stretch it down to the zero
//! bucket; they take the slow path, without the lock once the window exists.
//!
//! Two rare events change more than one counter, and both happen under the
//! recorder's `native_lock`, which readers hold while they read windows, so
//! a reader never sees them half done:
//! - a call outside the window moves the counts into a wider one (and the
//!   old allocation is freed, no reader being inside it);
//! - a counter that would pass `u16::MAX` is emptied into the recorder's
//!   shared stripe, which readers add in under the same lock.

use std::ops::Range;
use std::sync::atomic::{AtomicPtr, AtomicU16, AtomicU64, Ordering};

/// Counters `first..first + counters.len()` of a native layout, and the
/// zero bucket's (counter 0), kept apart: a range that took it in would
/// reach from it up to the durations the calls take.
struct Counts {
    first: usize,
    counters: Box<[AtomicU16]>,
    zero: AtomicU64,
}

impl Counts {
    #[inline]
    fn cell(&self, counter: usize) -> Option<&AtomicU16> {
        // Below `first` wraps past the end: one comparison for both sides.
        self.counters.get(counter.wrapping_sub(self.first))
    }

    fn range(&self) -> Range<usize> {
        self.first..self.first + self.counters.len()
    }
}

/// A window of counters, empty until the thread's first call; written by
/// its owner thread only.
pub(super) struct NativeWindow(AtomicPtr<Counts>);

/// Where every window points until its first widening: no counters, so a
/// call finds its counter missing without a separate check for no window.
static NO_COUNTS: std::sync::LazyLock<Counts> = std::sync::LazyLock::new(|| Counts {
    first: 0,
    counters: Box::new([]),
    zero: AtomicU64::new(0),
});

fn no_counts() -> *mut Counts {
    (&raw const *NO_COUNTS).cast_mut()
}

impl Default for NativeWindow {
    fn default() -> Self {
        NativeWindow(AtomicPtr::new(no_counts()))
    }
}

/// Why [`NativeWindow::try_increment`] did not count a call.
pub(super) enum Missed {
    /// The counter is outside the window: [`NativeWindow::widen`] it.
    OutOfRange,
    /// The counter is at `u16::MAX`: empty it with [`NativeWindow::take_full`].
    Full,
}

/// What an emptied counter held (and what the shared stripe takes over).
pub(super) const FULL_COUNTER: u64 = u16::MAX as u64;

impl NativeWindow {
    /// Counts one call in `counter`, unless it is outside the window or
    /// full. Owner thread only.
    #[inline]
    pub(super) fn try_increment(&self, counter: usize) -> Result<(), Missed> {
        let cell = self.owned_cell(counter).ok_or(Missed::OutOfRange)?;
        let value = cell.load(Ordering::Relaxed);
        if value == u16::MAX {
            return Err(Missed::Full);
        }
        // Released after the call's end count, as the classic buckets are.
        cell.store(value + 1, Ordering::Release);
        Ok(())
    }

    /// Counts one call in the zero bucket, unless the window was never
    /// widened (then [`widen`](Self::widen) it, by any range, even empty).
    /// Owner thread only.
    pub(super) fn try_count_zero(&self) -> Result<(), Missed> {
        let counts = self.0.load(Ordering::Relaxed);
        if counts == no_counts() {
            return Err(Missed::OutOfRange);
        }
        // SAFETY: the owner thread reads the pointer it last wrote itself;
        // only it replaces or frees it.
        let zero = unsafe { &(*counts).zero };
        // Its only writer: a load and a store, as for the counters.
        zero.store(zero.load(Ordering::Relaxed) + 1, Ordering::Release);
        Ok(())
    }

    /// Widens the window to hold `range` too, keeping every count. Owner
    /// thread only, under the recorder's `native_lock`.
    pub(super) fn widen(&self, range: Range<usize>) {
        let old = self.0.load(Ordering::Relaxed);
        // SAFETY: only this (the owner) thread replaces or frees the pointer.
        let old_counts = (old != no_counts()).then(|| unsafe { &*old });
        let wanted = match old_counts.map(Counts::range) {
            Some(held) if !held.is_empty() => held.start.min(range.start)..held.end.max(range.end),
            _ => range,
        };
        let counts = Box::new(Counts {
            first: wanted.start,
            counters: wanted.clone().map(|_| AtomicU16::new(0)).collect(),
            zero: AtomicU64::new(old_counts.map_or(0, |old| old.zero.load(Ordering::Relaxed))),
        });
        if let Some(old_counts) = old_counts {
            for (counter, old_cell) in old_counts.range().zip(old_counts.counters.iter()) {
                if let Some(cell) = counts.cell(counter) {
                    cell.store(old_cell.load(Ordering::Relaxed), Ordering::Relaxed);
                }
            }
        }
        self.0.store(Box::into_raw(counts), Ordering::Release);
        if old != no_counts() {
            // SAFETY: made by `Box::into_raw` above (in an earlier call);
            // replaced already, and readers only dereference the pointer
            // under `native_lock`, which the caller holds.
            drop(unsafe { Box::from_raw(old) });
        }
    }

    /// Empties `counter`, which is full: its [`FULL_COUNTER`] calls go to
    /// the shared stripe, which the caller adds them to. Owner thread only,
    /// under the recorder's `native_lock`.
    pub(super) fn take_full(&self, counter: usize) {
        if let Some(cell) = self.owned_cell(counter) {
            cell.store(0, Ordering::Release);
        }
    }

    /// Adds every counter into `into`, indexed by counter. Under the
    /// recorder's `native_lock`.
    pub(super) fn add_to(&self, into: &mut [u64]) {
        // SAFETY: the pointer is freed only under `native_lock`, which the
        // caller holds, and was published with `Release`.
        let counts = unsafe { &*self.0.load(Ordering::Acquire) };
        into[0] += counts.zero.load(Ordering::Acquire);
        for (total, cell) in into[counts.range()].iter_mut().zip(counts.counters.iter()) {
            *total += u64::from(cell.load(Ordering::Acquire));
        }
    }

    /// Counters held, for memory accounting in tests.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        // SAFETY: test-only, called by the owner thread.
        unsafe { &*self.0.load(Ordering::Acquire) }.counters.len()
    }

    #[inline]
    fn owned_cell(&self, counter: usize) -> Option<&AtomicU16> {
        // SAFETY: the owner thread reads the pointer it last wrote itself
        // (or `NO_COUNTS`); only it replaces or frees it.
        unsafe { &*self.0.load(Ordering::Relaxed) }.cell(counter)
    }
}

impl Drop for NativeWindow {
    fn drop(&mut self) {
        let counts = *self.0.get_mut();
        if counts != no_counts() {
            // SAFETY: made by `Box::into_raw` in `widen`; `&mut self` means
            // no one else reads it.
            drop(unsafe { Box::from_raw(counts) });
        }
    }
}
