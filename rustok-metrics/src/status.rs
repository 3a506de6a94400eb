//! How a call ended, and how a return value maps to it.

/// The `status` label of `rustok_<module>_operations_total`.
///
/// ```
/// use rustok_metrics::Status;
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

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// How one call ended: its [`Status`], and for an error whose type
/// implements [`MetricLabel`](crate::MetricLabel), the error's label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The `status` label.
    pub status: Status,
    /// The `error_kind` label: `""` unless the call returned a labelled error.
    pub error_kind: &'static str,
}

impl Outcome {
    /// An outcome without an error kind.
    #[must_use]
    pub const fn of(status: Status) -> Self {
        Outcome {
            status,
            error_kind: "",
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
    use super::{Outcome, Status};
    use crate::MetricLabel;

    /// A borrowed return value on its way to an [`Outcome`].
    pub struct Classify<'a, T: ?Sized>(pub &'a T);

    impl<T: ?Sized> Clone for Classify<'_, T> {
        fn clone(&self) -> Self {
            *self
        }
    }

    impl<T: ?Sized> Copy for Classify<'_, T> {}

    /// `Result<_, E>` with `E: MetricLabel`: `Err` is an error of that kind.
    pub trait ClassifyLabelledError {
        /// The outcome of the wrapped value.
        fn __rustok_outcome(self) -> Outcome;
    }

    impl<T, E: MetricLabel> ClassifyLabelledError for &&Classify<'_, Result<T, E>> {
        #[inline]
        fn __rustok_outcome(self) -> Outcome {
            match self.0 {
                Ok(_) => Outcome::of(Status::Success),
                Err(error) => Outcome {
                    status: Status::Error,
                    error_kind: error.metric_label(),
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
            Outcome::of(if self.0.is_ok() {
                Status::Success
            } else {
                Status::Error
            })
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
            Outcome::of(Status::Success)
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
