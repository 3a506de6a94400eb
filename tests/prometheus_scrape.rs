//! A real Prometheus 2.42 reads every format we serve: one started with
//! `--enable-feature=native-histograms` (it then asks for delimited
//! protobuf and keeps the native histograms), one with
//! `--enable-feature=exemplar-storage` and one without flags (both
//! OpenMetrics), all scraping one test server; the values they store are
//! checked through `/api/v1/query` and `/api/v1/query_exemplars`, and the
//! server records which format it answered each scrape in.
//!
//! A third Prometheus loads the rules `prometheus_rules()` generates for
//! this binary, whose module `burn` has an objective that half of its calls
//! miss: the recorded error ratio reads one half, and the objective's
//! `RustokOperationErrorBudgetBurn` alert becomes pending.
//!
//! Without `prometheus` installed the tests are skipped with a printed
//! reason; under `CI` it is required (`.ci/run` installs it).

use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use axum::Router;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use rustok_metrics::catalogue::Objective;
use rustok_metrics::http::MetricsEndpoint;
use rustok_metrics::{Format, MetricLabel, metered};
use rustok_metrics_testkit::prometheus::{Prometheus, wait_for};
use rustok_metrics_testkit::protobuf::NativeHistogram;
use rustok_metrics_testkit::tools_available;

#[derive(Debug, MetricLabel)]
enum ScrapeError {
    Conflict,
}

#[metered(module = "expo_scrape", op = "publish", kind = "post")]
fn publish(n: u32) -> Result<u32, ScrapeError> {
    if n % 4 == 3 {
        Err(ScrapeError::Conflict)
    } else {
        Ok(n)
    }
}

/// A known workload: a fixed sleep, so the quantiles sit in a few buckets.
#[metered(module = "expo_scrape", op = "sleep")]
fn sleep_fixed() {
    std::thread::sleep(Duration::from_millis(3));
}

/// Runs `call` inside a sampled span of an OpenTelemetry SDK tracer;
/// returns the span's trace id in hex.
fn in_span(call: impl FnOnce()) -> String {
    use opentelemetry::trace::{TraceContextExt, Tracer, TracerProvider};
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    provider
        .tracer("scrape-test")
        .in_span("request", |context| {
            call();
            context.span().span_context().trace_id().to_string()
        })
}

/// 99% of charges must succeed: a budget of 1%.
const PAYMENTS: Objective = Objective::new("payments").success_rate(99.0);

#[metered(module = "burn", op = "charge", objective = PAYMENTS)]
fn charge(n: u64) -> Result<u64, ScrapeError> {
    if n.is_multiple_of(2) {
        Ok(n)
    } else {
        Err(ScrapeError::Conflict)
    }
}

/// The `Content-Type` of every response the server gave.
static SERVED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn serve() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let endpoint = MetricsEndpoint::new();
            let app = Router::new().route(
                "/metrics",
                get(move |headers: HeaderMap| async move {
                    let response = endpoint.respond(&headers);
                    if let Some(served) = response.headers().get(CONTENT_TYPE) {
                        SERVED
                            .lock()
                            .unwrap()
                            .push(served.to_str().unwrap().to_owned());
                    }
                    response
                }),
            );
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    addr
}

fn render(format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    rustok_metrics::MetricsHandle::new()
        .render_into(format, &mut out)
        .expect("render");
    out
}

/// The value of one series, written as in the text exposition, in our render.
fn render_value(series: &str) -> f64 {
    let text = rustok_metrics::render_metrics().unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

/// The bounds of the native bucket holding the observation of `rank`
/// (from 1), in ascending order.
fn bucket_of_rank(histogram: &NativeHistogram, rank: u64) -> (f64, f64) {
    let width = (-histogram.schema as f64).exp2();
    let mut seen = histogram.zero_count;
    for &(index, count) in &histogram.buckets {
        seen += count;
        if seen >= rank {
            return (
                ((index - 1) as f64 * width).exp2(),
                (index as f64 * width).exp2(),
            );
        }
    }
    panic!("fewer than {rank} observations: {histogram:?}");
}

/// The single value of `promql` in `prometheus`, once it has one.
fn value(prometheus: &Prometheus, promql: &str) -> Option<f64> {
    let body = prometheus.query(promql);
    // One sample: `"value":[<time>,"<value>"]`.
    let (_, rest) = body.split_once("\"value\":[")?;
    if rest.contains("\"value\":[") {
        return None;
    }
    let (_, rest) = rest.split_once(",\"")?;
    rest.split('"').next()?.parse().ok()
}

#[test]
fn prometheus_stores_what_each_format_says() {
    if !tools_available(&["prometheus"]) {
        return;
    }
    for n in 1..12 {
        let _ = publish(n); // 8 successes (a ninth below), 3 conflicts
    }
    let traced = in_span(|| {
        let _ = publish(12);
    });
    for _ in 0..20 {
        sleep_fixed();
    }
    // The truth the quantiles are checked against: the native buckets as we
    // expose them (no call of this module happens after this read).
    let ours = rustok_metrics_testkit::protobuf::native_histograms(
        &render(Format::Protobuf),
        "rustok_expo_scrape_operation_duration_seconds",
    )
    .unwrap();
    let sleeps = ours
        .iter()
        .find(|histogram| histogram.labels["operation"] == "sleep")
        .expect("the sleep series")
        .clone();
    let publish_fast = render_value(
        r#"rustok_expo_scrape_operation_duration_seconds_bucket{kind="post",operation="publish",le="0.005"}"#,
    );
    let addr = serve();
    let native = Prometheus::start(
        "expo_native",
        &[addr],
        &["--enable-feature=native-histograms"],
    );
    let exemplars = Prometheus::start(
        "expo_exemplars",
        &[addr],
        &["--enable-feature=exemplar-storage"],
    );
    let plain = Prometheus::start("expo_plain", &[addr], &[]);

    let counters = [
        (
            r#"rustok_expo_scrape_operations_total{operation="publish",kind="post",status="success",error_kind=""}"#,
            9.0,
        ),
        (
            r#"rustok_expo_scrape_operations_total{status="error",error_kind="conflict"}"#,
            3.0,
        ),
    ];
    // What a Prometheus without native histograms stores: classic buckets.
    let classic = [
        (
            r#"rustok_expo_scrape_operation_duration_seconds_count{operation="publish"}"#,
            12.0,
        ),
        (
            r#"rustok_expo_scrape_operation_duration_seconds_bucket{operation="publish",le="+Inf"}"#,
            12.0,
        ),
        (
            r#"rustok_expo_scrape_operation_duration_seconds_bucket{operation="publish",le="0.005"}"#,
            publish_fast,
        ),
    ];
    // With native histograms it keeps the native one instead.
    let native_queries = [
        (
            r#"histogram_count(rustok_expo_scrape_operation_duration_seconds{operation="publish"})"#,
            12.0,
        ),
        (
            r#"histogram_count(rustok_expo_scrape_operation_duration_seconds{operation="sleep"})"#,
            20.0,
        ),
    ];
    let prometheis = [
        ("native-histograms", &native, &native_queries[..]),
        ("exemplar-storage", &exemplars, &classic[..]),
        ("no flags", &plain, &classic[..]),
    ];
    for (name, prometheus, histograms) in prometheis {
        wait_for(
            &format!("the {name} Prometheus to store the scrape"),
            Duration::from_secs(120),
            || value(prometheus, counters[0].0).is_some(),
        );
        for &(promql, expected) in counters.iter().chain(histograms) {
            assert_eq!(
                value(prometheus, promql),
                Some(expected),
                "{name}: {promql}"
            );
        }
        let up = format!("up{{instance=\"{addr}\"}}");
        assert_eq!(value(prometheus, &up), Some(1.0), "{name}: target up");
    }
    // The classic `_count` series is not stored next to a native histogram.
    assert_eq!(value(&native, classic[0].0), None);

    // The quantiles Prometheus estimates from our native buckets lie in the
    // bucket that holds the observation of rank q * count (the 10th of 20
    // for p50, the 18th for p90), as our own render has it.
    for (quantile, rank) in [(0.5, 10), (0.9, 18)] {
        let (lower, upper) = bucket_of_rank(&sleeps, rank);
        let promql = format!(
            r#"histogram_quantile({quantile}, sum(rustok_expo_scrape_operation_duration_seconds{{operation="sleep"}}))"#
        );
        let estimate = value(&native, &promql).unwrap_or(f64::NAN);
        let slack = upper * 1e-9;
        assert!(
            estimate >= lower - slack && estimate <= upper + slack,
            "p{quantile}: {estimate} s, outside ({lower}, {upper}] where our buckets put it: {sleeps:?}"
        );
    }

    // The traced call's trace id, as an exemplar of its bucket and counter.
    wait_for(
        "the exemplar to be stored",
        Duration::from_secs(120),
        || {
            exemplars
                .query_exemplars(
                    r#"rustok_expo_scrape_operation_duration_seconds_bucket{operation="publish"}"#,
                )
                .contains(&format!("\"trace_id\":\"{traced}\""))
        },
    );
    let on_counter = exemplars.query_exemplars(
        r#"rustok_expo_scrape_operations_total{operation="publish",status="success"}"#,
    );
    assert!(on_counter.contains(&traced), "{on_counter}");
    let served = SERVED.lock().unwrap().clone();
    for format in [Format::Protobuf, Format::OpenMetrics] {
        assert!(
            served.iter().any(|served| served == format.content_type()),
            "never served {format:?}: {served:?}"
        );
    }
}

#[test]
fn generated_rules_record_the_error_ratio_and_a_burning_objective_alerts() {
    if !tools_available(&["prometheus"]) {
        return;
    }
    let addr = serve();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let traffic = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // Calls in pairs: one succeeds, one fails.
                let _ = charge(n);
                let _ = charge(n + 1);
                n += 2;
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let rules = rustok_metrics::catalogue::prometheus_rules();
    let prometheus = Prometheus::start_with_rules("objective_burn", &[addr], &[], &[&rules]);

    let ratio = r#"rustok:operation_error_ratio:rate5m{module="burn",operation="charge"}"#;
    wait_for("the recorded error ratio", Duration::from_secs(120), || {
        value(&prometheus, ratio).is_some()
    });
    let recorded = value(&prometheus, ratio).unwrap_or(f64::NAN);
    assert!(
        (recorded - 0.5).abs() < 0.02,
        "error ratio of burn/charge: {recorded}"
    );
    let pending = r#"ALERTS{alertname="RustokOperationErrorBudgetBurn",alertstate="pending",module="burn",operation="charge",objective="payments",severity="page"}"#;
    wait_for(
        "the objective's page alert to become pending",
        Duration::from_secs(120),
        || value(&prometheus, pending) == Some(1.0),
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    traffic.join().unwrap();
}
