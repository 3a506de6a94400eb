//! The level check `tracing::span!` begins with, made inline before the
//! rest of `span!` runs out of line.
//!
//! Where no subscriber takes spans at the call's level (none installed, or
//! a filter below it), a call with `span` then costs one load and one
//! comparison; the code that builds the span's fields and asks its callsite
//! stays out of the metered function, which stays as small as its twin
//! without `span`.
//!
//! (`tracing`'s `log` fallback, for an application with no subscriber,
//! gets no record of these spans below the level filter; it never got their
//! entries and exits, which are made by hand.)

use tracing::level_filters::{LevelFilter, STATIC_MAX_LEVEL};
use tracing::{Level, Span};

/// `make`, to be called with the call's `kind` when its span is to be
/// made: it is, out of line, when spans at `level` may be enabled;
/// otherwise the span is none and `make` is not called. Generated code
/// only.
#[inline(always)]
pub fn gated<F: FnOnce(&'static str) -> Span>(
    level: Level,
    make: F,
) -> impl FnOnce(&'static str) -> Span {
    move |kind| {
        if level <= STATIC_MAX_LEVEL && level <= LevelFilter::current() {
            made(make, kind)
        } else {
            Span::none()
        }
    }
}

#[inline(never)]
fn made<F: FnOnce(&'static str) -> Span>(make: F, kind: &'static str) -> Span {
    make(kind)
}

#[cfg(test)]
mod tests {
    use tracing::{Level, Span};

    use super::gated;

    // No unit test of this crate installs a subscriber, even a scoped one
    // (which would raise the level filter for every thread).
    #[test]
    fn without_a_subscriber_the_span_is_not_made() {
        let make = gated(Level::ERROR, |_| -> Span {
            unreachable!("no subscriber: no span to make")
        });
        assert!(make("post").is_none());
    }
}
