//! Exemplars from `tracing` spans: with `tracing-opentelemetry`'s layer, a
//! metered call inside an entered `tracing` span (or an instrumented
//! future) links to that span's OpenTelemetry trace, with no code of ours
//! between the two crates.

use opentelemetry::trace::{TraceContextExt, TracerProvider};
use rustok_metrics::{Format, metered};
use rustok_metrics_testkit::protobuf::decode_delimited;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;

#[metered(module = "tracing_spans", op = "sync_call")]
fn sync_call() {}

#[metered(module = "tracing_spans", op = "async_call")]
async fn async_call() {
    std::future::ready(()).await;
}

/// The `trace_id` of the exemplar on the success counter of `operation`.
fn exemplar_trace_id(operation: &str) -> Option<String> {
    let mut out = Vec::new();
    rustok_metrics::MetricsHandle::new()
        .render_into(Format::Protobuf, &mut out)
        .unwrap();
    decode_delimited(&out)
        .unwrap()
        .into_iter()
        .flat_map(|(_, _, samples)| samples)
        .find(|s| {
            s.name == "rustok_tracing_spans_operations_total"
                && s.labels["operation"] == operation
                && s.labels["status"] == "success"
        })?
        .exemplar
        .map(|exemplar| exemplar.labels["trace_id"].clone())
}

#[test]
fn calls_inside_tracing_spans_carry_their_otel_trace_id() {
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("tracing-spans-test")));
    tracing::subscriber::with_default(subscriber, || {
        let request = tracing::info_span!("request");
        let trace_id = request
            .context()
            .span()
            .span_context()
            .trace_id()
            .to_string();
        request.in_scope(sync_call);
        assert_eq!(exemplar_trace_id("sync_call"), Some(trace_id));

        let task = tracing::info_span!("task");
        let trace_id = task.context().span().span_context().trace_id().to_string();
        let future = async_call().instrument(task);
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_ready());
        assert_eq!(exemplar_trace_id("async_call"), Some(trace_id));
    });
    // Outside any span, nothing new: the exemplar stays the last traced call's.
    sync_call();
    assert!(exemplar_trace_id("sync_call").is_some());
}

/// Calls a metered function from its `Drop`, as a thread-local cache that
/// flushes itself on thread exit would.
struct CallsOnDrop;

impl Drop for CallsOnDrop {
    fn drop(&mut self) {
        at_exit();
    }
}

#[metered(module = "tracing_spans", op = "at_exit")]
fn at_exit() {}

thread_local! {
    static BEFORE_ANY_CALL: CallsOnDrop = const { CallsOnDrop };
    static DURING_A_CALL: CallsOnDrop = const { CallsOnDrop };
}

#[metered(module = "tracing_spans", op = "makes_a_thread_local")]
fn makes_a_thread_local() {
    DURING_A_CALL.with(|_| ());
}

#[test]
fn calls_from_thread_local_destructors_at_thread_exit_are_counted_without_aborting() {
    let calls = || {
        let mut out = Vec::new();
        rustok_metrics::MetricsHandle::new()
            .render_into(Format::Text, &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        text.lines()
            .find(|line| {
                line.starts_with("rustok_tracing_spans_operations_total")
                    && line.contains(r#"operation="at_exit""#)
                    && line.contains(r#"status="success""#)
            })
            .and_then(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let before = calls();
    std::thread::spawn(|| {
        // Made before the thread's first metered call: destroyed after
        // everything that call made.
        BEFORE_ANY_CALL.with(|_| ());
        // OpenTelemetry's context on this thread, as an application has it.
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let span = tracing::info_span!("exit");
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("exit-test")));
        tracing::subscriber::with_default(subscriber, || span.in_scope(makes_a_thread_local));
    })
    .join()
    .expect("the thread exits without a panic or an abort");
    // Both destructors called `at_exit` while the thread exited.
    assert_eq!(calls() - before, 2);
    // A thread that never touched OpenTelemetry itself: the first metered
    // call is where its context is first looked up, after the body made a
    // thread-local of its own.
    std::thread::spawn(makes_a_thread_local)
        .join()
        .expect("the thread exits without a panic or an abort");
    assert_eq!(calls() - before, 3);
}
