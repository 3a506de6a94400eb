//! A real Prometheus 2.42 reads every format we serve: one started with
//! `--enable-feature=native-histograms` (it then asks for delimited
//! protobuf) and one without flags (OpenMetrics), both scraping one test
//! server; the values they store are checked through `/api/v1/query`, and
//! the server records which format it answered each scrape in.
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
use rustok_metrics::http::MetricsEndpoint;
use rustok_metrics::{Format, MetricLabel, Objective, metered};
use rustok_metrics_testkit::prometheus::{Prometheus, wait_for};
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
    for n in 0..12 {
        let _ = publish(n); // 9 successes, 3 conflicts
    }
    let addr = serve();
    let native = Prometheus::start(
        "expo_native",
        &[addr],
        &["--enable-feature=native-histograms"],
    );
    let plain = Prometheus::start("expo_plain", &[addr], &[]);

    let queries = [
        (
            r#"rustok_expo_scrape_operations_total{operation="publish",kind="post",status="success",error_kind=""}"#,
            9.0,
        ),
        (
            r#"rustok_expo_scrape_operations_total{status="error",error_kind="conflict"}"#,
            3.0,
        ),
        ("rustok_expo_scrape_operation_duration_seconds_count", 12.0),
        (
            r#"rustok_expo_scrape_operation_duration_seconds_bucket{le="+Inf"}"#,
            12.0,
        ),
        (
            r#"rustok_expo_scrape_operation_duration_seconds_bucket{le="0.005"}"#,
            12.0,
        ),
    ];
    for (name, prometheus) in [("native-histograms", &native), ("no flags", &plain)] {
        wait_for(
            &format!("the {name} Prometheus to store the scrape"),
            Duration::from_secs(60),
            || value(prometheus, queries[0].0).is_some(),
        );
        for (promql, expected) in queries {
            assert_eq!(
                value(prometheus, promql),
                Some(expected),
                "{name}: {promql}"
            );
        }
        let up = format!("up{{instance=\"{addr}\"}}");
        assert_eq!(value(prometheus, &up), Some(1.0), "{name}: target up");
    }
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
    let rules = rustok_metrics::prometheus_rules();
    let prometheus = Prometheus::start_with_rules("objective_burn", &[addr], &[], &[&rules]);

    let ratio = r#"rustok:operation_error_ratio:rate5m{module="burn",operation="charge"}"#;
    wait_for("the recorded error ratio", Duration::from_secs(60), || {
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
        Duration::from_secs(60),
        || value(&prometheus, pending) == Some(1.0),
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    traffic.join().unwrap();
}
