//! The clock of a call: the CPU's time-stamp counter where it is invariant
//! (x86-64), the OS monotonic clock elsewhere.
//!
//! Two readings are taken per call, so their cost is most of a metered
//! call's. A reading is inline: one relaxed load of which source was chosen
//! and the `rdtsc` instruction, no call and no lazy-initialisation check of
//! a clock object. A duration is the readings' difference times a
//! fixed-point scale (nanoseconds per tick, measured once against the OS
//! clock; exactly 1 for the OS clock), so both sources take one path.
//!
//! An invariant TSC ticks at one rate on every core, so a start read on one
//! thread and an end read on another (an async call that resumed on another
//! worker) still give the right duration; a negative delta from residual
//! skew saturates at zero.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Which source readings come from: not chosen yet, the TSC, the OS clock.
static SOURCE: AtomicU8 = AtomicU8::new(UNCHOSEN);
const UNCHOSEN: u8 = 0;
const TSC: u8 = 1;
const OS: u8 = 2;

/// Nanoseconds per tick, in fixed point with [`SCALE_SHIFT`] fraction bits.
/// Written once, before [`SOURCE`] is published. At most one nanosecond a
/// tick (the TSC is used only at 1 GHz or faster), so any tick count scaled
/// fits in 64 bits and [`nanos_of`] needs no saturation.
static SCALE: AtomicU64 = AtomicU64::new(1 << SCALE_SHIFT);
const SCALE_SHIFT: u32 = 32;

/// How long the TSC is measured against the OS clock, once per process.
const CALIBRATION: Duration = Duration::from_millis(2);

/// A raw reading, only meaningful to [`nanos_between`] and [`unix_nanos`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ticks(u64);

/// Reads the clock.
#[inline(always)]
pub(crate) fn now() -> Ticks {
    match SOURCE.load(Ordering::Acquire) {
        TSC => Ticks(read_tsc()),
        OS => Ticks(os_nanos()),
        _ => Ticks(choose_source()),
    }
}

/// Reads the TSC, if it is the clock's source (chosen, on x86-64): a
/// reading that calls nothing, for the path that must not.
#[inline(always)]
pub(crate) fn tsc_now() -> Option<Ticks> {
    (SOURCE.load(Ordering::Acquire) == TSC).then(|| Ticks(read_tsc()))
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

/// Nanoseconds from `start` to `end` (zero if `end` is not later).
#[inline(always)]
pub(crate) fn nanos_between(start: Ticks, end: Ticks) -> u64 {
    nanos_of(ticks_between(start, end))
}

/// Ticks from `start` to `end` (zero if `end` is not later).
#[inline(always)]
pub(crate) fn ticks_between(start: Ticks, end: Ticks) -> u64 {
    end.0.saturating_sub(start.0)
}

/// Nanoseconds in `ticks`: never fewer for more ticks.
#[inline(always)]
pub(crate) fn nanos_of(ticks: u64) -> u64 {
    let scaled = (u128::from(ticks) * u128::from(SCALE.load(Ordering::Relaxed))) >> SCALE_SHIFT;
    // Below 2^64: `SCALE` is at most 2^SCALE_SHIFT.
    #[allow(clippy::cast_possible_truncation)]
    let nanos = scaled as u64;
    nanos
}

/// The most ticks that are at most `nanos` nanoseconds: a duration in
/// ticks is within a bound in nanoseconds exactly when it is within this
/// many ticks. Chooses the clock's source first, if no reading did.
pub(crate) fn ticks_within(nanos: u64) -> u64 {
    if SOURCE.load(Ordering::Acquire) == UNCHOSEN {
        choose_source();
    }
    // The first tick count past `nanos`, less one; `nanos_of` never
    // decreases.
    let (mut low, mut high) = (0_u64, u64::MAX);
    while low < high {
        let middle = low + (high - low) / 2;
        if nanos_of(middle) <= nanos {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    if nanos_of(low) <= nanos { low } else { low - 1 }
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
    now.saturating_sub(nanos_between(at, self::now()))
}

/// Nanoseconds since the first reading of the process, from the OS clock.
fn os_nanos() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn read_tsc() -> u64 {
    // SAFETY: `rdtsc` exists on every x86-64 CPU and has no preconditions.
    unsafe { std::arch::x86_64::_rdtsc() }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn read_tsc() -> u64 {
    // Never chosen off x86-64 (see `tsc_is_invariant`).
    os_nanos()
}

/// Whether the CPU says its TSC ticks at one rate in every power state and
/// on every core (CPUID leaf 0x8000_0007, EDX bit 8).
#[cfg(target_arch = "x86_64")]
fn tsc_is_invariant() -> bool {
    use std::arch::x86_64::__cpuid;
    // Leaf 0x8000_0000 says which extended leaves the CPU answers.
    let highest = __cpuid(0x8000_0000).eax;
    highest >= 0x8000_0007 && __cpuid(0x8000_0007).edx & (1 << 8) != 0
}

#[cfg(not(target_arch = "x86_64"))]
fn tsc_is_invariant() -> bool {
    false
}

/// The first reading of the process: chooses the source, measures the
/// TSC's rate against the OS clock if it is the one, and reads it. Threads
/// that race here all measure; the first to finish publishes its scale.
#[cold]
#[inline(never)]
fn choose_source() -> u64 {
    static CHOSEN: OnceLock<(u8, u64)> = OnceLock::new();
    let &(source, scale) = CHOSEN.get_or_init(|| {
        os_nanos();
        // A TSC slower than 1 GHz (none known) would measure no finer
        // than the OS clock.
        let tsc_scale = tsc_is_invariant().then(measure_tsc_scale);
        if let Some(scale) = tsc_scale.filter(|&scale| scale <= 1 << SCALE_SHIFT) {
            (TSC, scale)
        } else {
            (OS, 1 << SCALE_SHIFT)
        }
    });
    SCALE.store(scale, Ordering::Relaxed);
    SOURCE.store(source, Ordering::Release);
    match source {
        TSC => read_tsc(),
        _ => os_nanos(),
    }
}

/// Nanoseconds per TSC tick in fixed point, from two readings of both
/// clocks [`CALIBRATION`] apart (the thread sleeps meanwhile: an invariant
/// TSC does not stop).
fn measure_tsc_scale() -> u64 {
    let (first_ticks, first_at) = read_both();
    std::thread::sleep(CALIBRATION);
    let (last_ticks, last_at) = read_both();
    let ticks = u128::from(last_ticks.saturating_sub(first_ticks)).max(1);
    let nanos = (last_at - first_at).as_nanos();
    u64::try_from((nanos << SCALE_SHIFT) / ticks).unwrap_or(u64::MAX)
}

/// The TSC and the OS clock read as close together as this thread manages:
/// the OS clock between two TSC readings, the closest of a few tries (a
/// try the OS interrupted shows a wide gap).
fn read_both() -> (u64, Instant) {
    (0..16)
        .map(|_| {
            let before = read_tsc();
            let at = Instant::now();
            let after = read_tsc();
            (after.saturating_sub(before), before / 2 + after / 2, at)
        })
        .min_by_key(|&(gap, _, _)| gap)
        .map(|(_, ticks, at)| (ticks, at))
        .expect("sixteen tries")
}

#[cfg(test)]
mod tests {
    use super::{nanos_between, now};
    use std::time::{Duration, Instant};

    #[test]
    fn a_duration_matches_the_os_clock() {
        let outer = Instant::now();
        let start = now();
        let inner = Instant::now();
        std::thread::sleep(Duration::from_millis(20));
        let inner = inner.elapsed().as_nanos();
        let elapsed = u128::from(nanos_between(start, now()));
        let outer = outer.elapsed().as_nanos();
        // The call's readings lie between the OS clock's outer readings and
        // around its inner ones, however loaded the machine: within 2% of
        // those (the TSC's rate is measured, not exact).
        assert!(
            elapsed * 100 >= inner * 98,
            "{elapsed} ns, at least {inner} ns"
        );
        assert!(
            elapsed * 100 <= outer * 102,
            "{elapsed} ns, at most {outer} ns"
        );
    }

    #[test]
    fn a_reading_before_the_start_is_no_time() {
        let later = now();
        let earlier = super::Ticks(later.0.saturating_sub(1_000));
        assert_eq!(nanos_between(later, earlier), 0);
    }
}
