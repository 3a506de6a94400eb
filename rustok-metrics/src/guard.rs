//! The guard that turns one call into exactly one recorded outcome.

use crate::clock::{self, Ticks};
use crate::recorder::Recorder;
use crate::status::{Outcome, Status};

/// Measures one call from its start to [`finish`](Self::finish).
///
/// A guard dropped without `finish` means the call did not return: while the
/// thread is panicking that is a `panic`; otherwise, for a future dropped
/// between polls, it is `cancelled`. Either way the duration is observed once.
#[must_use = "a call is recorded when its guard finishes or drops"]
pub struct CallGuard {
    recorder: &'static Recorder,
    started: Ticks,
}

impl CallGuard {
    #[inline]
    pub(crate) fn new(recorder: &'static Recorder) -> Self {
        CallGuard {
            recorder,
            started: clock::now(),
        }
    }

    /// Records the call as ended with `outcome`: its error kind is the
    /// recorder's detail.
    #[inline]
    pub fn finish(self, outcome: Outcome) {
        self.finish_with(outcome.status, outcome.error_kind);
    }

    /// The recorder and start time, for a caller that records the outcome
    /// itself (`__private::Exit`, which learns it before it drops).
    #[inline]
    pub(crate) fn into_parts(self) -> (&'static Recorder, Ticks) {
        let parts = (self.recorder, self.started);
        std::mem::forget(self);
        parts
    }

    /// Records the call as ended with `status` and a `detail` label.
    #[inline]
    pub(crate) fn finish_with(self, status: Status, detail: &'static str) {
        self.recorder
            .record(status, detail, clock::nanos_since(self.started));
        std::mem::forget(self);
    }
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        let status = if std::thread::panicking() {
            Status::Panic
        } else {
            Status::Cancelled
        };
        self.recorder
            .record(status, "", clock::nanos_since(self.started));
    }
}

impl std::fmt::Debug for CallGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallGuard").finish_non_exhaustive()
    }
}
