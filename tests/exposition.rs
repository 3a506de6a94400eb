//! Our exposition in each format, read by parsers that are not ours:
//! OpenMetrics by Python's `prometheus_client` (strict 1.0 parser), text
//! 0.0.4 by `promtool check metrics` and `prometheus_client`'s text parser,
//! delimited protobuf by a wire reader written from `metrics.proto`
//! (testkit) here and by a real Prometheus in `prometheus_scrape.rs`.
//! Plus what `/metrics` answers to each `Accept` header.
//!
//! Without the tools the tests that need them are skipped with a printed
//! reason; under `CI` they are required (`.ci/run` installs them).

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderValue};
use rustok_metrics::http::MetricsEndpoint;
use rustok_metrics::{Format, MetricLabel, metered};
use rustok_metrics_testkit::protobuf::{decode_delimited, native_histograms};
use rustok_metrics_testkit::{
    PythonParser, Sample, parse_with_prometheus_client, promtool_check_metrics,
    python_with_prometheus_client, tools_available,
};

#[derive(Debug, MetricLabel)]
enum ExpoError {
    NotFound,
}

#[metered(module = "expo_exact", op = "load", kind = "page")]
fn load(id: u32) -> Result<u32, ExpoError> {
    load_twin(id)
}

/// Called by one test only, which compares two renders of its module.
#[metered(module = "expo_promtool", op = "check")]
fn check(id: u32) -> Result<u32, ExpoError> {
    load_twin(id)
}

/// Called by the endpoint tests only: the `expo_exact` counts stay theirs.
#[metered(module = "expo_endpoint", op = "serve")]
fn serve(id: u32) -> Result<u32, ExpoError> {
    load_twin(id)
}

fn load_twin(id: u32) -> Result<u32, ExpoError> {
    if id == 0 {
        Err(ExpoError::NotFound)
    } else {
        Ok(id)
    }
}

#[metered(module = "expo_exact", op = "save")]
fn save() {
    std::thread::sleep(std::time::Duration::from_millis(2));
}

/// Called inside a span: its exemplars carry the span's trace.
#[metered(module = "expo_trace", op = "fetch", kind = "page")]
fn fetch(fail: bool) -> Result<(), ExpoError> {
    std::thread::sleep(std::time::Duration::from_millis(3));
    if fail {
        Err(ExpoError::NotFound)
    } else {
        Ok(())
    }
}

/// Runs `call` inside a sampled span of an OpenTelemetry SDK tracer
/// (exporting nowhere); returns the span's trace and span ids in hex.
fn in_span(call: impl FnOnce()) -> (String, String) {
    use opentelemetry::trace::{TraceContextExt, Tracer, TracerProvider};
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    provider
        .tracer("exposition-test")
        .in_span("request", |context| {
            call();
            let span = context.span();
            let ids = span.span_context();
            (ids.trace_id().to_string(), ids.span_id().to_string())
        })
}

fn render(format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    rustok_metrics::MetricsHandle::new()
        .render_into(format, &mut out)
        .expect("render");
    out
}

/// Samples of the families named `rustok_<module>_*`, by name and labels.
fn of_module(samples: &[Sample], module: &str) -> BTreeMap<(String, Vec<(String, String)>), f64> {
    let prefix = format!("rustok_{module}_");
    samples
        .iter()
        .filter(|sample| sample.name.starts_with(&prefix))
        .map(|sample| {
            let labels = sample.labels.clone().into_iter().collect();
            ((sample.name.clone(), labels), sample.value)
        })
        .collect()
}

#[test]
fn every_format_renders_the_same_counts_at_one_instant() {
    let Some(python) = python_with_prometheus_client() else {
        return;
    };
    for id in 0..5 {
        let _ = load(id);
    }
    save();
    // No call between the three renders: each is exact, so they agree.
    let text = render(Format::Text);
    let openmetrics = render(Format::OpenMetrics);
    let protobuf = render(Format::Protobuf);

    let text = parse_with_prometheus_client(
        &python,
        PythonParser::Text,
        &String::from_utf8(text).unwrap(),
    )
    .expect("prometheus_client reads our text 0.0.4");
    let openmetrics = parse_with_prometheus_client(
        &python,
        PythonParser::OpenMetrics,
        &String::from_utf8(openmetrics).unwrap(),
    )
    .expect("prometheus_client reads our OpenMetrics");
    let protobuf: Vec<Sample> = decode_delimited(&protobuf)
        .expect("delimited MetricFamily messages")
        .into_iter()
        .flat_map(|(_, _, samples)| samples)
        .collect();

    let text = of_module(&text, "expo_exact");
    // prometheus_client's 0.0.4 parser names counter samples either way;
    // compare by what the exposition wrote.
    assert_eq!(text, of_module(&openmetrics, "expo_exact"));
    assert_eq!(text, of_module(&protobuf, "expo_exact"));

    let value = |name: &str, labels: &[(&str, &str)]| {
        let key = (
            name.to_owned(),
            labels
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        );
        text.get(&key).copied()
    };
    let load_labels = |status, error_kind| {
        [
            ("error_kind", error_kind),
            ("kind", "page"),
            ("operation", "load"),
            ("status", status),
        ]
    };
    assert_eq!(
        value(
            "rustok_expo_exact_operations_total",
            &load_labels("success", "")
        ),
        Some(4.0)
    );
    assert_eq!(
        value(
            "rustok_expo_exact_operations_total",
            &load_labels("error", "not_found")
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            "rustok_expo_exact_operation_duration_seconds_count",
            &[("kind", "page"), ("operation", "load")]
        ),
        Some(5.0)
    );
    let save_sum = value(
        "rustok_expo_exact_operation_duration_seconds_sum",
        &[("kind", ""), ("operation", "save")],
    )
    .unwrap();
    assert!(save_sum >= 0.002, "{save_sum}");
}

#[test]
fn openmetrics_is_read_strictly_with_escapes_units_and_eof() {
    let Some(python) = python_with_prometheus_client() else {
        return;
    };
    let awkward = "quote \" back \\ slash\nnew line, é";
    rustok_metrics::by_hand::module_metrics("expo_escape")
        .unwrap()
        .operations_total()
        .with_label_values(&[awkward, "", "success"])
        .inc_by(3);
    let gauge = rustok_metrics::prometheus::Gauge::new(
        "expo_user_temperature_celsius",
        "A user's gauge: \"quoted\", back\\slash,\nnew line.",
    )
    .unwrap();
    gauge.set(2.5);
    rustok_metrics::by_hand::registry()
        .register(Box::new(gauge))
        .unwrap();

    let text = String::from_utf8(render(Format::OpenMetrics)).unwrap();
    assert!(text.ends_with("# EOF\n"));
    assert!(
        text.contains("# TYPE rustok_expo_escape_operations counter\n"),
        "counter family without _total"
    );
    assert!(text.contains("# UNIT rustok_expo_escape_operation_duration_seconds seconds\n"));
    assert!(!text.contains("_created"));
    let samples = parse_with_prometheus_client(&python, PythonParser::OpenMetrics, &text)
        .unwrap_or_else(|error| {
            panic!("prometheus_client refused our OpenMetrics: {error}\n{text}")
        });
    let escaped = samples
        .iter()
        .find(|s| {
            s.name == "rustok_expo_escape_operations_total"
                && s.labels["operation"] == awkward
                && s.labels["status"] == "success"
        })
        .expect("the awkward label value, unescaped back to itself");
    assert_eq!(escaped.value, 3.0);
    let user = samples
        .iter()
        .find(|s| s.name == "expo_user_temperature_celsius")
        .unwrap();
    assert_eq!(user.value, 2.5);
}

#[test]
fn text_passes_promtool() {
    if !tools_available(&["promtool"]) {
        return;
    }
    let _ = check(3);
    let text = rustok_metrics::render_metrics().unwrap();
    // Two renders a moment apart differ where other tests call, and in the
    // process metrics: compare the module only this test calls.
    let own_lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| line.contains("rustok_expo_promtool_"))
            .map(str::to_owned)
            .collect()
    };
    let own = own_lines(&text);
    assert!(own.len() > 10, "{own:?}");
    assert_eq!(
        own,
        own_lines(&String::from_utf8(render(Format::Text)).unwrap()),
        "render_metrics is text 0.0.4"
    );
    promtool_check_metrics(&text).unwrap_or_else(|findings| panic!("{findings}\n{text}"));
}

fn scrape(accept: &[u8]) -> (String, Vec<u8>) {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(accept) {
        headers.insert("accept", value);
    }
    let response = MetricsEndpoint::new().respond(&headers);
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = futures_body(response.into_body());
    (content_type, body)
}

fn futures_body(body: axum::body::Body) -> Vec<u8> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(axum::body::to_bytes(body, usize::MAX))
        .unwrap()
        .to_vec()
}

#[test]
fn the_endpoint_answers_in_the_format_asked_for() {
    let _ = serve(4);
    let native = b"application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    let (content_type, body) = scrape(native);
    assert_eq!(content_type, Format::Protobuf.content_type());
    assert!(
        decode_delimited(&body)
            .unwrap()
            .iter()
            .any(|(name, kind, _)| {
                name == "rustok_expo_endpoint_operations_total" && *kind == 0
            })
    );

    let default = b"application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    let (content_type, body) = scrape(default);
    assert_eq!(content_type, Format::OpenMetrics.content_type());
    assert!(body.ends_with(b"# EOF\n"));

    let (content_type, body) = scrape(b"");
    assert_eq!(content_type, Format::Text.content_type());
    assert!(!body.ends_with(b"# EOF\n"));
}

#[test]
fn malformed_accept_headers_get_text() {
    for accept in [
        &b"application/openmetrics-text;q=x"[..],
        b"application/vnd.google.protobuf;;",
        b";;;,,,",
        b"application/openmetrics-text;version=1.0.0;q=1.5",
        b"\xff\xfe",
        b"garbage",
    ] {
        let (content_type, body) = scrape(accept);
        assert_eq!(content_type, Format::Text.content_type(), "{accept:?}");
        assert!(
            String::from_utf8(body)
                .unwrap()
                .contains("# TYPE rustok_expo_endpoint_operations_total counter")
        );
    }
}

#[test]
fn gzip_works_with_every_format() {
    let mut headers = HeaderMap::new();
    headers.insert(
        "accept",
        HeaderValue::from_static("application/openmetrics-text"),
    );
    headers.insert("accept-encoding", HeaderValue::from_static("gzip"));
    let response = MetricsEndpoint::new().respond(&headers);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(
        response.headers()["content-type"],
        Format::OpenMetrics.content_type()
    );
    let body = futures_body(response.into_body());
    assert_eq!(&body[..2], [0x1f, 0x8b], "a gzip stream");
}

#[test]
fn exemplars_carry_the_trace_of_the_latest_call_in_openmetrics_and_protobuf() {
    let Some(python) = python_with_prometheus_client() else {
        return;
    };
    fetch(false).unwrap(); // outside any span: no exemplar
    let (first_trace, _) = in_span(|| fetch(false).unwrap());
    let (trace_id, span_id) = in_span(|| fetch(false).unwrap());
    let (error_trace, _) = in_span(|| {
        fetch(true).unwrap_err();
    });
    assert_ne!(first_trace, trace_id);

    let openmetrics = String::from_utf8(render(Format::OpenMetrics)).unwrap();
    let samples = parse_with_prometheus_client(&python, PythonParser::OpenMetrics, &openmetrics)
        .unwrap_or_else(|error| {
            panic!("prometheus_client refused our exemplars: {error}\n{openmetrics}")
        });
    let protobuf: Vec<Sample> = decode_delimited(&render(Format::Protobuf))
        .unwrap()
        .into_iter()
        .flat_map(|(_, _, samples)| samples)
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    for (format, samples) in [("OpenMetrics", &samples), ("protobuf", &protobuf)] {
        let of = |name: &str, labels: &[(&str, &str)]| {
            samples
                .iter()
                .find(|s| {
                    s.name == name
                        && labels
                            .iter()
                            .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
                })
                .unwrap_or_else(|| panic!("{format}: no {name} {labels:?}"))
        };
        // The success counter: the latest successful call in a span.
        let success = of(
            "rustok_expo_trace_operations_total",
            &[("status", "success")],
        );
        let exemplar = success
            .exemplar
            .as_ref()
            .unwrap_or_else(|| panic!("{format}: no exemplar on {success:?}"));
        assert_eq!(exemplar.labels["trace_id"], trace_id, "{format}");
        assert_eq!(exemplar.labels["span_id"], span_id, "{format}");
        assert_eq!(exemplar.labels["trace_id"].len(), 32);
        assert_eq!(
            exemplar.value, 1.0,
            "{format}: a counter's exemplar counts one call"
        );
        let age = now - exemplar.timestamp.expect("a timestamp");
        // A sanity bound on the wall clock, not a timing: written during this test.
        assert!(
            (-1.0..600.0).contains(&age),
            "{format}: exemplar {age} s old"
        );
        // The error counter, tagged with its error kind, has its own.
        let error = of(
            "rustok_expo_trace_operations_total",
            &[("status", "error"), ("error_kind", "not_found")],
        );
        assert_eq!(
            error.exemplar.as_ref().unwrap().labels["trace_id"],
            error_trace,
            "{format}"
        );
        // Each bucket's exemplar is a traced call that landed in it, and the
        // latest traced call (the error) is the exemplar of its bucket.
        let mut buckets: Vec<(f64, &Sample)> = samples
            .iter()
            .filter(|s| s.name == "rustok_expo_trace_operation_duration_seconds_bucket")
            .map(|s| (s.labels["le"].parse::<f64>().unwrap(), s))
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut below = 0.0;
        let mut latest_seen = false;
        for &(le, bucket) in &buckets {
            if let Some(exemplar) = &bucket.exemplar {
                assert!(
                    exemplar.value > below && exemplar.value <= le,
                    "{format}: exemplar {exemplar:?} in ({below}, {le}]"
                );
                assert!(exemplar.value >= 0.003 * 0.99, "{format}: {exemplar:?}");
                if exemplar.labels["trace_id"] == error_trace {
                    latest_seen = true;
                }
            }
            below = le;
        }
        assert!(
            latest_seen,
            "{format}: the error's bucket lost its exemplar"
        );
        // Only `_bucket` and `_total` samples carry exemplars.
        for sample in samples.iter().filter(|s| s.exemplar.is_some()) {
            assert!(
                sample.name.ends_with("_bucket") || sample.name.ends_with("_total"),
                "{format}: exemplar on {sample:?}"
            );
        }
        let with_exemplars = samples
            .iter()
            .filter(|s| s.name.starts_with("rustok_expo_trace_") && s.exemplar.is_some())
            .count();
        // success, error/not_found, and the buckets the three traced calls
        // landed in (one to three: a slow machine spreads them).
        assert!(
            (3..=5).contains(&with_exemplars),
            "{format}: {with_exemplars}"
        );
    }
    // Text 0.0.4 has no exemplars.
    let text = rustok_metrics::render_metrics().unwrap();
    assert!(!text.contains(&trace_id));
}

#[test]
fn native_buckets_hold_every_call_in_its_exponential_bucket() {
    #[metered(module = "expo_native", op = "wait")]
    fn wait(millis: u64) {
        std::thread::sleep(std::time::Duration::from_millis(millis));
    }
    let sleeps_ms = [1, 1, 3, 6, 12];
    for millis in sleeps_ms {
        wait(millis);
    }
    // One render holds both bucketings of the same five durations, both
    // measured by the library: they must agree with each other exactly,
    // whatever the machine's speed. No time measured here is compared.
    let protobuf = render(Format::Protobuf);
    let histograms =
        native_histograms(&protobuf, "rustok_expo_native_operation_duration_seconds").unwrap();
    let [histogram] = &histograms[..] else {
        panic!("one series: {histograms:?}");
    };
    assert!(histogram.has_spans);
    assert_eq!(histogram.schema, 3);
    assert_eq!(histogram.count, 5);
    assert_eq!(histogram.zero_count, 0, "every call slept");
    let in_buckets: u64 = histogram.buckets.iter().map(|(_, count)| count).sum();
    assert_eq!(in_buckets, 5);

    // Bucket i holds (2^((i-1)/8), 2^(i/8)] seconds.
    let upper = |index: i64| (index as f64 / 8.0).exp2();
    let lower = |index: i64| upper(index - 1);
    // A call lasts at least its sleep: sorted, the durations dominate the
    // sleeps one by one, and so do the upper bounds of their buckets
    // (1% of slack for the TSC's calibration against the OS clock).
    let mut uppers: Vec<f64> = histogram
        .buckets
        .iter()
        .flat_map(|&(index, count)| std::iter::repeat_n(upper(index), count as usize))
        .collect();
    uppers.sort_by(f64::total_cmp);
    for (bucket_upper, millis) in uppers.iter().zip(sleeps_ms) {
        assert!(
            *bucket_upper >= millis as f64 / 1e3 * 0.99,
            "a {millis} ms sleep counted at or below {bucket_upper} s: {histogram:?}"
        );
    }

    // The classic buckets of the same series saw the same durations: each
    // classic count lies between the native calls that are surely at or
    // below its bound and those that may be.
    let classic = decode_delimited(&protobuf).unwrap();
    let classic_buckets: Vec<(f64, f64)> = classic
        .iter()
        .flat_map(|(_, _, samples)| samples)
        .filter(|s| s.name == "rustok_expo_native_operation_duration_seconds_bucket")
        .map(|s| (s.labels["le"].parse::<f64>().unwrap(), s.value))
        .collect();
    assert!(classic_buckets.len() > 10, "{classic_buckets:?}");
    for (le, classic_count) in classic_buckets {
        let native_count = |holds: &dyn Fn(i64) -> bool| -> f64 {
            histogram
                .buckets
                .iter()
                .filter(|(index, _)| holds(*index))
                .map(|(_, count)| *count as f64)
                .sum()
        };
        let surely_within = native_count(&|index| upper(index) <= le);
        let maybe_within = native_count(&|index| lower(index) < le);
        assert!(
            (surely_within..=maybe_within).contains(&classic_count),
            "le={le}: {classic_count} classic, native says {surely_within}..={maybe_within}: {histogram:?}"
        );
    }
}
