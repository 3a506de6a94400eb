//! Per-thread slots: each thread that records leases a small index for as
//! long as it lives, so it can own one stripe of every call site and update
//! it without locked instructions.
//!
//! A slot returns to the pool when its thread exits, and the next thread
//! takes it over with its counts (the pool's mutex orders the handover), so
//! memory stays bounded by the number of threads alive at once, not ever
//! started. Threads past [`EXCLUSIVE_SLOTS`], and code running after this
//! thread's slot was released (a destructor during thread exit), get `None`
//! and record into a shared stripe with atomic read-modify-writes instead.

use std::cell::Cell;
use std::sync::Mutex;

use crate::lock::lock;

/// Threads that can hold a slot at once.
pub(crate) const EXCLUSIVE_SLOTS: usize = 64;

struct Pool {
    never_used: usize,
    released: Vec<usize>,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    never_used: 0,
    released: Vec::new(),
});

struct Lease(Option<usize>);

impl Lease {
    fn claim() -> Self {
        // The trace source's thread-locals (OpenTelemetry's context) are made
        // first, so they are destroyed after the lease: while it lives, they
        // do (see `exiting`). Caught, for the one case where they are gone
        // already: a thread whose first call comes from a destructor.
        let _ = std::panic::catch_unwind(crate::trace::current);
        let mut pool = lock(&POOL);
        let slot = pool.released.pop().or_else(|| {
            let next = pool.never_used;
            (next < EXCLUSIVE_SLOTS).then(|| {
                pool.never_used += 1;
                next
            })
        });
        Lease(slot)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // From here on this thread records into the shared stripe.
        SLOT.set(RELEASED);
        if let Some(slot) = self.0 {
            lock(&POOL).released.push(slot);
        }
    }
}

/// [`SLOT`] before the thread's first call.
const UNCLAIMED: usize = usize::MAX;
/// [`SLOT`] of a thread without a slot.
const NO_SLOT: usize = usize::MAX - 1;
/// [`SLOT`] of a thread whose lease was released: it is exiting, and its
/// destructors run.
const RELEASED: usize = usize::MAX - 2;

thread_local! {
    /// This thread's slot, read on every call: a `const` cell without a
    /// destructor is a plain thread-local load, and stays readable while
    /// the thread's destructors run.
    static SLOT: Cell<usize> = const { Cell::new(UNCLAIMED) };
    /// Holds the slot, and returns it to the pool when the thread exits.
    static LEASE: Lease = Lease::claim();
}

/// This thread's slot, if it has one: below [`EXCLUSIVE_SLOTS`], which the
/// caller may index by without a bounds check.
#[inline(always)]
pub(crate) fn current() -> Option<usize> {
    let slot = SLOT.get();
    // One comparison on the path every call takes: the other values are
    // all past the slots.
    if slot < EXCLUSIVE_SLOTS {
        Some(slot)
    } else {
        no_slot_yet(slot)
    }
}

/// The thread's slot when it has none claimed: claims one on its first
/// call, `None` when it has none.
#[cold]
#[inline(never)]
fn no_slot_yet(slot: usize) -> Option<usize> {
    match slot {
        UNCLAIMED => claim(),
        _ => None,
    }
}

/// Whether this thread is exiting: its lease is gone, and so may be other
/// crates' thread-locals (OpenTelemetry's current context), which must not
/// be touched then. The lease is made after those (see `Lease::claim`), so
/// they outlive it.
#[inline]
pub(crate) fn exiting() -> bool {
    SLOT.get() == RELEASED
}

#[cold]
fn claim() -> Option<usize> {
    // Fails once the thread's destructors ran: no slot then.
    match LEASE.try_with(|lease| lease.0) {
        Ok(slot) => {
            SLOT.set(slot.unwrap_or(NO_SLOT));
            slot
        }
        Err(_) => {
            SLOT.set(RELEASED);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{POOL, current};
    use crate::lock::lock;

    fn slots_ever_issued() -> usize {
        lock(&POOL).never_used
    }

    #[test]
    fn exited_threads_hand_their_slots_on() {
        const THREADS: usize = 10_000;
        const AT_ONCE: usize = 8;
        for _ in 0..THREADS / AT_ONCE {
            let batch: Vec<_> = (0..AT_ONCE).map(|_| std::thread::spawn(current)).collect();
            for thread in batch {
                assert!(thread.join().unwrap().is_some(), "a slot was free");
            }
        }
        // Without reuse, the first 64 threads would have taken every slot.
        // With it, slots ever issued stay near the threads alive at once
        // (this batch plus the test harness's concurrent tests).
        assert!(
            slots_ever_issued() <= 4 * AT_ONCE,
            "{}",
            slots_ever_issued()
        );
    }
}
