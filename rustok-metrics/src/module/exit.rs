//! The guard generated code keeps for one metered call.

use std::cell::Cell;
use std::future::{Future, IntoFuture, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicU8, Ordering};

use super::call_site::CallGuard;
use crate::outcome::{Outcome, Status};
use crate::record::{EndsOn, Started};
use crate::span::{ErrorFields, Observer, Unobserved};

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
///
/// `O` watches the call besides the metrics: nothing for most calls, the
/// call's own span with `#[metered(.., span)]`.
#[must_use = "a call is recorded when its `Exit` drops"]
pub struct Exit<O: Observer = Unobserved> {
    started: Started,
    outcome: Cell<Option<Outcome>>,
    /// Started while a panic was already unwinding (called from a `Drop`).
    started_unwinding: bool,
    suspended: Suspended<O>,
}

/// Whether an `async` call is suspended at an `.await` (`PARKED`: set
/// while the awaited future is pending, cleared when it is polled again),
/// and whether it ever was (`HAS_PARKED`: it may have resumed on another
/// thread). Shared with [`awaiting`] across the await, so it is an atomic
/// (the future stays `Send`). Generated code only. It holds the call's
/// observer, which is told when the call parks and resumes.
#[derive(Debug, Default)]
pub struct Suspended<O = Unobserved> {
    parked: AtomicU8,
    observer: O,
}

const PARKED: u8 = 1;
const HAS_PARKED: u8 = 2;

/// `future.await` as generated code writes it in a metered `async fn`: the
/// same await, noting on the call's [`Suspended`] while `future` is pending.
/// `future` becomes its future right away, as `.await` does, so only that
/// future needs to be `Send` for the caller's future to be. Generated code
/// only.
pub fn awaiting<'s, F: IntoFuture, O: Observer>(
    future: F,
    suspended: &'s Suspended<O>,
) -> impl Future<Output = F::Output> + 's
where
    F::IntoFuture: 's,
{
    let future = future.into_future();
    async move {
        let mut future = pin!(future);
        poll_fn(|cx| {
            // Polled again after parking: the observer's span is entered
            // before the awaited future runs, as it was when it parked.
            let parked = suspended.parked.load(Ordering::Relaxed);
            if parked & PARKED != 0 {
                suspended.observer.resume();
                suspended.parked.store(HAS_PARKED, Ordering::Relaxed);
            }
            let poll = future.as_mut().poll(cx);
            if poll.is_pending() {
                suspended
                    .parked
                    .store(PARKED | HAS_PARKED, Ordering::Relaxed);
                suspended.observer.suspend();
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
        Exit::observed(call, Unobserved)
    }

    /// A sync call that cannot return an error: every normal exit succeeds.
    #[inline]
    pub fn succeeding(call: CallGuard) -> Self {
        Exit::new(call).into_succeeding()
    }
}

#[cfg(feature = "tracing")]
impl Exit<crate::span::CallSpan> {
    /// A call in a span of its own: `span` makes it from the call's `kind`
    /// label (after the call started, so a computed kind is evaluated once),
    /// and it is entered at once; `report` emits the `err` event.
    #[inline]
    pub fn spanned(
        (call, kind): (CallGuard, &'static str),
        span: impl FnOnce(&'static str) -> tracing::Span,
        report: Option<crate::span::ReportError>,
    ) -> Self {
        let started = call.into_guard().into_started();
        let observer = crate::span::CallSpan::entered(span(kind), report);
        Exit::from_started(started, observer)
    }
}

impl<O: Observer> Exit<O> {
    #[inline]
    fn observed(call: CallGuard, observer: O) -> Self {
        Exit::from_started(call.into_guard().into_started(), observer)
    }

    #[inline]
    fn from_started(started: Started, observer: O) -> Self {
        Exit {
            started,
            outcome: Cell::new(None),
            started_unwinding: std::thread::panicking(),
            suspended: Suspended {
                parked: AtomicU8::new(0),
                observer,
            },
        }
    }

    /// This call, noted as a success up front: a sync call that cannot
    /// return an error.
    #[inline]
    pub fn into_succeeding(self) -> Self {
        self.outcome.set(Some(Outcome::Success));
        self
    }

    /// Where this call notes that it is suspended at an `.await`.
    #[inline]
    pub fn suspended(&self) -> &Suspended<O> {
        &self.suspended
    }

    /// Tells the observer about the error an exit returns, if `outcome` is
    /// one, and passes `outcome` on: how a call with a span classifies what
    /// it returns.
    #[inline]
    pub fn described(&self, outcome: Outcome, error: Option<ErrorFields<'_>>) -> Outcome {
        if let (Outcome::Error { error_kind }, Some(error)) = (outcome, error) {
            self.suspended.observer.failed(error_kind, &error);
        }
        outcome
    }

    /// Notes a success on `exit` and passes `value` on: the exits
    /// `Ok(value)` and `Some(value)`. `exit` comes second, so it is borrowed
    /// only once `value` is evaluated: an `.await` in `value` does not hold
    /// a borrow of the (`!Sync`) `Exit` and the future stays `Send`.
    #[inline]
    pub fn returns_ok<T>(value: T, exit: &Exit<O>) -> T {
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
    pub fn noted<T, F: FnOnce(&T) -> Outcome>(value: T, exit: &Exit<O>, outcome: F) -> T {
        exit.returns(outcome(&value));
        value
    }

    /// Notes how the call is about to end.
    #[inline]
    pub fn returns(&self, outcome: Outcome) {
        self.outcome.set(Some(outcome));
    }
}

impl<O: Observer> Exit<O> {
    /// How the call ended, as it drops, whether it was parked at an
    /// `.await` then, and the thread it ends on (another than it started on,
    /// maybe, if it ever parked).
    #[inline(always)]
    fn ending(&self) -> (Status, Option<&'static str>, bool, EndsOn) {
        let parked = self.suspended.parked.load(Ordering::Relaxed);
        // Parked at an `.await`: whoever held the future dropped it, even
        // while unwinding from a panic of its own.
        let suspended = parked & PARKED != 0;
        let ends_on = if parked == 0 {
            EndsOn::StartingThread
        } else {
            EndsOn::AnyThread
        };
        let unwinding = std::thread::panicking();
        let (status, error_kind) = match self.outcome.get() {
            _ if suspended => (Status::Cancelled, None),
            // A panic that began after the exit was noted: a local's `Drop`.
            Some(_) if unwinding && !self.started_unwinding => (Status::Panic, None),
            Some(outcome) => outcome.status_and_tag(),
            // Neither returned nor parked: it panicked, also when it was
            // called from a `Drop` during another panic. A sync call is
            // never cancelled.
            None if unwinding => (Status::Panic, None),
            // A future dropped between polls.
            None => (Status::Cancelled, None),
        };
        (status, error_kind, suspended, ends_on)
    }

    /// The end of a call whose observer watches it: out of line, so the
    /// drop of any `Exit` is only a call without an observer and one test,
    /// small enough to be inlined where the call is, even when the call has
    /// two ways out (a return and an unwinding), and the outcome its body
    /// notes is known there, not read back.
    #[inline(never)]
    fn end_watched(&mut self) {
        let (status, error_kind, suspended, ends_on) = self.ending();
        let started = self.started;
        // Recorded inside the observer's span, before it closes.
        self.suspended.observer.end(status, suspended, move || {
            started.end(status, error_kind, ends_on);
        });
    }
}

impl<O: Observer> Drop for Exit<O> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.suspended.observer.watching() {
            self.end_watched();
        } else {
            let (status, error_kind, _, ends_on) = self.ending();
            // A copy: the `Exit` itself is not lent out, so the compiler
            // sees that nothing else reads its flags.
            let started = self.started;
            started.end(status, error_kind, ends_on);
        }
    }
}

impl<O: Observer> std::fmt::Debug for Exit<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exit")
            .field("outcome", &self.outcome.get())
            .finish_non_exhaustive()
    }
}
