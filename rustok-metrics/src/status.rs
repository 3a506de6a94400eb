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

/// Classifying a return value by the type the compiler resolved, not by how
/// the signature spells it (`AppResult<T>`, `io::Result<T>`, an alias).
///
/// This is autoref specialisation: for `(&Classify(&value)).__rustok_status()`
/// method lookup first tries `Classify<T>` by reference, which only
/// [`ClassifyResult`] implements, and only for `Result`; every other type
/// falls through to [`ClassifyOther`] on `&Classify<T>`. Use it through
/// [`status_of!`](crate::__private::status_of), which brings both traits
/// into scope.
pub mod classify {
    use super::Status;

    /// A borrowed return value on its way to a [`Status`].
    pub struct Classify<'a, T: ?Sized>(pub &'a T);

    /// The `Result` case: `Err` is an error.
    pub trait ClassifyResult {
        /// The status of the wrapped value.
        fn __rustok_status(&self) -> Status;
    }

    impl<T, E> ClassifyResult for Classify<'_, Result<T, E>> {
        #[inline]
        fn __rustok_status(&self) -> Status {
            if self.0.is_ok() {
                Status::Success
            } else {
                Status::Error
            }
        }
    }

    /// Every other type: returning at all is a success.
    pub trait ClassifyOther {
        /// The status of the wrapped value.
        fn __rustok_status(&self) -> Status;
    }

    impl<T: ?Sized> ClassifyOther for &Classify<'_, T> {
        #[inline]
        fn __rustok_status(&self) -> Status {
            Status::Success
        }
    }
}

/// The [`Status`] of a returned value: `status_of!(&value)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __rustok_metrics_status_of {
    ($value:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::classify::{ClassifyOther as _, ClassifyResult as _};
        (&$crate::__private::classify::Classify($value)).__rustok_status()
    }};
}
