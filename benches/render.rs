//! Cost of rendering the registry for 10, 100 and 1,000 metered operations
//! with 4 statuses each, against the same series held in plain
//! `IntCounterVec`/`HistogramVec` (with the same four counter labels,
//! `error_kind` included) and encoded with `TextEncoder`.
//!
//! `cargo bench -p rustok-metrics-benches --bench render`
//!
//! Each size uses its own module and its own `prometheus::Registry` for the
//! baseline, and the registry holds nothing else (no process metrics are
//! counted against us: the render is of a module's families only).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};
use rustok_metrics::__private::{CallSite, Outcome};
use rustok_metrics::Status;

const SIZES: [usize; 3] = [10, 100, 1_000];

/// `count` call sites in `module`, each with four status series.
fn metered_sites(module: &'static str, count: usize) {
    for op in 0..count {
        let operation: &'static str = Box::leak(format!("op_{op}").into_boxed_str());
        let site = CallSite::new(module, operation, "post", false, file!(), line!());
        let site: &'static CallSite = Box::leak(Box::new(site));
        // Every status renders, at zero if never recorded; record three.
        site.start().finish(Outcome::Success);
        site.start().finish(Outcome::Error { error_kind: None });
        drop(site.start()); // cancelled
    }
}

fn baseline(count: usize) -> Registry {
    let registry = Registry::new();
    let calls = IntCounterVec::new(
        Opts::new("baseline_operations_total", "Calls."),
        &["operation", "kind", "status", "error_kind"],
    )
    .unwrap();
    let durations = HistogramVec::new(
        HistogramOpts::new("baseline_operation_duration_seconds", "Durations."),
        &["operation", "kind"],
    )
    .unwrap();
    for op in 0..count {
        let operation = format!("op_{op}");
        for status in Status::ALL {
            calls
                .with_label_values(&[operation.as_str(), "post", status.as_str(), ""])
                .inc();
            durations
                .with_label_values(&[operation.as_str(), "post"])
                .observe(0.000_01);
        }
    }
    registry.register(Box::new(calls)).unwrap();
    registry.register(Box::new(durations)).unwrap();
    registry
}

fn render(c: &mut Criterion) {
    for (size, module) in SIZES
        .into_iter()
        .zip(["render_10", "render_100", "render_1000"])
    {
        metered_sites(module, size);
        // The module's families alone, rendered the way `render_metrics` does.
        let ours = Registry::new();
        ours.register(Box::new(ModuleOnly(
            rustok_metrics::module_metrics(module).unwrap(),
        )))
        .unwrap();
        let theirs = baseline(size);

        let mut group = c.benchmark_group(format!("render_{size}"));
        group.bench_function(BenchmarkId::from_parameter("rustok_render_metrics"), |b| {
            b.iter(|| encode(&ours));
        });
        group.bench_function(
            BenchmarkId::from_parameter("prometheus_text_encoder"),
            |b| {
                b.iter(|| encode(&theirs));
            },
        );
        group.finish();
    }
}

fn encode(registry: &Registry) -> String {
    let mut text = String::new();
    TextEncoder::new()
        .encode_utf8(&registry.gather(), &mut text)
        .unwrap();
    black_box(text)
}

/// One module's families, without the rest of the global registry.
struct ModuleOnly(&'static rustok_metrics::ModuleMetrics);

impl prometheus::core::Collector for ModuleOnly {
    fn desc(&self) -> Vec<&prometheus::core::Desc> {
        Vec::new()
    }

    fn collect(&self) -> Vec<prometheus::proto::MetricFamily> {
        self.0.collect()
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    targets = render
}
criterion_main!(benches);
