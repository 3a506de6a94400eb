//! The instrumentation variants, shared by the benchmark binaries.

use std::sync::LazyLock;
use std::time::Instant;

use metered::{ErrorCount, HitCount, ResponseTime};
use rustok_metrics_benches::{Variant, poll_ready, work};

/// `(name, function)` for every variant, in table order.
pub const VARIANTS: &[(&str, Variant)] = &[
    ("bare", bare),
    ("instant_now_x2", instant_only),
    ("rustok_metered_sync", metered_sync),
    ("rustok_metered_async", metered_async),
    (
        "rustok_metered_sync_classic_only",
        metered_sync_classic_only,
    ),
    #[cfg(feature = "opentelemetry")]
    ("rustok_metered_sync_in_span", metered_sync_in_span),
    ("prometheus_with_label_values", prometheus_with_label_values),
    ("prometheus_resolved", prometheus_resolved),
    ("autometrics_3", autometrics_3),
    ("metered_0_9", metered_0_9),
    ("metrics_0_24", metrics_0_24),
];

#[inline(never)]
fn bare(x: u64) -> Result<u64, u64> {
    work(x)
}

#[inline(never)]
fn instant_only(x: u64) -> Result<u64, u64> {
    let start = Instant::now();
    let result = work(x);
    std::hint::black_box(start.elapsed());
    result
}

#[rustok_metrics::metered(module = "bench", op = "sync")]
#[inline(never)]
fn metered_sync(x: u64) -> Result<u64, u64> {
    work(x)
}

/// One metered call (module settings are declared below), so the process-wide first-use costs (the clock's
/// calibration, this thread's slot, the registry) fall on no variant.
pub fn configure() {
    let _ = metered_sync_classic_only(0);
}

rustok_metrics::settings::declare!(
    rustok_metrics::settings::ModuleSettings::new("bench_classic").classic_only()
);

/// The same function in a module without native histograms: the
/// difference to `metered_sync` is what native buckets cost.
#[rustok_metrics::metered(module = "bench_classic", op = "sync")]
#[inline(never)]
fn metered_sync_classic_only(x: u64) -> Result<u64, u64> {
    work(x)
}

#[cfg(feature = "opentelemetry")]
mod in_span {
    use std::sync::LazyLock;

    use opentelemetry::trace::{TraceContextExt, Tracer, TracerProvider};

    static PROVIDER: LazyLock<opentelemetry_sdk::trace::SdkTracerProvider> =
        LazyLock::new(|| opentelemetry_sdk::trace::SdkTracerProvider::builder().build());

    thread_local! {
        /// A sampled span, entered on this thread for as long as it lives.
        static ENTERED: opentelemetry::ContextGuard = {
            let span = PROVIDER.tracer("bench").start("request");
            opentelemetry::Context::current_with_span(span).attach()
        };
    }

    /// Keeps the thread inside the span (a thread-local read after the first
    /// call).
    #[inline(always)]
    pub fn enter() {
        ENTERED.with(|_| ());
    }
}

/// `metered_sync`'s twin, called inside a sampled OpenTelemetry span: each
/// call leaves an exemplar (the `opentelemetry` feature of this crate).
#[cfg(feature = "opentelemetry")]
#[inline(never)]
fn metered_sync_in_span(x: u64) -> Result<u64, u64> {
    in_span::enter();
    metered_sync_traced(x)
}

#[cfg(feature = "opentelemetry")]
#[rustok_metrics::metered(module = "bench", op = "sync_traced")]
#[inline(never)]
fn metered_sync_traced(x: u64) -> Result<u64, u64> {
    work(x)
}

#[rustok_metrics::metered(module = "bench", op = "async")]
async fn metered_async_inner(x: u64) -> Result<u64, u64> {
    work(x)
}

#[inline(never)]
fn metered_async(x: u64) -> Result<u64, u64> {
    poll_ready(metered_async_inner(x))
}

static OPS: LazyLock<prometheus::IntCounterVec> = LazyLock::new(|| {
    prometheus::IntCounterVec::new(
        prometheus::Opts::new("bench_hand_operations_total", "Calls."),
        &["operation", "kind", "status"],
    )
    .unwrap()
});
static DURATION: LazyLock<prometheus::HistogramVec> = LazyLock::new(|| {
    prometheus::HistogramVec::new(
        prometheus::HistogramOpts::new("bench_hand_duration_seconds", "Durations."),
        &["operation", "kind"],
    )
    .unwrap()
});

/// How the platform instruments today: look the series up on every call.
#[inline(never)]
fn prometheus_with_label_values(x: u64) -> Result<u64, u64> {
    let start = Instant::now();
    let result = work(x);
    let status = if result.is_ok() { "success" } else { "error" };
    OPS.with_label_values(&["create", "post", status]).inc();
    DURATION
        .with_label_values(&["create", "post"])
        .observe(start.elapsed().as_secs_f64());
    result
}

static RESOLVED: LazyLock<(
    prometheus::IntCounter,
    prometheus::IntCounter,
    prometheus::Histogram,
)> = LazyLock::new(|| {
    (
        OPS.with_label_values(&["resolved", "post", "success"]),
        OPS.with_label_values(&["resolved", "post", "error"]),
        DURATION.with_label_values(&["resolved", "post"]),
    )
});

/// The best hand-written `prometheus` code: series resolved once.
#[inline(never)]
fn prometheus_resolved(x: u64) -> Result<u64, u64> {
    let start = Instant::now();
    let result = work(x);
    let (ok, err, duration) = &*RESOLVED;
    if result.is_ok() {
        ok.inc()
    } else {
        err.inc()
    }
    duration.observe(start.elapsed().as_secs_f64());
    result
}

#[autometrics::autometrics]
#[inline(never)]
fn autometrics_3(x: u64) -> Result<u64, u64> {
    work(x)
}

#[derive(Default, Debug)]
struct MeteredService {
    metrics: MeteredServiceMetrics,
}

#[metered::metered(registry = MeteredServiceMetrics)]
impl MeteredService {
    #[measure([HitCount, ErrorCount, ResponseTime])]
    #[inline(never)]
    fn call(&self, x: u64) -> Result<u64, u64> {
        work(x)
    }
}

static METERED_SERVICE: LazyLock<MeteredService> = LazyLock::new(MeteredService::default);

fn metered_0_9(x: u64) -> Result<u64, u64> {
    METERED_SERVICE.call(x)
}

static METRICS_RECORDER: LazyLock<()> = LazyLock::new(|| {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    metrics::set_global_recorder(recorder).expect("one recorder per bench process");
});

#[inline(never)]
fn metrics_0_24(x: u64) -> Result<u64, u64> {
    LazyLock::force(&METRICS_RECORDER);
    let start = Instant::now();
    let result = work(x);
    let status = if result.is_ok() { "success" } else { "error" };
    metrics::counter!("bench_operations_total", "operation" => "create", "kind" => "post", "status" => status).increment(1);
    metrics::histogram!("bench_duration_seconds", "operation" => "create", "kind" => "post")
        .record(start.elapsed().as_secs_f64());
    result
}
