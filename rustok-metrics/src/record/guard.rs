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
    #[inline]
    pub(crate) fn now(recorder: &'static Recorder) -> Self {
        let on = recorder.start();
        Started {
            recorder,
            on,
            at: clock::now(),
        }
    }

    /// Records the call as ended with `end` and an optional tag.
    #[inline]
    pub(crate) fn end(self, status: Status, tag: Option<&'static str>) {
        let now = clock::now();
        let nanos = clock::nanos_between(self.at, now);
        self.recorder.record(self.on, status, tag, nanos, now);
    }
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
    #[inline]
    pub(crate) fn start(recorder: &'static Recorder) -> Self {
        Guard(Started::now(recorder))
    }

    /// The started call, for a caller that records it itself.
    #[inline]
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
        self.0.end(status, None);
    }
}
