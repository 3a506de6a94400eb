//! Exemplars from a trace source the application sets (here a thread-local
//! "current request"), for tracing systems other than OpenTelemetry. A
//! binary of its own: the source is set once per process.

use std::cell::Cell;

use rustok_metrics::settings::TraceContext;
use rustok_metrics::{Format, metered};
use rustok_metrics_testkit::protobuf::decode_delimited;

thread_local! {
    static CURRENT: Cell<Option<TraceContext>> = const { Cell::new(None) };
}

#[metered(module = "trace_hook", op = "call")]
fn call() {}

#[test]
fn a_set_trace_source_supplies_the_exemplars() {
    rustok_metrics::settings::set_trace_source(|| CURRENT.get()).unwrap();
    assert!(matches!(
        rustok_metrics::settings::set_trace_source(|| None),
        Err(rustok_metrics::TelemetryError::TraceSourceSet)
    ));
    call(); // no current request: no exemplar
    let context = TraceContext::new([0x5a; 16], [0x07; 8]).unwrap();
    CURRENT.set(Some(context));
    call();
    CURRENT.set(None);

    let mut out = Vec::new();
    rustok_metrics::MetricsHandle::new()
        .render_into(Format::Protobuf, &mut out)
        .unwrap();
    let samples: Vec<_> = decode_delimited(&out)
        .unwrap()
        .into_iter()
        .flat_map(|(_, _, samples)| samples)
        .filter(|s| s.name.starts_with("rustok_trace_hook_"))
        .collect();
    let success = samples
        .iter()
        .find(|s| s.name == "rustok_trace_hook_operations_total" && s.labels["status"] == "success")
        .unwrap();
    assert_eq!(success.value, 2.0);
    let exemplar = success
        .exemplar
        .as_ref()
        .expect("the traced call's exemplar");
    assert_eq!(exemplar.labels["trace_id"], context.trace_id_hex());
    assert_eq!(exemplar.labels["span_id"], "0707070707070707");
    let bucket = samples
        .iter()
        .find(|s| s.name.ends_with("_bucket") && s.exemplar.is_some())
        .expect("a bucket with the exemplar");
    assert_eq!(
        bucket.exemplar.as_ref().unwrap().labels["trace_id"],
        context.trace_id_hex()
    );
}
