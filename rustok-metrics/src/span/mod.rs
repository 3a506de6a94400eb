//! The metered call's own span: `#[metered(.., span)]` (feature `tracing`).
//!
//! A metered call can tell one more party than its recorder how it runs: an
//! [`Observer`], kept in the call's `Exit` next to its clock. Calls without
//! `span` have [`Unobserved`], which does nothing and costs nothing: its
//! methods are empty and inline away, and `Exit<Unobserved>` is as large as
//! the `Exit` it always was. With `span`, the observer is `CallSpan` (in
//! `call_span`): a `tracing` span entered while the call runs (on each poll
//! of an `async` call, left at each `.await` that is pending), told the
//! call's `status` and error in the metric's words, and closed only after
//! the call is recorded, so the exemplar of the sample is this span.
//!
//! What generated code learns about an error it returns, it learns where the
//! error's type is known: [`describe`] is autoref specialisation, as
//! `outcome::classify` is, and hands an [`ErrorFields`] to the observer.

pub mod describe;
mod spanned_exit;

#[cfg(feature = "tracing")]
mod call_span;
#[cfg(feature = "tracing")]
mod level_gate;
#[cfg(feature = "tracing")]
mod panic_message;

#[cfg(feature = "tracing")]
pub use call_span::{CallSpan, ReportError};
#[cfg(feature = "tracing")]
pub use level_gate::gated;

use std::fmt::{Debug, Display};

use crate::outcome::Status;

/// Watches one metered call besides its metrics. Generated code only.
pub trait Observer {
    /// Whether the observer does anything: `false` lets the `await` path
    /// skip the checks made only for it.
    const ACTIVE: bool;

    /// The call is parked at an `.await` whose future is pending.
    fn suspend(&self);

    /// The call is polled again after [`suspend`](Self::suspend).
    fn resume(&self);

    /// An exit of the call returns an error: `error_kind` is the metric's
    /// label of it, if it has one.
    fn failed(&self, error_kind: Option<&'static str>, error: &ErrorFields<'_>);

    /// Whether the observer needs to see the call end: otherwise the call
    /// is recorded as one without an observer, and [`end`](Self::end) is
    /// not called.
    fn watching(&self) -> bool;

    /// The call ends with `status`; `record` records it in the metrics and
    /// must run where the observer wants the exemplar to be taken.
    /// `suspended`: the call was parked at an `.await` (it is cancelled).
    /// Called once, from the call's `Exit` as it drops.
    fn end(&mut self, status: Status, suspended: bool, record: impl FnOnce());
}

/// The observer of a call without `span`: nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unobserved;

impl Observer for Unobserved {
    const ACTIVE: bool = false;

    #[inline(always)]
    fn suspend(&self) {}

    #[inline(always)]
    fn resume(&self) {}

    #[inline(always)]
    fn failed(&self, _: Option<&'static str>, _: &ErrorFields<'_>) {}

    #[inline(always)]
    fn watching(&self) -> bool {
        false
    }

    #[inline(always)]
    fn end(&mut self, _: Status, _: bool, record: impl FnOnce()) {
        record();
    }
}

/// An error a metered call returns, as far as its type allows: its type's
/// name, and its `Display` and `Debug` when it has them.
#[derive(Clone, Copy)]
pub struct ErrorFields<'a> {
    type_name: &'static str,
    display: Option<&'a dyn Display>,
    debug: Option<&'a dyn Debug>,
}

impl<'a> ErrorFields<'a> {
    /// The error's type's full name (`std::any::type_name`).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The error's `Display`, if its type implements it.
    #[must_use]
    pub fn display(&self) -> Option<&'a dyn Display> {
        self.display
    }

    /// The error's `Debug`, if its type implements it.
    #[must_use]
    pub fn debug(&self) -> Option<&'a dyn Debug> {
        self.debug
    }
}

impl Debug for ErrorFields<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErrorFields")
            .field("type_name", &self.type_name)
            .finish_non_exhaustive()
    }
}

/// `a::b::Error` as `Error`, `Box<dyn core::error::Error>` as
/// `Box<dyn Error>`: every path in a type's name cut to its last segment.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) fn short_type_name(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.contains(['<', '(', '[', '&', ' ']) {
        return std::borrow::Cow::Borrowed(name.rsplit("::").next().unwrap_or(name));
    }
    let mut out = String::with_capacity(name.len());
    let mut segment_start = 0;
    for (at, c) in name.char_indices() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            if name[at..].starts_with("::") {
                // Drop what this path said so far.
                out.truncate(segment_start);
            }
            if c != ':' {
                out.push(c);
            }
        } else {
            out.push(c);
            segment_start = out.len();
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn type_names_keep_their_last_segments() {
        assert_eq!(
            short_type_name("my_crate::errors::ContentError"),
            "ContentError"
        );
        assert_eq!(short_type_name("ContentError"), "ContentError");
        assert_eq!(
            short_type_name("alloc::boxed::Box<dyn core::error::Error + core::marker::Send>"),
            "Box<dyn Error + Send>"
        );
        assert_eq!(short_type_name("&str"), "&str");
        assert_eq!(short_type_name("(a::B, c::D)"), "(B, D)");
    }
}
