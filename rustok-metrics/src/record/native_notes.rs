//! The native counters a thread's stripe noted and has not counted yet: the
//! newest note and the one before it.
//!
//! A call's native counter comes from a table lookup on its duration, a
//! chain of a dozen cycles after the second clock reading. Counting it
//! there, or in the thread's next call, puts a store whose address waits on
//! that chain in the way of the next clock reading (on AMD EPYC under KVM a
//! reading waits for it: 2-3.5 ns a call). So a call only notes its
//! counter, as a value, and the thread's next call moves that note back one
//! place and counts the one it displaces, noted two calls ago, whose
//! address has long been known.
//!
//! Each note is the counter plus one (0: none) in a 32-bit half of one
//! 64-bit stripe cell, so the notes cost no cache line of their own. Only
//! the stripe's owner thread writes them.
//!
//! Ordering: the owner clears the newest note before it stores the older
//! one, and counts a note only after it left the notes (`Release` each). A
//! reader loads the counters first, then the older note, then the newest
//! (`Acquire`): it can miss a call whose note moves meanwhile, as it can
//! miss any call that ends during a read, but never counts one twice.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Two notes in the place of one stripe cell.
#[repr(C, align(8))]
pub(super) struct NativeNotes {
    newest: AtomicU32,
    older: AtomicU32,
}

impl NativeNotes {
    /// The notes held in `cell`, a stripe cell used only through this view.
    ///
    /// # Safety
    /// `cell` is never accessed as an `AtomicU64` while the reference lives.
    #[inline(always)]
    pub(super) unsafe fn in_cell(cell: &AtomicU64) -> &NativeNotes {
        // SAFETY: same size, and the cell's alignment (8) is the notes'; a
        // zeroed cell is two empty notes; per the caller, no access of
        // another size mixes with these.
        unsafe { &*std::ptr::from_ref(cell).cast::<NativeNotes>() }
    }

    /// Notes the counter of a call that just ended. Returns the newest note
    /// it replaces, if the thread started no call here since that one was
    /// noted (a duration observed by hand, an async call that ended on
    /// another thread): the caller counts it.
    #[inline(always)]
    pub(super) fn note(&self, counter: usize) -> Option<usize> {
        let replaced = self.newest.load(Ordering::Relaxed);
        self.newest.store(encode(counter), Ordering::Release);
        decode(replaced)
    }

    /// Moves the newest note back a place, as a call starts, and returns the
    /// older note it displaces, if any: the caller counts it.
    #[inline(always)]
    pub(super) fn advance(&self) -> Option<usize> {
        let newest = self.newest.load(Ordering::Relaxed);
        let displaced = self.older.load(Ordering::Relaxed);
        // Unconditional stores: a test of the note cost more than they do.
        self.newest.store(0, Ordering::Release);
        self.older.store(newest, Ordering::Release);
        decode(displaced)
    }

    /// The counters noted and not counted yet, for a reader (after it read
    /// the counters themselves).
    pub(super) fn read(&self) -> impl Iterator<Item = usize> {
        let older = self.older.load(Ordering::Acquire);
        let newest = self.newest.load(Ordering::Acquire);
        [older, newest].into_iter().filter_map(decode)
    }
}

#[inline(always)]
fn encode(counter: usize) -> u32 {
    // Counters are below 2^14 (`NativeLayout::counters`).
    #[allow(clippy::cast_possible_truncation)]
    let note = counter as u32 + 1;
    note
}

#[inline(always)]
fn decode(note: u32) -> Option<usize> {
    note.checked_sub(1).map(|counter| counter as usize)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU64;

    use super::NativeNotes;

    #[test]
    fn a_note_is_counted_two_calls_later_or_by_the_call_that_replaces_it() {
        let cell = AtomicU64::new(0);
        // SAFETY: the cell is used through this view only.
        let notes = unsafe { NativeNotes::in_cell(&cell) };
        assert_eq!(notes.advance(), None);
        assert_eq!(notes.note(7), None);
        assert_eq!(notes.read().collect::<Vec<_>>(), [7]);
        // The next call moves it back; the one after counts it.
        assert_eq!(notes.advance(), None);
        assert_eq!(notes.note(0), None);
        assert_eq!(notes.read().collect::<Vec<_>>(), [7, 0]);
        assert_eq!(notes.advance(), Some(7));
        assert_eq!(notes.read().collect::<Vec<_>>(), [0]);
        // Noted twice with no start between: the second note hands back the
        // first.
        assert_eq!(notes.note(3), None);
        assert_eq!(notes.note(4), Some(3));
        assert_eq!(notes.read().collect::<Vec<_>>(), [0, 4]);
    }
}
