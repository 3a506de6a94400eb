//! The clock of a call: the CPU's time-stamp counter where it is invariant,
//! the OS monotonic clock elsewhere (both through `quanta`).
//!
//! Two readings are taken per call, so their cost is most of a metered
//! call's (a TSC read is a fraction of `Instant::now()`; docs/benchmarks.md
//! has the numbers). An invariant TSC ticks at one rate on every core, so
//! a start read on one thread and an end read on another (an async call that
//! resumed on another worker) still give the right duration; a negative
//! delta from residual skew saturates at zero.

use std::sync::LazyLock;

static CLOCK: LazyLock<quanta::Clock> = LazyLock::new(quanta::Clock::new);

/// A raw reading, only meaningful to [`nanos_between`] and [`unix_nanos`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ticks(u64);

#[inline]
pub(crate) fn now() -> Ticks {
    Ticks(CLOCK.raw())
}

impl Ticks {
    /// The reading as a number, to keep in an atomic.
    pub(crate) fn raw(self) -> u64 {
        self.0
    }

    pub(crate) fn from_raw(raw: u64) -> Self {
        Ticks(raw)
    }
}

/// Wall-clock time of a reading, in nanoseconds since the Unix epoch: now,
/// less the time since the reading. For exemplars, read at render time so
/// a call pays for no wall-clock read.
pub(crate) fn unix_nanos(at: Ticks) -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
        });
    now.saturating_sub(CLOCK.delta_as_nanos(at.0, CLOCK.raw()))
}

/// Nanoseconds from `start` to `end`.
#[inline]
pub(crate) fn nanos_between(start: Ticks, end: Ticks) -> u64 {
    CLOCK.delta_as_nanos(start.0, end.0)
}
