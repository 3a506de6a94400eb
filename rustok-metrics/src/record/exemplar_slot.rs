//! One sample's latest exemplar, written by any thread without a lock or an
//! allocation, read by a render without ever waiting.
//!
//! A sequence lock: a writer claims the slot by moving its sequence from
//! even to odd with one compare-and-swap, stores the fields, and makes it
//! even again. A writer that finds the slot claimed leaves it to the other
//! (both are "the latest call"); a reader that sees the sequence odd or
//! changed while it read tries again a few times, then reports the slot
//! empty for this render rather than wait.
//!
//! A slot takes at most one exemplar per [`MIN_GAP_NANOS`]: a call that
//! ends sooner after the one kept leaves it, with a load and no write. So
//! threads recording the same series in traced requests do not pull its
//! slot's cache line from each other on every call (measured: 228 ns per
//! call on two threads without the gap), and what a scrape finds is still
//! a call of the last millisecond.

use std::sync::atomic::{AtomicU64, Ordering, fence};

use super::clock::{self, Ticks};
use crate::trace::{Exemplar, TraceContext};

#[derive(Default)]
pub(crate) struct ExemplarSlot {
    sequence: AtomicU64,
    trace_high: AtomicU64,
    trace_low: AtomicU64,
    span: AtomicU64,
    nanos: AtomicU64,
    /// The clock reading the call ended at, for the gap to the next.
    ended_at: AtomicU64,
    /// The same instant as wall-clock time, fixed when written, so every
    /// render shows the exemplar with one timestamp.
    unix_nanos: AtomicU64,
}

/// Reads a render tries before it gives a contended slot up.
const READ_ATTEMPTS: usize = 4;

/// The least time between two exemplars a slot takes.
pub(crate) const MIN_GAP_NANOS: u64 = 1_000_000;

impl ExemplarSlot {
    #[inline]
    pub(crate) fn write(&self, trace: &TraceContext, nanos: u64, ended_at: Ticks) {
        let sequence = self.sequence.load(Ordering::Relaxed);
        if sequence & 1 == 1 {
            return;
        }
        let kept_at = Ticks::from_raw(self.ended_at.load(Ordering::Relaxed));
        if sequence != 0 && clock::nanos_between(kept_at, ended_at) < MIN_GAP_NANOS {
            return;
        }
        if self
            .sequence
            .compare_exchange(sequence, sequence + 1, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        // Field stores stay after the claim for a reader that sees them.
        fence(Ordering::Release);
        let trace_id = u128::from_be_bytes(trace.trace_id());
        #[allow(clippy::cast_possible_truncation)]
        {
            self.trace_high
                .store((trace_id >> 64) as u64, Ordering::Relaxed);
            self.trace_low.store(trace_id as u64, Ordering::Relaxed);
        }
        self.span
            .store(u64::from_be_bytes(trace.span_id()), Ordering::Relaxed);
        self.nanos.store(nanos, Ordering::Relaxed);
        self.ended_at.store(ended_at.raw(), Ordering::Relaxed);
        self.unix_nanos
            .store(clock::unix_nanos(ended_at), Ordering::Relaxed);
        self.sequence.store(sequence + 2, Ordering::Release);
    }

    /// The exemplar, if one was written and could be read consistently.
    pub(crate) fn read(&self) -> Option<Exemplar> {
        for _ in 0..READ_ATTEMPTS {
            let before = self.sequence.load(Ordering::Acquire);
            if before == 0 {
                return None;
            }
            if before & 1 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let trace_id = u128::from(self.trace_high.load(Ordering::Relaxed)) << 64
                | u128::from(self.trace_low.load(Ordering::Relaxed));
            let span_id = self.span.load(Ordering::Relaxed);
            let nanos = self.nanos.load(Ordering::Relaxed);
            let unix_nanos = self.unix_nanos.load(Ordering::Relaxed);
            fence(Ordering::Acquire);
            if self.sequence.load(Ordering::Relaxed) == before {
                let trace = TraceContext::new(trace_id.to_be_bytes(), span_id.to_be_bytes())?;
                return Some(Exemplar {
                    trace,
                    nanos,
                    unix_nanos,
                });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::ExemplarSlot;
    use crate::record::clock::{self, Ticks};
    use crate::trace::TraceContext;

    #[test]
    fn keeps_the_latest_write_at_most_one_per_gap() {
        let slot = ExemplarSlot::default();
        assert_eq!(slot.read(), None);
        let first = TraceContext::new([1; 16], [2; 8]).unwrap();
        let second = TraceContext::new([3; 16], [4; 8]).unwrap();
        let start = clock::now();
        slot.write(&first, 10, start);
        // Within the gap: the kept one stays.
        slot.write(&second, 20, start);
        assert_eq!(slot.read().unwrap().trace, first);
        std::thread::sleep(std::time::Duration::from_nanos(super::MIN_GAP_NANOS));
        slot.write(&second, 20, clock::now());
        let exemplar = slot.read().unwrap();
        assert_eq!(exemplar.trace, second);
        assert_eq!(exemplar.nanos, 20);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let age = now.abs_diff(u128::from(exemplar.unix_nanos));
        assert!(age < 5_000_000_000, "exemplar {age} ns away from now");
    }

    #[test]
    fn concurrent_writers_never_tear_an_exemplar() {
        // Readings far apart (10^8 ticks is over a millisecond on any
        // clock), so the gap lets most writes through and they overlap.
        static READING: AtomicU64 = AtomicU64::new(1);
        let slot = ExemplarSlot::default();
        let written = AtomicU64::new(0);
        let finished = AtomicU64::new(0);
        std::thread::scope(|scope| {
            for writer in 1..=3_u8 {
                let (slot, written, finished) = (&slot, &written, &finished);
                scope.spawn(move || {
                    let trace = TraceContext::new([writer; 16], [writer; 8]).unwrap();
                    for _ in 0..20_000 {
                        let at = Ticks::from_raw(READING.fetch_add(100_000_000, Ordering::Relaxed));
                        let before = slot.sequence.load(Ordering::Relaxed);
                        slot.write(&trace, u64::from(writer), at);
                        if slot.sequence.load(Ordering::Relaxed) != before {
                            written.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    finished.fetch_add(1, Ordering::Release);
                });
            }
            // Read for as long as anyone writes, and once after.
            let mut seen = 0;
            loop {
                let done = finished.load(Ordering::Acquire) == 3;
                if let Some(exemplar) = slot.read() {
                    let writer = exemplar.trace.span_id()[0];
                    assert_eq!(exemplar.trace.trace_id(), [writer; 16]);
                    assert_eq!(exemplar.nanos, u64::from(writer));
                    seen += 1;
                }
                if done {
                    break;
                }
            }
            assert!(seen > 0);
        });
        // Many writes went through, racing the reads above.
        assert!(written.load(Ordering::Relaxed) > 1_000, "{written:?}");
    }
}
