//! Render cost for `benches/compare`: 200 operations x 25 kinds computed by
//! each call (`kind = rustok_metrics::bounded(kind)`), three statuses each,
//! rendered as text 0.0.4 by `render_metrics()`. Prints the lines of one
//! render and the median time per line.

use std::time::Duration;

use criterion::Criterion;

use probe_calls::common::{ProbeError, criterion_median_nanos, report, work};

include!(concat!(env!("OUT_DIR"), "/render_sites.rs"));

const KINDS: usize = 25;

fn main() {
    let kinds: Vec<String> = (0..KINDS).map(|kind| format!("kind_{kind}")).collect();
    for operation in &RENDER_OPS {
        for kind in &kinds {
            let _ = operation(kind, 1);
            let _ = operation(kind, u64::MAX);
        }
    }
    let lines = rustok_metrics::render_metrics().unwrap().lines().count();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    criterion.bench_function("render_computed_200x25", |b| {
        b.iter(|| rustok_metrics::render_metrics().unwrap());
    });
    let nanos = criterion_median_nanos("render_computed_200x25", "");
    report("render.lines", lines as f64, "lines");
    #[allow(clippy::cast_precision_loss)]
    report(
        "render.ns_per_line_computed_200x25",
        nanos / lines as f64,
        "ns",
    );
}
