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

/// A raw reading, only meaningful to [`nanos_since`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ticks(u64);

#[inline]
pub(crate) fn now() -> Ticks {
    Ticks(CLOCK.raw())
}

/// Nanoseconds from `start` to now.
#[inline]
pub(crate) fn nanos_since(start: Ticks) -> u64 {
    CLOCK.delta_as_nanos(start.0, CLOCK.raw())
}
