//! The contract between `#[metered]` and this crate: everything generated
//! code names, and nothing else. Not public API; it changes with the macro,
//! which is why the two crates pin each other's exact version.

pub use crate::__rustok_metrics_status_of as status_of;
pub use crate::call_site::{CallSite, SiteEntry};
pub use crate::guard::CallGuard;
pub use crate::label::{IntoKind, KindValue};
pub use crate::status::classify;
pub use inventory;

use std::cell::Cell;
use std::convert::Infallible;
use std::ops::ControlFlow;

use crate::clock::{self, Ticks};
use crate::recorder::Recorder;
use crate::status::{Outcome, Status};

/// The outcome of a call that returned normally with a non-error value.
pub const SUCCESS: Outcome = Outcome::of(Status::Success);

/// One metered call, from its first statement until the function's frame
/// (or its future) is gone.
///
/// Each way out of the body notes its outcome with [`returns`](Self::returns);
/// the call is recorded when `Exit` drops, after the body's own locals, so a
/// panic in their `Drop` counts as the call's. Dropped while a panic unwinds
/// that began after the call started: `panic`; dropped without a noted
/// outcome otherwise (a future dropped between polls): `cancelled`.
#[must_use = "a call is recorded when its `Exit` drops"]
pub struct Exit {
    recorder: &'static Recorder,
    started: Ticks,
    outcome: Cell<Option<Outcome>>,
    /// Started while a panic was already unwinding (called from a `Drop`).
    started_unwinding: bool,
}

impl Exit {
    /// A call whose exits note their outcome.
    #[inline]
    pub fn new(guard: CallGuard) -> Self {
        let (recorder, started) = guard.into_parts();
        Exit {
            recorder,
            started,
            outcome: Cell::new(None),
            started_unwinding: std::thread::panicking(),
        }
    }

    /// A sync call that cannot return an error: every normal exit succeeds.
    #[inline]
    pub fn succeeding(guard: CallGuard) -> Self {
        let exit = Exit::new(guard);
        exit.outcome.set(Some(SUCCESS));
        exit
    }

    /// Notes a success and passes `value` on: the exits `Ok(value)` and
    /// `Some(value)`, noted after `value` is evaluated.
    #[inline]
    pub fn returns_ok<T>(&self, value: T) -> T {
        self.returns(SUCCESS);
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
        let outcome = match self.outcome.get() {
            Some(outcome) if !panicked => outcome,
            _ if panicked => Outcome::of(Status::Panic),
            _ => Outcome::of(Status::Cancelled),
        };
        self.recorder.record(
            outcome.status,
            outcome.error_kind,
            clock::nanos_since(self.started),
        );
    }
}

impl std::fmt::Debug for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exit")
            .field("outcome", &self.outcome.get())
            .finish_non_exhaustive()
    }
}

/// Runs a sync body as a closure whose return type is `R` from the start, so
/// `return` and `?` inside it convert exactly as in the original function.
/// Used only for a body whose exits a macro may hide.
#[inline(always)]
pub fn call<R, F: FnOnce() -> R>(body: F) -> R {
    body()
}

/// Always `None`: its type names the output of an async block before the
/// block's body is type-checked.
#[inline(always)]
#[must_use]
pub const fn output_hint<T>() -> Option<T> {
    None
}

/// `expr?` as `#[metered]` writes it: [`Question::branch`] splits the value,
/// [`FromQuestion::from_residual`] turns the early exit into the function's
/// return value, as the `?` operator does (stable Rust has no `Try` trait).
#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be applied to values that implement `Try`",
    label = "the `?` operator cannot be applied to type `{Self}`"
)]
pub trait Question {
    /// The value `?` evaluates to.
    type Output;
    /// What `?` returns early with.
    type Residual;
    /// Continue with the value, or break with the residual.
    fn branch(self) -> ControlFlow<Self::Residual, Self::Output>;
}

impl<T, E> Question for Result<T, E> {
    type Output = T;
    type Residual = Result<Infallible, E>;

    #[inline]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Ok(value) => ControlFlow::Continue(value),
            Err(error) => ControlFlow::Break(Err(error)),
        }
    }
}

impl<T> Question for Option<T> {
    type Output = T;
    type Residual = Option<Infallible>;

    #[inline]
    fn branch(self) -> ControlFlow<Self::Residual, T> {
        match self {
            Some(value) => ControlFlow::Continue(value),
            None => ControlFlow::Break(None),
        }
    }
}

/// The function's return value built from a `?`'s residual.
#[diagnostic::on_unimplemented(
    message = "the `?` operator can only be used in a function that returns `Result` or `Option`",
    label = "cannot use the `?` operator in a function that returns `{Self}`"
)]
pub trait FromQuestion<R> {
    /// The early return value.
    fn from_residual(residual: R) -> Self;
}

impl<T, E, F: From<E>> FromQuestion<Result<Infallible, E>> for Result<T, F> {
    #[inline]
    #[track_caller]
    fn from_residual(residual: Result<Infallible, E>) -> Self {
        match residual {
            Err(error) => Err(From::from(error)),
        }
    }
}

impl<T> FromQuestion<Option<Infallible>> for Option<T> {
    #[inline]
    fn from_residual(_: Option<Infallible>) -> Self {
        None
    }
}
