//! Cost of rendering one module's families, against the same series held in
//! plain `IntCounterVec`/`HistogramVec` (with the same four counter labels,
//! `error_kind` included) and encoded with `TextEncoder`:
//!
//! - 10, 100 and 1,000 operations of one kind;
//! - 200 operations x 25 kinds (5,000 series of each family, about
//!   120,000 lines with the default buckets), in each of our three formats
//!   (protobuf with the native buckets too), with static kinds and with
//!   kinds each call computes.
//!
//! `cargo bench -p rustok-metrics-benches --bench render`
//!
//! Each size uses its own module and its own `prometheus::Registry` for the
//! baseline, and nothing else is rendered (no process metrics are counted
//! against us). Before criterion runs, it prints lines per render, ns per
//! line from a quick timing, and allocations per render (a counting global
//! allocator), for the table in docs/benchmarks.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};
use rustok_metrics::__private::{CallSite, Exit, KindValue, Outcome};
use rustok_metrics::Format;
use rustok_metrics::by_hand::{ModuleMetrics, Status};
use rustok_metrics_benches::{CountingAllocator, allocations};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// (module, operations, kinds per operation). `render_200x25_computed` has
/// one call site per operation whose kind each call computes (`kind =
/// bounded(..)`); the others, one call site per (operation, kind).
const SIZES: [(&str, usize, usize); 5] = [
    ("render_10", 10, 1),
    ("render_100", 100, 1),
    ("render_1000", 1_000, 1),
    ("render_200x25", 200, 25),
    ("render_200x25_computed", 200, 25),
];

fn kind_name(kind: usize, kinds: usize) -> String {
    if kinds == 1 {
        "post".to_owned()
    } else {
        format!("kind_{kind}")
    }
}

/// `operations x kinds` call sites in `module`, each with four status series.
fn metered_sites(module: &'static str, operations: usize, kinds: usize) -> &'static ModuleMetrics {
    let computed = module.ends_with("_computed");
    let leak = |site: CallSite| -> &'static CallSite { Box::leak(Box::new(site)) };
    for op in 0..operations {
        let operation: &'static str = Box::leak(format!("op_{op}").into_boxed_str());
        let computed_site =
            computed.then(|| leak(CallSite::new(module, operation, "", true, file!(), line!())));
        for kind in 0..kinds {
            let kind: &'static str = Box::leak(kind_name(kind, kinds).into_boxed_str());
            let static_site = computed_site.is_none().then(|| {
                leak(CallSite::new(
                    module,
                    operation,
                    kind,
                    false,
                    file!(),
                    line!(),
                ))
            });
            let start = || match (computed_site, static_site) {
                (Some(site), _) => site.start_with(KindValue::Bounded(kind)),
                (None, Some(site)) => site.start(),
                (None, None) => unreachable!("one of the two is made"),
            };
            // Every status renders, at zero if never recorded; record three.
            for outcome in [Outcome::Success, Outcome::Error { error_kind: None }] {
                Exit::new(start()).returns(outcome);
            }
            drop(Exit::new(start())); // cancelled
        }
    }
    rustok_metrics::by_hand::module_metrics(module).unwrap()
}

fn baseline(operations: usize, kinds: usize) -> Registry {
    let registry = Registry::new();
    let calls = IntCounterVec::new(
        Opts::new("baseline_operations_total", "Calls."),
        &["operation", "kind", "status", "error_kind"],
    )
    .unwrap();
    let durations = HistogramVec::new(
        // The same bucket layout as ours, so both render the same lines.
        HistogramOpts::new("baseline_operation_duration_seconds", "Durations.")
            .buckets(rustok_metrics::settings::DEFAULT_DURATION_BUCKETS.to_vec()),
        &["operation", "kind"],
    )
    .unwrap();
    for op in 0..operations {
        let operation = format!("op_{op}");
        for kind in 0..kinds {
            let kind = kind_name(kind, kinds);
            for status in Status::ALL {
                calls
                    .with_label_values(&[operation.as_str(), &kind, status.as_str(), ""])
                    .inc();
                durations
                    .with_label_values(&[operation.as_str(), &kind])
                    .observe(0.000_01);
            }
        }
    }
    registry.register(Box::new(calls)).unwrap();
    registry.register(Box::new(durations)).unwrap();
    registry
}

fn ours(module: &ModuleMetrics, format: Format, out: &mut Vec<u8>) {
    out.clear();
    module.render_into(format, out);
    black_box(out);
}

fn theirs(registry: &Registry) -> String {
    let mut text = String::new();
    TextEncoder::new()
        .encode_utf8(&registry.gather(), &mut text)
        .unwrap();
    black_box(text)
}

/// Lines, ns per line (best of 5) and allocations of one render.
fn measure(what: &str, lines: usize, mut render: impl FnMut()) {
    render(); // warm: buffers grown, lazies made
    let before = allocations();
    render();
    let allocations = allocations() - before;
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            render();
            start.elapsed()
        })
        .min()
        .unwrap();
    #[allow(clippy::cast_precision_loss)]
    let per_line = best.as_nanos() as f64 / lines as f64;
    println!(
        "render-table | {what} | {lines} lines | {per_line:.1} ns/line | {allocations} allocations"
    );
}

fn render(c: &mut Criterion) {
    for (module, operations, kinds) in SIZES {
        let families = metered_sites(module, operations, kinds);
        let registry = baseline(operations, kinds);
        let mut buffer = Vec::new();
        let formats: &[(&str, Format)] = if kinds == 1 {
            &[("rustok_text", Format::Text)]
        } else {
            &[
                ("rustok_text", Format::Text),
                ("rustok_openmetrics", Format::OpenMetrics),
                ("rustok_protobuf", Format::Protobuf),
            ]
        };
        let text_lines = {
            ours(families, Format::Text, &mut buffer);
            buffer.iter().filter(|&&byte| byte == b'\n').count()
        };
        for (name, format) in formats {
            measure(&format!("{module} {name}"), text_lines, || {
                ours(families, *format, &mut buffer);
            });
        }
        let baseline_lines = theirs(&registry).lines().count();
        measure(
            &format!("{module} prometheus_text_encoder"),
            baseline_lines,
            || {
                theirs(&registry);
            },
        );

        let mut group = c.benchmark_group(module);
        for (name, format) in formats {
            group.bench_function(BenchmarkId::from_parameter(name), |b| {
                b.iter(|| ours(families, *format, &mut buffer));
            });
        }
        group.bench_function(
            BenchmarkId::from_parameter("prometheus_text_encoder"),
            |b| {
                b.iter(|| theirs(&registry));
            },
        );
        group.finish();
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
