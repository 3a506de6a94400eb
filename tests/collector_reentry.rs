//! A collector of the user's that calls metered functions while the
//! registry gathers: the first call of a module, the first computed kind of
//! the process. Its own test binary, so those calls really are the first.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use rustok_metrics::prometheus::core::{Collector, Desc};
use rustok_metrics::prometheus::proto::MetricFamily;
use rustok_metrics::{MetricLabel, metered};

#[derive(Clone, Copy, MetricLabel)]
enum Source {
    Cache,
}

#[metered(module = "reentry_kinds", op = "lookup", kind = source)]
fn lookup(source: Source) -> u32 {
    match source {
        Source::Cache => 1,
    }
}

#[metered(module = "reentry_plain", op = "tick")]
fn tick() {}

/// Calls the metered functions from inside `collect`, as a collector that
/// reads its values through instrumented service code would.
struct CallsMeteredCode {
    collects: AtomicU32,
}

impl Collector for CallsMeteredCode {
    fn desc(&self) -> Vec<&Desc> {
        Vec::new()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        self.collects.fetch_add(1, Ordering::SeqCst);
        lookup(Source::Cache);
        tick();
        Vec::new()
    }
}

/// Renders on another thread; `None` if it did not finish in time.
fn render_within(limit: Duration) -> Option<String> {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(rustok_metrics::render_metrics().expect("render"));
    });
    finished.recv_timeout(limit).ok()
}

/// The value of a sample line with exactly these labels, parsed.
fn sample(text: &str, name: &str, labels: &str) -> Option<f64> {
    let prefix = format!("{name}{{{labels}}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map(|value| value.parse().expect("a number"))
}

#[test]
fn metered_calls_inside_a_gather_neither_deadlock_nor_get_lost() {
    rustok_metrics::by_hand::registry()
        .register(Box::new(CallsMeteredCode {
            collects: AtomicU32::new(0),
        }))
        .unwrap();

    let first = render_within(Duration::from_secs(30))
        .expect("render_metrics hung: a lock of ours was held while a collector ran");
    // The calls made during the first gather may or may not be in it (the
    // module's collector may already have run); the second render has them.
    let _ = first;
    let second = render_within(Duration::from_secs(30)).expect("the second render hung");
    let looked_up = sample(
        &second,
        "rustok_reentry_kinds_operations_total",
        r#"error_kind="",kind="cache",operation="lookup",status="success""#,
    );
    assert!(
        matches!(looked_up, Some(n) if n >= 1.0),
        "lookup counted: {looked_up:?}\n{second}"
    );
    let ticked = sample(
        &second,
        "rustok_reentry_plain_operations_total",
        r#"error_kind="",kind="",operation="tick",status="success""#,
    );
    assert!(
        matches!(ticked, Some(n) if n >= 1.0),
        "tick counted: {ticked:?}"
    );
}
