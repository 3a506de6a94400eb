//! `CallSpan`: the observer of a call with `#[metered(.., span)]`.

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
#[derive(Debug)]
pub struct CallSpan {
    span: tracing::Span,
    report: Option<ReportError>,
}

impl CallSpan {
    /// The span of a call that is starting: entered now.
    #[inline]
    pub(crate) fn entered(span: tracing::Span, report: Option<ReportError>) -> Self {
        if !span.is_disabled() {
            panic_message::watch();
        }
        let call = CallSpan { span, report };
        call.enter();
        call
    }

    #[inline]
    fn enter(&self) {
        self.span
            .with_subscriber(|(id, dispatch)| dispatch.enter(id));
    }

    #[inline]
    fn exit(&self) {
        self.span
            .with_subscriber(|(id, dispatch)| dispatch.exit(id));
    }
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
        if self.span.is_disabled() && self.report.is_none() {
            return;
        }
        // The metric's `error_kind` when the error has one: one vocabulary.
        let error_type = match error_kind.filter(|kind| !kind.is_empty()) {
            Some(kind) => std::borrow::Cow::Borrowed(kind),
            None => short_type_name(error.type_name()),
        };
        self.span.record("error.type", &*error_type);
        if let Some(display) = error.display() {
            self.span
                .record("otel.status_description", tracing::field::display(display));
        }
        if let Some(report) = self.report {
            report(error, &error_type);
        }
    }

    fn end(&self, status: Status, suspended: bool, record: impl FnOnce()) {
        if self.span.is_disabled() {
            record();
            return;
        }
        // Parked at an `.await` and dropped there: entered again for the
        // record, so the exemplar is this call's.
        if suspended {
            self.enter();
        }
        record();
        self.span.record("status", status.as_str());
        // OpenTelemetry: instrumentation sets only the error status, never Ok.
        if matches!(status, Status::Error | Status::Panic) {
            self.span.record("otel.status_code", "error");
        }
        if status == Status::Panic {
            panic_message::with_current(|message| {
                self.span.record("otel.status_description", message);
            });
        }
        self.exit();
    }
}
