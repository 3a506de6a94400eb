//! The native counters a thread's stripe noted and has not counted yet: the
//! two newest calls'.
//!
//! A call's native counter comes from a table lookup on its duration, a
//! chain of a dozen cycles after the second clock reading. Counting it
//! there, or in the thread's next call, puts a store whose address waits on
//! that chain in the way of the next clock reading (on AMD EPYC under KVM a
//! reading waits for it: 2-3.5 ns a call). So a call only notes its
//! counter, as a value, and counts the one noted two calls before, whose
//! address has long been known; the call's start does nothing for it.
//!
//! Each note is the counter plus one (0: none), the older in the high half
//! of one 64-bit stripe cell and the newer in the low half, so a call moves
//! both with one load and one store, and the notes cost no cache line of
//! their own. Only the stripe's owner thread writes them.
//!
//! Ordering: the owner stores the notes without the older one (`Release`)
//! before it counts that one (`Release`). A reader loads the counters
//! first, then the notes (`Acquire`): it can miss a call whose note is
//! being counted as it reads, as it can miss any call that ends during a
//! read, but never counts one twice.

use std::sync::atomic::{AtomicU64, Ordering};

/// Two notes in one stripe cell.
pub(super) struct NativeNotes<'c>(&'c AtomicU64);

impl<'c> NativeNotes<'c> {
    /// The notes held in `cell`, a stripe cell used for nothing else.
    #[inline(always)]
    pub(super) fn in_cell(cell: &'c AtomicU64) -> Self {
        NativeNotes(cell)
    }

    /// Notes the counter of a call that just ended, and returns the older
    /// note it pushes out, if any: the caller counts it.
    #[inline(always)]
    pub(super) fn push(&self, counter: usize) -> Option<usize> {
        let held = self.0.load(Ordering::Relaxed);
        self.0
            .store((held << 32) | encode(counter), Ordering::Release);
        decode(held >> 32)
    }

    /// The counters noted and not counted yet, for a reader (after it read
    /// the counters themselves).
    pub(super) fn read(&self) -> impl Iterator<Item = usize> {
        let held = self.0.load(Ordering::Acquire);
        [held >> 32, held & u64::from(u32::MAX)]
            .into_iter()
            .filter_map(decode)
    }
}

#[inline(always)]
fn encode(counter: usize) -> u64 {
    // Counters are below 2^14 (`NativeLayout::counters`).
    counter as u64 + 1
}

#[inline(always)]
fn decode(note: u64) -> Option<usize> {
    #[allow(clippy::cast_possible_truncation)]
    note.checked_sub(1).map(|counter| counter as usize)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU64;

    use super::NativeNotes;

    #[test]
    fn a_note_is_counted_two_calls_later_and_read_until_then() {
        let cell = AtomicU64::new(0);
        let notes = NativeNotes::in_cell(&cell);
        assert_eq!(notes.read().count(), 0);
        assert_eq!(notes.push(7), None);
        assert_eq!(notes.read().collect::<Vec<_>>(), [7]);
        // The next call's note joins it; the one after pushes it out.
        assert_eq!(notes.push(0), None);
        assert_eq!(notes.read().collect::<Vec<_>>(), [7, 0]);
        assert_eq!(notes.push(3), Some(7));
        assert_eq!(notes.read().collect::<Vec<_>>(), [0, 3]);
        assert_eq!(notes.push(3), Some(0));
        assert_eq!(notes.push(9), Some(3));
        assert_eq!(notes.read().collect::<Vec<_>>(), [3, 9]);
    }
}
