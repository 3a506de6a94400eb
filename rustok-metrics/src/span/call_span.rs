//! `CallSpan`: the observer of a call with `#[metered(.., span)]`.

use std::mem::ManuallyDrop;

use tracing::Span;

use super::{ErrorFields, Observer, panic_message, short_type_name};
use crate::outcome::Status;

/// Reports the `err` event of a call, inside its span: generated at the call
/// site, so the event has the user's module as its target. Its arguments:
/// the error, and its `error.type`.
pub type ReportError = fn(&ErrorFields<'_>, &str);

/// A metered call's own `tracing` span. Generated code only.
///
/// Entered from the call's first statement until it ends, except while an
/// `async` call is parked at a pending `.await`. Entered and left by hand
/// (`Dispatch::enter`/`exit`), not through `Span::enter`'s guard, which
/// would borrow the span and make the call's future `!Send`.
///
/// A span someone wants is boxed, so a call whose span no one wanted (no
/// subscriber, or a filter below its level) carries two words, which move
/// in registers; a `tracing::Span` is five, copied through memory at each
/// move of the call's `Exit`. The box costs a call whose subscriber makes
/// its span one small allocation, next to what the subscriber spends.
#[derive(Debug)]
pub struct CallSpan {
    /// `None` for a span no one wanted (`Span::none()`). A span is taken,
    /// and closed, when its call ends: the call's `Exit` calls
    /// [`Observer::end`] as it drops whenever there is a span
    /// ([`Observer::watching`]). Nothing is left to drop with the
    /// `CallSpan`, so the drop of an `Exit<CallSpan>` with no span is one
    /// test more than the drop of an `Exit` without one.
    span: ManuallyDrop<Option<Box<Span>>>,
    report: Option<ReportError>,
}

impl CallSpan {
    /// The span of a call that is starting: entered now.
    #[inline]
    pub(crate) fn entered(span: Span, report: Option<ReportError>) -> Self {
        let span = if span.is_none() {
            None
        } else {
            Some(enter_first(span))
        };
        CallSpan {
            span: ManuallyDrop::new(span),
            report,
        }
    }

    /// The span, if a subscriber wanted it.
    #[inline]
    fn enabled(&self) -> Option<&Span> {
        self.span.as_deref().filter(|span| !span.is_disabled())
    }

    #[inline]
    fn enter(&self) {
        if let Some(span) = self.enabled() {
            enter(span);
        }
    }

    #[inline]
    fn exit(&self) {
        if let Some(span) = self.enabled() {
            span.with_subscriber(|(id, dispatch)| dispatch.exit(id));
        }
    }
}

/// The first entry into a span: boxed, and entered if someone wants it.
#[inline(never)]
fn enter_first(span: Span) -> Box<Span> {
    if !span.is_disabled() {
        panic_message::watch();
        enter(&span);
    }
    Box::new(span)
}

#[inline(never)]
fn enter(span: &Span) {
    span.with_subscriber(|(id, dispatch)| dispatch.enter(id));
}

/// A call whose span was made ends: entered again if it was parked at an
/// `.await` (dropped there), so the record's exemplar is this call's;
/// recorded; then, if someone wants the span, told the call's status and
/// left.
fn ended(span: &Span, status: Status, suspended: bool, record: impl FnOnce()) {
    let wanted = (!span.is_disabled()).then_some(span);
    if let (true, Some(span)) = (suspended, wanted) {
        enter(span);
    }
    record();
    let Some(span) = wanted else { return };
    span.record("status", status.as_str());
    // OpenTelemetry: instrumentation sets only the error status, never Ok.
    if matches!(status, Status::Error | Status::Panic) {
        span.record("otel.status_code", "error");
    }
    if status == Status::Panic {
        panic_message::with_current(|message| {
            span.record("otel.status_description", message);
        });
    }
    span.with_subscriber(|(id, dispatch)| dispatch.exit(id));
}

impl Observer for CallSpan {
    const ACTIVE: bool = true;

    #[inline]
    fn suspend(&self) {
        self.exit();
    }

    #[inline]
    fn resume(&self) {
        self.enter();
    }

    fn failed(&self, error_kind: Option<&'static str>, error: &ErrorFields<'_>) {
        let span = self.enabled();
        if span.is_none() && self.report.is_none() {
            return;
        }
        // The metric's `error_kind` when the error has one: one vocabulary.
        let error_type = match error_kind.filter(|kind| !kind.is_empty()) {
            Some(kind) => std::borrow::Cow::Borrowed(kind),
            None => short_type_name(error.type_name()),
        };
        if let Some(span) = span {
            span.record("error.type", &*error_type);
            if let Some(display) = error.display() {
                span.record("otel.status_description", tracing::field::display(display));
            }
        }
        if let Some(report) = self.report {
            report(error, &error_type);
        }
    }

    /// Without a span, the call ends as one without `span`: one test more.
    #[inline]
    fn watching(&self) -> bool {
        self.span.is_some()
    }

    #[inline]
    fn end(&mut self, status: Status, suspended: bool, record: impl FnOnce()) {
        // Called once, as the call's `Exit` drops: `span` is never read again.
        match self.span.take() {
            None => record(),
            // Closed once it has ended.
            Some(span) => ended(&span, status, suspended, record),
        }
    }
}
