//! The `?` operator as `#[metered]` writes it, so the value of every early
//! exit is seen on its way out: stable Rust has no `Try` trait to call.

use std::convert::Infallible;
use std::ops::ControlFlow;

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

/// A residual no `?` produces. Its impls give `Result` and `Option` a
/// second candidate, so the compiler takes a `?`'s residual type from the
/// expression instead of guessing it from the one impl (which, for an error
/// type with no `From` impls of its own, turned "`From<E>` is not
/// implemented" into a mismatched-types error inside the expansion).
#[derive(Debug)]
pub enum NoResidual {}

impl<T, F> FromQuestion<NoResidual> for Result<T, F> {
    fn from_residual(residual: NoResidual) -> Self {
        match residual {}
    }
}

impl<T> FromQuestion<NoResidual> for Option<T> {
    fn from_residual(residual: NoResidual) -> Self {
        match residual {}
    }
}
