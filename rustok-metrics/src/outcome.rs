//! How a metered call ended (its `status` label), and how a return value
//! maps to it.

/// The `status` label of `rustok_<module>_operations_total`.
///
/// ```
/// use rustok_metrics::by_hand::Status;
///
/// assert_eq!(Status::Cancelled.as_str(), "cancelled");
/// assert_eq!(Status::ALL.len(), 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Returned normally: any value that is not a `Result`, or `Ok`.
    Success,
    /// Returned `Err`, however the `Result` type is spelled.
    Error,
    /// Panicked; the panic still reaches the caller.
    Panic,
    /// An `async fn` whose future was dropped after its first poll and before
    /// it completed.
    Cancelled,
}

impl Status {
    /// Every status, in the order of their index.
    pub const ALL: [Status; 4] = [
        Status::Success,
        Status::Error,
        Status::Panic,
        Status::Cancelled,
    ];

    /// The label value.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Error => "error",
            Status::Panic => "panic",
            Status::Cancelled => "cancelled",
        }
    }

    /// How many there are: a recorder keeps one count per status.
    pub(crate) const COUNT: usize = 4;

    /// The status's place in [`ALL`](Self::ALL) and in a recorder's counts.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// What a metered call's return value says about it: generated code gets
/// it from [`status_of!`](crate::__private::status_of) and hands it to the
/// call's guard. Panics and cancellations are not values; the guard sees
/// those itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `status="success"`.
    Success,
    /// `status="error"`, with the `error_kind` label of an error whose type
    /// implements [`MetricLabel`](crate::MetricLabel).
    Error {
        /// The `error_kind` label, if the error has one.
        error_kind: Option<&'static str>,
    },
}

impl Outcome {
    /// The call's status and tag: an error's kind is its tag.
    #[inline]
    pub(crate) fn status_and_tag(self) -> (Status, Option<&'static str>) {
        match self {
            Outcome::Success => (Status::Success, None),
            // An empty label is no label: counted with the unlabelled errors.
            Outcome::Error { error_kind } => {
                (Status::Error, error_kind.filter(|kind| !kind.is_empty()))
            }
        }
    }
}

/// Classifying a return value by the type the compiler resolved, not by how
/// the signature spells it (`AppResult<T>`, `io::Result<T>`, an alias).
///
/// This is autoref specialisation. For `(&&Classify(&value)).__rustok_outcome()`
/// method lookup tries, in order, the receiver `&&Classify<T>` (only
/// `ClassifyLabelledError`: a `Result` whose error implements
/// `MetricLabel`), then `&Classify<T>` (only `ClassifyError`: any
/// `Result`), then `Classify<T>` (`ClassifyOther`: everything). Use it
/// through [`status_of!`](crate::__private::status_of), which brings the
/// three traits into scope.
pub mod classify {
    use super::Outcome;
    use crate::MetricLabel;

    /// A borrowed return value on its way to an [`Outcome`].
    pub struct Classify<'a, T: ?Sized>(pub &'a T);

    impl<T: ?Sized> Clone for Classify<'_, T> {
        fn clone(&self) -> Self {
            *self
        }
    }

    impl<T: ?Sized> Copy for Classify<'_, T> {}

    impl<T: ?Sized> std::fmt::Debug for Classify<'_, T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Classify").finish_non_exhaustive()
        }
    }

    /// `Result<_, E>` with `E: MetricLabel`: `Err` is an error of that kind.
    pub trait ClassifyLabelledError {
        /// The outcome of the wrapped value.
        fn __rustok_outcome(self) -> Outcome;
    }

    impl<T, E: MetricLabel> ClassifyLabelledError for &&Classify<'_, Result<T, E>> {
        #[inline]
        fn __rustok_outcome(self) -> Outcome {
            match self.0 {
                Ok(_) => Outcome::Success,
                Err(error) => Outcome::Error {
                    error_kind: Some(error.metric_label()),
                },
            }
        }
    }

    /// Any other `Result`: `Err` is an error.
    pub trait ClassifyError {
        /// The outcome of the wrapped value.
        fn __rustok_outcome(self) -> Outcome;
    }

    impl<T, E> ClassifyError for &Classify<'_, Result<T, E>> {
        #[inline]
        fn __rustok_outcome(self) -> Outcome {
            if self.0.is_ok() {
                Outcome::Success
            } else {
                Outcome::Error { error_kind: None }
            }
        }
    }

    /// Every other type: returning at all is a success.
    pub trait ClassifyOther {
        /// The outcome of the wrapped value.
        fn __rustok_outcome(self) -> Outcome;
    }

    impl<T: ?Sized> ClassifyOther for Classify<'_, T> {
        #[inline]
        fn __rustok_outcome(self) -> Outcome {
            Outcome::Success
        }
    }
}

/// The [`Outcome`] of a returned value: `status_of!(&value)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __rustok_metrics_status_of {
    ($value:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::classify::{
            ClassifyError as _, ClassifyLabelledError as _, ClassifyOther as _,
        };
        (&&$crate::__private::classify::Classify($value)).__rustok_outcome()
    }};
}
