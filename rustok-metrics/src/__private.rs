//! The contract between `#[metered]` and this crate: everything generated
//! code names, and nothing else. Not public API; it changes with the macro,
//! which is why the two crates pin each other's exact version.

pub use crate::__rustok_metrics_spanned_exit as spanned_exit;
pub use crate::__rustok_metrics_status_of as status_of;
pub use crate::build_info::register_build_info;
pub use crate::label::{IntoKind, KindValue};
pub use crate::module::{
    CallGuard, CallSite, DeclaredSettings, Exit, SiteEntry, Suspended, awaiting,
};
pub use crate::outcome::{Outcome, classify};
pub use crate::question::{FromQuestion, NoResidual, Question};
#[cfg(feature = "tracing")]
pub use crate::span::{CallSpan, ReportError, gated};
pub use crate::span::{ErrorFields, Observer, Unobserved, describe};
pub use inventory;
#[cfg(feature = "tracing")]
pub use tracing;

/// The outcome of a call that returned normally with a non-error value.
pub const SUCCESS: Outcome = Outcome::Success;

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
