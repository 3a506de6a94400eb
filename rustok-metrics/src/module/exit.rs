//! The guard generated code keeps for one metered call.

use std::cell::Cell;

use super::call_site::CallGuard;
use crate::outcome::Outcome;
use crate::record::{End, Started};

/// One metered call, from its first statement until the function's frame
/// (or its future) is gone. Generated code only.
///
/// Each way out of the body notes its outcome with [`returns`](Self::returns);
/// the call is recorded when `Exit` drops, after the body's own locals, so a
/// panic in their `Drop` counts as the call's. Dropped while a panic unwinds
/// that began after the call started: `panic`; dropped without a noted
/// outcome otherwise (a future dropped between polls): `cancelled`.
#[must_use = "a call is recorded when its `Exit` drops"]
pub struct Exit {
    started: Started,
    outcome: Cell<Option<Outcome>>,
    /// Started while a panic was already unwinding (called from a `Drop`).
    started_unwinding: bool,
}

impl Exit {
    /// A call whose exits note their outcome.
    #[inline]
    pub fn new(call: CallGuard) -> Self {
        Exit {
            started: call.into_guard().into_started(),
            outcome: Cell::new(None),
            started_unwinding: std::thread::panicking(),
        }
    }

    /// A sync call that cannot return an error: every normal exit succeeds.
    #[inline]
    pub fn succeeding(call: CallGuard) -> Self {
        let exit = Exit::new(call);
        exit.outcome.set(Some(Outcome::Success));
        exit
    }

    /// Notes a success and passes `value` on: the exits `Ok(value)` and
    /// `Some(value)`, noted after `value` is evaluated.
    #[inline]
    pub fn returns_ok<T>(&self, value: T) -> T {
        self.returns(Outcome::Success);
        value
    }

    /// Notes how the call is about to end.
    #[inline]
    pub fn returns(&self, outcome: Outcome) {
        self.outcome.set(Some(outcome));
    }
}

impl Drop for Exit {
    #[inline]
    fn drop(&mut self) {
        let panicked = std::thread::panicking() && !self.started_unwinding;
        let (end, error_kind) = match self.outcome.get() {
            _ if panicked => (End::Panicked, None),
            Some(outcome) => outcome.end(),
            None => (End::Abandoned, None),
        };
        self.started.end(end, error_kind);
    }
}

impl std::fmt::Debug for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exit")
            .field("outcome", &self.outcome.get())
            .finish_non_exhaustive()
    }
}
