//! The guard that turns one call into exactly one recorded end.

use super::clock::{self, Ticks};
use super::recorder::{End, Recorder};

/// Measures one call from its start to [`end`](Self::end).
///
/// A guard dropped without `end` means the call did not return: while the
/// thread is panicking that is [`End::Panicked`], otherwise (a future
/// dropped between polls) [`End::Abandoned`]. Either way the duration is
/// recorded once.
#[must_use = "a call is recorded when its guard ends or drops"]
pub(crate) struct Guard {
    recorder: &'static Recorder,
    started: Ticks,
}

impl Guard {
    #[inline]
    pub(crate) fn start(recorder: &'static Recorder) -> Self {
        recorder.start();
        Guard {
            recorder,
            started: clock::now(),
        }
    }

    /// Records the call as ended with `end` and an optional tag.
    #[inline]
    pub(crate) fn end(self, end: End, tag: Option<&'static str>) {
        self.recorder
            .record(end, tag, clock::nanos_since(self.started));
        std::mem::forget(self);
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let end = if std::thread::panicking() {
            End::Panicked
        } else {
            End::Abandoned
        };
        self.recorder
            .record(end, None, clock::nanos_since(self.started));
    }
}
