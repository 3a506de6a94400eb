//! The guard generated code keeps for one metered call.

use std::cell::Cell;
use std::future::{Future, IntoFuture, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};

use super::call_site::CallGuard;
use crate::outcome::Outcome;
use crate::record::{End, Started};

/// One metered call, from its first statement until the function's frame
/// (or its future) is gone. Generated code only.
///
/// Each way out of the body notes its outcome with [`returns`](Self::returns);
/// the call is recorded when `Exit` drops, after the body's own locals, so a
/// panic in their `Drop` counts as the call's. Dropped without a noted
/// outcome while the thread unwinds: `panic` (also for a call made from a
/// `Drop` during another panic: a sync call is never cancelled), unless the
/// call is an `async` one suspended at an `.await` (see [`awaiting`]): then
/// its caller is unwinding, not the call, and it is `cancelled`, as is a
/// future dropped between polls.
#[must_use = "a call is recorded when its `Exit` drops"]
pub struct Exit {
    started: Started,
    outcome: Cell<Option<Outcome>>,
    /// Started while a panic was already unwinding (called from a `Drop`).
    started_unwinding: bool,
    suspended: Suspended,
}

/// Whether an `async` call is suspended at an `.await`: set while the
/// awaited future is pending, cleared when it is polled again. Shared with
/// [`awaiting`] across the await, so it is an atomic (the future stays
/// `Send`). Generated code only.
#[derive(Debug, Default)]
pub struct Suspended(AtomicBool);

/// `future.await` as generated code writes it in a metered `async fn`: the
/// same await, noting on the call's [`Suspended`] while `future` is pending.
/// `future` becomes its future right away, as `.await` does, so only that
/// future needs to be `Send` for the caller's future to be. Generated code
/// only.
pub fn awaiting<'s, F: IntoFuture>(
    future: F,
    suspended: &'s Suspended,
) -> impl Future<Output = F::Output> + 's
where
    F::IntoFuture: 's,
{
    let future = future.into_future();
    async move {
        let mut future = pin!(future);
        poll_fn(|cx| {
            suspended.0.store(false, Ordering::Relaxed);
            let poll = future.as_mut().poll(cx);
            if poll.is_pending() {
                suspended.0.store(true, Ordering::Relaxed);
            }
            poll
        })
        .await
    }
}

impl Exit {
    /// A call whose exits note their outcome.
    #[inline]
    pub fn new(call: CallGuard) -> Self {
        Exit {
            started: call.into_guard().into_started(),
            outcome: Cell::new(None),
            started_unwinding: std::thread::panicking(),
            suspended: Suspended::default(),
        }
    }

    /// Where this call notes that it is suspended at an `.await`.
    #[inline]
    pub fn suspended(&self) -> &Suspended {
        &self.suspended
    }

    /// A sync call that cannot return an error: every normal exit succeeds.
    #[inline]
    pub fn succeeding(call: CallGuard) -> Self {
        let exit = Exit::new(call);
        exit.outcome.set(Some(Outcome::Success));
        exit
    }

    /// Notes a success on `exit` and passes `value` on: the exits
    /// `Ok(value)` and `Some(value)`. `exit` comes second, so it is borrowed
    /// only once `value` is evaluated: an `.await` in `value` does not hold
    /// a borrow of the (`!Sync`) `Exit` and the future stays `Send`.
    #[inline]
    pub fn returns_ok<T>(value: T, exit: &Exit) -> T {
        exit.returns(Outcome::Success);
        value
    }

    /// Notes on `exit` how the call ends from the value it returns
    /// (`outcome` reads it), and passes the value on: one expression, so
    /// the body's own locals are last used in it and nothing of ours runs
    /// after that use (clippy's `significant_drop_tightening` would
    /// otherwise ask the user to drop a guard early). `exit` comes after the
    /// value, as in [`returns_ok`](Self::returns_ok).
    #[inline]
    pub fn noted<T, F: FnOnce(&T) -> Outcome>(value: T, exit: &Exit, outcome: F) -> T {
        exit.returns(outcome(&value));
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
        // Parked at an `.await`: whoever held the future dropped it, even
        // while unwinding from a panic of its own.
        let suspended = self.suspended.0.load(Ordering::Relaxed);
        let unwinding = std::thread::panicking();
        let (end, error_kind) = match self.outcome.get() {
            _ if suspended => (End::Abandoned, None),
            // A panic that began after the exit was noted: a local's `Drop`.
            Some(_) if unwinding && !self.started_unwinding => (End::Panicked, None),
            Some(outcome) => outcome.end(),
            // Neither returned nor parked: it panicked, also when it was
            // called from a `Drop` during another panic. A sync call is
            // never cancelled.
            None if unwinding => (End::Panicked, None),
            // A future dropped between polls.
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
