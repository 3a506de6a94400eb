//! A started call, and the guard that turns it into exactly one recorded end.

use super::clock::{self, Ticks};
use super::recorder::{Recorder, StartedOn};
use crate::outcome::Status;

/// A call that started: in flight in its recorder, its clock running.
/// Records nothing on its own: [`Guard`] records it on drop, and a caller
/// with its own drop logic (the metered call's `Exit`) calls [`end`](Self::end).
#[derive(Clone, Copy)]
pub(crate) struct Started {
    recorder: &'static Recorder,
    on: StartedOn<'static>,
    at: Ticks,
}

impl Started {
    /// Inline where the call starts: the clock first, then a thread-local
    /// read and the in-flight counter. On AMD EPYC under KVM a clock
    /// reading waits for the instructions before it to finish, and those
    /// after it run while it is read: in this order the stripe's lookup and
    /// count overlap the reading (2-3 ns a call less than counting the
    /// start first).
    #[inline(always)]
    pub(crate) fn now(recorder: &'static Recorder) -> Self {
        let at = clock::now();
        let on = recorder.start();
        Started { recorder, on, at }
    }

    /// Records the call as ended with `status` and an optional tag, on
    /// `ends_on`.
    #[inline(always)]
    pub(crate) fn end(self, status: Status, tag: Option<&'static str>, ends_on: EndsOn) {
        let on = match ends_on {
            EndsOn::StartingThread => self.on,
            EndsOn::AnyThread => StartedOn::ANYWHERE,
        };
        record_end(self.recorder, on, self.at, status, tag);
    }
}

/// The one call a metered function makes when it ends. Its arguments fit
/// in registers (a `Started` by reference was stored by the caller and
/// loaded back here, the start's reading on the way to the duration). The
/// common call (timed by the TSC, ending on its starting thread, nothing
/// rare to do) calls nothing further, so it saves three registers instead
/// of six; the others end in a call that takes over (a tail call): 18
/// instructions fewer a call. With the `opentelemetry` feature or a trace
/// source, every call may be traced, so every call makes that call, as it
/// made one for its exemplars before.
#[inline(never)]
fn record_end(
    recorder: &Recorder,
    on: StartedOn<'_>,
    at: Ticks,
    status: Status,
    tag: Option<&'static str>,
) {
    let Some(stripe) = on.stripe() else {
        return record_end_elsewhere(recorder, on, at, status, tag);
    };
    let Some(now) = clock::tsc_now() else {
        return record_end_elsewhere(recorder, on, at, status, tag);
    };
    let ticks = clock::ticks_between(at, now);
    let nanos = clock::nanos_of(ticks);
    if let Some(leftover) = recorder.record_in(stripe, status, tag, nanos, ticks) {
        recorder.record_leftover(stripe, leftover, tag, nanos);
    }
}

/// [`record_end`] for a call that may have moved to another thread, or on
/// a machine whose clock is the OS's.
#[inline(never)]
fn record_end_elsewhere(
    recorder: &Recorder,
    on: StartedOn<'_>,
    at: Ticks,
    status: Status,
    tag: Option<&'static str>,
) {
    let now = clock::now();
    let ticks = clock::ticks_between(at, now);
    let nanos = clock::nanos_of(ticks);
    recorder.record(on, status, tag, (nanos, Some(ticks)), now);
}

/// Which thread a call ends on, as far as its recorder needs to know.
#[derive(Clone, Copy, Debug)]
pub(crate) enum EndsOn {
    /// The thread it started on (a sync call, an async call that never
    /// parked): it ends in the stripe it started in.
    StartingThread,
    /// Maybe another (a future that parked, a request): its end looks up
    /// the stripe of the thread it ends on.
    AnyThread,
}

/// Measures one call until it is [`into_started`](Self::into_started) and
/// ended there.
///
/// A guard dropped without `end` means the call did not return: while the
/// thread is panicking that is [`Status::Panic`], otherwise (a future
/// dropped between polls) [`Status::Cancelled`]. Either way the duration is
/// recorded once.
#[must_use = "a call is recorded when its guard ends or drops"]
pub(crate) struct Guard(Started);

impl Guard {
    #[inline(always)]
    pub(crate) fn start(recorder: &'static Recorder) -> Self {
        Guard(Started::now(recorder))
    }

    /// The started call, for a caller that records it itself.
    #[inline(always)]
    pub(crate) fn into_started(self) -> Started {
        let started = self.0;
        std::mem::forget(self);
        started
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let status = if std::thread::panicking() {
            Status::Panic
        } else {
            Status::Cancelled
        };
        self.0.end(status, None, EndsOn::AnyThread);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::{EndsOn, Started};
    use crate::outcome::Status;
    use crate::record::{NativeLayout, Recorder, Snapshot};

    static LAYOUT: LazyLock<NativeLayout> = LazyLock::new(|| NativeLayout::new(3, 160));

    fn native_calls(recorder: &Recorder) -> u64 {
        let mut snapshot = Snapshot::default();
        recorder.add_to(&mut snapshot, true);
        assert!(snapshot.native.iter().sum::<u64>() <= snapshot.total());
        snapshot.native.iter().sum()
    }

    #[test]
    fn a_native_count_left_for_later_calls_is_read_exactly_once() {
        static RECORDER: LazyLock<Recorder> =
            LazyLock::new(|| Recorder::new(&[0.001], Some(&LAYOUT)));
        Started::now(&RECORDER).end(Status::Success, None, EndsOn::StartingThread);
        // Noted by the call, not counted yet: the read counts it.
        assert_eq!(native_calls(&RECORDER), 1);
        // A start changes nothing; the next call's note joins the first.
        let second = Started::now(&RECORDER);
        assert_eq!(native_calls(&RECORDER), 1);
        second.end(Status::Error, None, EndsOn::AnyThread);
        assert_eq!(native_calls(&RECORDER), 2);
        // The one after counts the first call's note: each still read once.
        let third = Started::now(&RECORDER);
        assert_eq!(native_calls(&RECORDER), 2);
        third.end(Status::Success, None, EndsOn::StartingThread);
        assert_eq!(native_calls(&RECORDER), 3);
        // Observed by hand (no start): noted and counted as calls are.
        RECORDER.observe(5_000);
        RECORDER.observe(5_000_000_000);
        assert_eq!(native_calls(&RECORDER), 5);
        // A thread that ended its only call and exited: still read.
        std::thread::spawn(|| {
            Started::now(&RECORDER).end(Status::Success, None, EndsOn::StartingThread)
        })
        .join()
        .unwrap();
        assert_eq!(native_calls(&RECORDER), 6);
        let mut snapshot = Snapshot::default();
        RECORDER.add_to(&mut snapshot, true);
        assert_eq!(snapshot.total(), 6);
        assert_eq!(snapshot.native[LAYOUT.counter_of_nanos(5_000_000_000)], 1);
    }
}
