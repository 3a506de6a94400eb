//! The guard that turns one call into exactly one recorded outcome.

use crate::Status;
use crate::call_site::CallSite;
use crate::clock::{self, Ticks};

/// Measures one call from [`CallSite::start`] to [`finish`](Self::finish).
///
/// A guard dropped without `finish` means the call did not return: while the
/// thread is panicking that is a `panic`; otherwise, for a future dropped
/// between polls, it is `cancelled`. Either way the duration is observed once.
#[must_use = "a call is recorded when its guard finishes or drops"]
#[derive(Debug)]
pub struct CallGuard {
    site: &'static CallSite,
    started: Ticks,
}

impl CallGuard {
    #[inline]
    pub(crate) fn new(site: &'static CallSite) -> Self {
        CallGuard {
            site,
            started: clock::now(),
        }
    }

    /// Records the call as ended with `status`.
    #[inline]
    pub fn finish(self, status: Status) {
        self.site.record(status, clock::nanos_since(self.started));
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
        self.site.record(status, clock::nanos_since(self.started));
    }
}
