//! `#[metered(.., span)]`: each call in a `tracing` span of its own, in the
//! metric's words. A capturing layer of our own on a `tracing-subscriber`
//! registry reads back every span and event, per test
//! (`tracing::subscriber::with_default`), for sync and async functions and
//! each way a call ends.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use rustok_metrics::{MetricLabel, metered};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context as LayerContext, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// One span as the layer saw it.
#[derive(Clone, Debug, Default)]
struct SeenSpan {
    name: &'static str,
    target: String,
    level: Option<Level>,
    fields: BTreeMap<String, String>,
    /// Every field the span declared, recorded or not.
    declared: Vec<String>,
    entered: usize,
    exited: usize,
    closed: bool,
    /// `rustok_<module>_operations_total` of the span's operation, all
    /// statuses, when the span closed: the call was recorded by then.
    calls_at_close: Option<u64>,
}

/// One event as the layer saw it.
#[derive(Clone, Debug)]
struct SeenEvent {
    level: Level,
    target: String,
    fields: BTreeMap<String, String>,
    /// The name of the span the event is in.
    span: Option<&'static str>,
}

#[derive(Clone, Default)]
struct Seen {
    spans: Arc<Mutex<Vec<SeenSpan>>>,
    events: Arc<Mutex<Vec<SeenEvent>>>,
}

impl Seen {
    fn spans(&self) -> Vec<SeenSpan> {
        self.spans.lock().unwrap().clone()
    }

    fn events(&self) -> Vec<SeenEvent> {
        self.events.lock().unwrap().clone()
    }

    /// The only span seen, after checking it is the only one.
    fn only_span(&self) -> SeenSpan {
        let spans = self.spans();
        assert_eq!(spans.len(), 1, "one span per call: {spans:#?}");
        spans.into_iter().next().unwrap()
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// The index of a span in `Seen::spans`, in the registry's extensions.
struct Index(usize);

impl<S: Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Seen {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: LayerContext<'_, S>) {
        let mut span = SeenSpan {
            name: attrs.metadata().name(),
            target: attrs.metadata().target().to_owned(),
            level: Some(*attrs.metadata().level()),
            declared: attrs
                .metadata()
                .fields()
                .iter()
                .map(|f| f.name().to_owned())
                .collect(),
            ..SeenSpan::default()
        };
        attrs.record(&mut Fields(&mut span.fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(span);
        ctx.span(id)
            .unwrap()
            .extensions_mut()
            .insert(Index(spans.len() - 1));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: LayerContext<'_, S>) {
        let index = ctx.span(id).unwrap().extensions().get::<Index>().unwrap().0;
        values.record(&mut Fields(&mut self.spans.lock().unwrap()[index].fields));
    }

    fn on_enter(&self, id: &Id, ctx: LayerContext<'_, S>) {
        let index = ctx.span(id).unwrap().extensions().get::<Index>().unwrap().0;
        self.spans.lock().unwrap()[index].entered += 1;
    }

    fn on_exit(&self, id: &Id, ctx: LayerContext<'_, S>) {
        let index = ctx.span(id).unwrap().extensions().get::<Index>().unwrap().0;
        self.spans.lock().unwrap()[index].exited += 1;
    }

    fn on_close(&self, id: Id, ctx: LayerContext<'_, S>) {
        let index = ctx
            .span(&id)
            .unwrap()
            .extensions()
            .get::<Index>()
            .unwrap()
            .0;
        let mut spans = self.spans.lock().unwrap();
        let span = &mut spans[index];
        span.closed = true;
        if let (Some(module), Some(operation)) =
            (span.fields.get("module"), span.fields.get("operation"))
        {
            span.calls_at_close = Some(calls(module, operation));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: LayerContext<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(SeenEvent {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields,
            span: ctx.event_span(event).map(|span| span.name()),
        });
    }
}

/// Runs `f` with a fresh capturing layer as the thread's subscriber.
fn capture<R>(f: impl FnOnce() -> R) -> (Seen, R) {
    let seen = Seen::default();
    let subscriber = tracing_subscriber::registry().with(seen.clone());
    let out = tracing::subscriber::with_default(subscriber, f);
    (seen, out)
}

/// Every call of `module`/`operation` counted so far, all statuses and kinds.
fn calls(module: &str, operation: &str) -> u64 {
    let text = rustok_metrics::render_metrics().unwrap();
    let name = format!("rustok_{module}_operations_total{{");
    let operation = format!("operation=\"{operation}\"");
    text.lines()
        .filter(|line| line.starts_with(&name))
        .filter(|line| {
            let labels = &line[name.len()..line.rfind('}').unwrap()];
            labels.split(',').any(|label| label == operation)
        })
        .map(|line| line.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum()
}

/// Polls `future` once with a waker that does nothing.
fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// A future that is pending on its first poll and ready on the second.
fn yield_once() -> impl Future<Output = ()> {
    let mut yielded = false;
    std::future::poll_fn(move |_| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            Poll::Pending
        }
    })
}

// --- the functions under test ----------------------------------------------

#[derive(Debug)]
struct PlainError;

impl fmt::Display for PlainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the store refused")
    }
}

#[derive(Debug, PartialEq, MetricLabel)]
enum ContentError {
    NotFound,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no such node")
    }
}

#[metered(module = "call_spans", op = "sync_ok", span, err)]
fn sync_ok(fail: bool) -> Result<u32, PlainError> {
    if fail {
        return Err(PlainError);
    }
    Ok(1)
}

#[metered(module = "call_spans", op = "sync_err", span, err)]
fn sync_err() -> Result<u32, PlainError> {
    Err(PlainError)
}

#[metered(module = "call_spans", op = "unobserved", span, err)]
fn unobserved() -> Result<u32, PlainError> {
    Err(PlainError)
}

#[metered(module = "call_spans", op = "async_cancelled", span, err)]
async fn async_cancelled() -> Result<(), PlainError> {
    yield_once().await;
    Ok(())
}

#[metered(
    module = "call_spans",
    op = "sync_labelled",
    kind = "post",
    span = "debug",
    err(Debug, level = "warn")
)]
fn sync_labelled() -> Result<(), ContentError> {
    Err(ContentError::NotFound)
}

#[metered(module = "call_spans", op = "sync_panics", span, err)]
fn sync_panics() -> Result<(), PlainError> {
    panic!("the node table is gone");
}

#[metered(module = "call_spans", op = "async_call", span, err, fields(node = id, "node.title" = %title))]
async fn async_call(id: u64, title: &str, fail: bool) -> Result<u64, ContentError> {
    yield_once().await;
    if fail {
        Err(ContentError::NotFound)?;
    }
    Ok(id + title.len() as u64)
}

#[metered(module = "call_spans", op = "without_span")]
fn without_span() -> Result<(), PlainError> {
    Err(PlainError)
}

#[metered(module = "call_spans", op = "span_without_err", span)]
fn span_without_err() -> Result<(), PlainError> {
    Err(PlainError)
}

#[derive(Clone, Copy, MetricLabel)]
enum NodeKind {
    BlogPost,
}

#[metered(module = "call_spans", op = "computed_kind", kind = node_kind, span)]
fn computed_kind(node_kind: NodeKind) -> usize {
    let _ = node_kind;
    2
}

struct Service;

#[metered(module = "call_spans_impl", span = "trace", err)]
impl Service {
    fn create(&self) -> Result<(), PlainError> {
        Err(PlainError)
    }

    #[metered(op = "read", span)]
    fn get(&self) -> u8 {
        3
    }

    #[metered(skip)]
    fn helper(&self) -> u8 {
        4
    }
}

// --- the tests ---------------------------------------------------------------

fn assert_common(span: &SeenSpan, op: &str, function: &str, kind: &str, level: Level) {
    assert_eq!(span.name, format!("call_spans.{op}"));
    assert_eq!(span.target, "call_spans");
    assert_eq!(span.level, Some(level));
    assert_eq!(span.fields["module"], "call_spans");
    assert_eq!(span.fields["operation"], op);
    assert_eq!(span.fields["kind"], kind);
    assert_eq!(
        span.fields["code.function.name"],
        format!("call_spans::{function}")
    );
    for declared in [
        "status",
        "error.type",
        "otel.status_code",
        "otel.status_description",
    ] {
        assert!(
            span.declared.iter().any(|name| name == declared),
            "{declared}"
        );
    }
    assert!(span.closed, "the span closes with the call");
    assert_eq!(span.entered, span.exited, "every enter is left: {span:?}");
}

#[test]
fn a_sync_success_is_a_span_with_the_metric_words_and_no_status() {
    let before = calls("call_spans", "sync_ok");
    let (seen, out) = capture(|| sync_ok(false));
    assert_eq!(out.ok(), Some(1));
    let span = seen.only_span();
    assert_common(&span, "sync_ok", "sync_ok", "", Level::INFO);
    assert_eq!(span.entered, 1);
    assert_eq!(span.fields["status"], "success");
    for absent in ["error.type", "otel.status_code", "otel.status_description"] {
        assert!(!span.fields.contains_key(absent), "{absent}: {span:?}");
    }
    assert_eq!(span.calls_at_close, Some(before + 1));
    assert!(seen.events().is_empty(), "no event for a success");
}

#[test]
fn a_sync_error_sets_the_error_status_and_one_err_event_inside_the_span() {
    let (seen, out) = capture(sync_err);
    assert!(out.is_err());
    let span = seen.only_span();
    assert_common(&span, "sync_err", "sync_err", "", Level::INFO);
    assert_eq!(span.fields["status"], "error");
    assert_eq!(span.fields["error.type"], "PlainError");
    assert_eq!(span.fields["otel.status_code"], "error");
    assert_eq!(span.fields["otel.status_description"], "the store refused");
    let events = seen.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event.level, Level::ERROR);
    assert_eq!(event.target, "call_spans");
    assert_eq!(event.span, Some("call_spans.sync_err"));
    assert_eq!(event.fields["error"], "the store refused");
    assert_eq!(event.fields["error.type"], "PlainError");
}

#[test]
fn a_labelled_error_is_typed_by_its_error_kind_at_the_chosen_levels() {
    let (seen, out) = capture(sync_labelled);
    assert!(out.is_err());
    let span = seen.only_span();
    assert_common(
        &span,
        "sync_labelled",
        "sync_labelled",
        "post",
        Level::DEBUG,
    );
    assert_eq!(span.fields["status"], "error");
    assert_eq!(span.fields["error.type"], "not_found");
    assert_eq!(span.fields["otel.status_code"], "error");
    assert_eq!(span.fields["otel.status_description"], "no such node");
    let events = seen.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].level, Level::WARN);
    assert_eq!(events[0].fields["error"], "NotFound", "err(Debug)");
    assert_eq!(events[0].fields["error.type"], "not_found");
}

#[test]
fn a_panic_sets_the_error_status_with_its_message_and_no_event() {
    let before = calls("call_spans", "sync_panics");
    let (seen, out) = capture(|| std::panic::catch_unwind(sync_panics));
    assert!(out.is_err());
    let span = seen.only_span();
    assert_common(&span, "sync_panics", "sync_panics", "", Level::INFO);
    assert_eq!(span.fields["status"], "panic");
    assert_eq!(span.fields["otel.status_code"], "error");
    assert_eq!(
        span.fields["otel.status_description"],
        "the node table is gone"
    );
    assert!(!span.fields.contains_key("error.type"));
    assert_eq!(span.calls_at_close, Some(before + 1));
    assert!(seen.events().is_empty(), "the panic hook reports a panic");
}

#[test]
fn an_async_call_is_entered_on_each_poll_and_left_at_each_pending_await() {
    let (seen, ()) = capture(|| {
        let mut future = std::pin::pin!(async_call(7, "hello", false));
        assert!(poll_once(future.as_mut()).is_pending());
        // Parked: the call's span is not current between polls.
        assert!(tracing::Span::current().is_none());
        assert_eq!(poll_once(future.as_mut()), Poll::Ready(Ok(12)));
    });
    let span = seen.only_span();
    assert_common(&span, "async_call", "async_call", "", Level::INFO);
    assert_eq!((span.entered, span.exited), (2, 2));
    assert_eq!(span.fields["status"], "success");
    assert_eq!(span.fields["node"], "7");
    assert_eq!(span.fields["node.title"], "hello");
    assert!(!span.fields.contains_key("otel.status_code"));
    assert!(seen.events().is_empty());
}

#[test]
fn an_async_error_is_reported_like_a_sync_one() {
    let (seen, ()) = capture(|| {
        let mut future = std::pin::pin!(async_call(7, "hello", true));
        assert!(poll_once(future.as_mut()).is_pending());
        assert!(matches!(poll_once(future.as_mut()), Poll::Ready(Err(_))));
    });
    let span = seen.only_span();
    assert_eq!(span.fields["status"], "error");
    assert_eq!(span.fields["error.type"], "not_found");
    assert_eq!(span.fields["otel.status_code"], "error");
    let events = seen.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].span, Some("call_spans.async_call"));
    assert_eq!(events[0].fields["error"], "no such node");
}

#[test]
fn a_cancelled_async_call_is_recorded_inside_its_span_and_leaves_the_status_unset() {
    let before = calls("call_spans", "async_cancelled");
    let (seen, ()) = capture(|| {
        let mut future = Box::pin(async_cancelled());
        assert!(poll_once(future.as_mut()).is_pending());
        drop(future);
    });
    let span = seen.only_span();
    assert_eq!(span.fields["status"], "cancelled");
    assert_eq!(
        (span.entered, span.exited),
        (2, 2),
        "entered again to record"
    );
    assert!(!span.fields.contains_key("otel.status_code"));
    assert!(!span.fields.contains_key("error.type"));
    assert_eq!(span.calls_at_close, Some(before + 1));
    assert!(seen.events().is_empty());
}

#[test]
fn no_span_or_event_without_span_or_err() {
    let (seen, out) = capture(without_span);
    assert!(out.is_err());
    assert!(seen.spans().is_empty());
    assert!(seen.events().is_empty());

    let (seen, out) = capture(span_without_err);
    assert!(out.is_err());
    assert_eq!(seen.only_span().fields["status"], "error");
    assert!(seen.events().is_empty(), "no `err`, no event");
}

#[test]
fn a_computed_kind_is_the_label_the_call_recorded_under() {
    let (seen, out) = capture(|| computed_kind(NodeKind::BlogPost));
    assert_eq!(out, 2);
    let span = seen.only_span();
    assert_common(
        &span,
        "computed_kind",
        "computed_kind",
        "blog_post",
        Level::INFO,
    );
}

#[test]
fn methods_inherit_the_span_of_their_impl_block_unless_skipped() {
    let service = Service;
    let (seen, ()) = capture(|| {
        assert!(service.create().is_err());
        assert_eq!(service.get(), 3);
        assert_eq!(service.helper(), 4);
    });
    let spans = seen.spans();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    assert_eq!(spans[0].name, "call_spans_impl.create");
    assert_eq!(spans[0].level, Some(Level::TRACE));
    assert_eq!(spans[0].fields["code.function.name"], "call_spans::create");
    assert_eq!(spans[0].fields["status"], "error");
    assert_eq!(spans[1].name, "call_spans_impl.read");
    assert_eq!(spans[1].level, Some(Level::INFO), "the method's own `span`");
    let events = seen.events();
    assert_eq!(events.len(), 1, "`err` inherited: {events:#?}");
    assert_eq!(events[0].span, Some("call_spans_impl.create"));
}

#[test]
fn without_a_subscriber_a_spanned_call_is_a_plain_metered_call() {
    let before = calls("call_spans", "unobserved");
    assert!(unobserved().is_err());
    assert_eq!(calls("call_spans", "unobserved"), before + 1);
}

#[metered(module = "call_spans", op = "exemplar", span)]
fn exemplar_call() -> (String, String) {
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let context = tracing::Span::current().context();
    let span = context.span();
    let ids = span.span_context();
    (ids.trace_id().to_string(), ids.span_id().to_string())
}

/// The exemplar's `trace_id` and `span_id` on the success counter of `operation`.
fn exemplar_ids(operation: &str) -> Option<(String, String)> {
    use rustok_metrics_testkit::protobuf::decode_delimited;
    let mut out = Vec::new();
    rustok_metrics::MetricsHandle::new()
        .render_into(rustok_metrics::Format::Protobuf, &mut out)
        .unwrap();
    let exemplar = decode_delimited(&out)
        .unwrap()
        .into_iter()
        .flat_map(|(_, _, samples)| samples)
        .find(|s| {
            s.name == "rustok_call_spans_operations_total"
                && s.labels["operation"] == operation
                && s.labels["status"] == "success"
        })?
        .exemplar?;
    Some((
        exemplar.labels["trace_id"].clone(),
        exemplar.labels["span_id"].clone(),
    ))
}

#[test]
fn the_exemplar_is_the_calls_own_span() {
    use opentelemetry::trace::{TraceContextExt, TracerProvider};
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("call-spans-test")));
    tracing::subscriber::with_default(subscriber, || {
        let request = tracing::info_span!("request");
        let request_ids = request.context().span().span_context().clone();
        let (trace_id, span_id) = request.in_scope(exemplar_call);
        assert_eq!(
            trace_id,
            request_ids.trace_id().to_string(),
            "under the request"
        );
        assert_ne!(
            span_id,
            request_ids.span_id().to_string(),
            "a span of its own"
        );
        assert_eq!(exemplar_ids("exemplar"), Some((trace_id, span_id)));
    });
}
