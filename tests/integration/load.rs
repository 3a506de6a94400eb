//! Exact counts under load: many threads, renders racing with calls,
//! short-lived threads, and futures that move between tokio workers.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use rustok_metrics::metered;

use crate::support::{Scrape, scrape};

#[metered(module = "it_load", op = "hammer")]
fn hammer(n: u64) -> Result<u64, u64> {
    if n.is_multiple_of(100) { Err(n) } else { Ok(n) }
}

/// Every counter and histogram sample of the `it_load` families, by name
/// and labels (not the in-flight gauge, which goes down as calls end).
fn load_samples(scrape: &Scrape) -> BTreeMap<String, f64> {
    scrape
        .samples
        .iter()
        .filter(|s| s.name.starts_with("rustok_it_load_") && !s.name.ends_with("_in_flight"))
        .map(|s| (format!("{}{:?}", s.name, s.labels), s.value))
        .collect()
}

/// Within one render: `_count` is the sum of the statuses, no finite bucket
/// exceeds it, and calls in flight stay near the number of threads (a
/// render reads a series' ends before its starts, so calls that start and
/// end during that read count as in flight in it: never negative, at worst
/// a few calls too many).
fn assert_consistent(scrape: &Scrape) {
    let in_flight = scrape
        .value(
            "rustok_it_load_operations_in_flight",
            &[("operation", "hammer"), ("kind", "")],
        )
        .unwrap_or(0.0);
    assert!(
        (0.0..=64.0).contains(&in_flight),
        "{in_flight} calls in flight"
    );
    let statuses: u64 = scrape.statuses("it_load", "hammer").iter().sum();
    let count = scrape.observed("it_load", "hammer", "").unwrap_or(0);
    assert_eq!(count, statuses, "histogram _count vs statuses");
    for sample in &scrape.samples {
        if sample.name == "rustok_it_load_operation_duration_seconds_bucket" {
            assert!(
                sample.value <= count as f64,
                "bucket {sample:?} above _count {count}"
            );
        }
    }
}

#[test]
fn eight_threads_with_a_render_every_millisecond_stay_monotonic_and_exact() {
    const THREADS: u64 = 8;
    const CALLS: u64 = 200_000;
    /// Writers keep going (in whole rounds of 100 calls) until the renderer
    /// has raced them this often, however slow the machine.
    const RACING_RENDERS: usize = 5;
    let done = AtomicBool::new(false);
    let renderer_gone = AtomicBool::new(false);
    let renders = AtomicUsize::new(0);
    let calls = thread::scope(|scope| {
        let renderer = scope.spawn(|| {
            // If an assertion here fails, the writers must not wait for
            // renders that will never come.
            struct Stops<'a>(&'a AtomicBool);
            impl Drop for Stops<'_> {
                fn drop(&mut self) {
                    self.0.store(true, Ordering::Release);
                }
            }
            let _stops_writers = Stops(&renderer_gone);
            let mut previous = BTreeMap::new();
            while !done.load(Ordering::Acquire) {
                let scrape = scrape();
                assert_consistent(&scrape);
                let current = load_samples(&scrape);
                for (series, before) in &previous {
                    let now = current.get(series).copied().unwrap_or(0.0);
                    assert!(now >= *before, "{series} went from {before} to {now}");
                }
                previous = current;
                renders.fetch_add(1, Ordering::Release);
                thread::sleep(Duration::from_millis(1));
            }
        });
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    let mut made = 0;
                    while made < CALLS
                        || (renders.load(Ordering::Acquire) < RACING_RENDERS
                            && !renderer_gone.load(Ordering::Acquire))
                    {
                        for n in made..made + 100 {
                            let _ = hammer(n);
                        }
                        made += 100;
                    }
                    made
                })
            })
            .collect();
        let calls: Vec<u64> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        done.store(true, Ordering::Release);
        renderer.join().unwrap();
        calls
    });

    // `hammer(n)` fails for every n divisible by 100: once per round.
    let total: u64 = calls.iter().sum();
    let errors = total / 100;
    let scrape = scrape();
    assert_eq!(
        scrape.statuses("it_load", "hammer"),
        [total - errors, errors, 0, 0]
    );
    assert_consistent(&scrape);
    assert_eq!(
        scrape.value(
            "rustok_it_load_operations_in_flight",
            &[("operation", "hammer"), ("kind", "")],
        ),
        Some(0.0),
        "every call ended"
    );
}

#[metered(module = "it_load_short", op = "once")]
fn once() {}

#[test]
fn ten_thousand_short_lived_threads_are_all_counted() {
    const THREADS: usize = 10_000;
    const AT_ONCE: usize = 16;
    for _ in 0..THREADS / AT_ONCE {
        let batch: Vec<_> = (0..AT_ONCE).map(|_| thread::spawn(once)).collect();
        for thread in batch {
            thread.join().unwrap();
        }
    }
    let scrape = scrape();
    assert_eq!(
        scrape.statuses("it_load_short", "once"),
        [THREADS as u64, 0, 0, 0]
    );
    assert_eq!(
        scrape.observed("it_load_short", "once", ""),
        Some(THREADS as u64)
    );
}

#[metered(module = "it_load_tokio", op = "hop")]
async fn hop(n: u32) -> Result<u32, u32> {
    for _ in 0..4 {
        tokio::task::yield_now().await;
    }
    if n.is_multiple_of(10) { Err(n) } else { Ok(n) }
}

#[test]
fn futures_moving_between_tokio_workers_are_counted_exactly() {
    const TASKS: u32 = 2_000;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS).map(|n| tokio::spawn(hop(n))).collect();
        for task in tasks {
            let _ = task.await.unwrap();
        }
    });
    let scrape = scrape();
    let errors = u64::from(TASKS / 10);
    assert_eq!(
        scrape.statuses("it_load_tokio", "hop"),
        [u64::from(TASKS) - errors, errors, 0, 0]
    );
    assert_eq!(
        scrape.observed("it_load_tokio", "hop", ""),
        Some(u64::from(TASKS))
    );
}

#[metered(module = "it_load_clock", op = "nap")]
async fn nap() {
    tokio::time::sleep(Duration::from_millis(30)).await;
}

#[metered(module = "it_load_clock", op = "doze")]
fn doze() {
    thread::sleep(Duration::from_millis(30));
}

/// `_sum` and the bucket at and below `le` of one `it_load_clock` operation.
fn clock_histogram(op: &str, le: &str) -> (f64, f64) {
    let scrape = scrape();
    let labels = [("operation", op), ("kind", "")];
    let sum = scrape
        .value(
            "rustok_it_load_clock_operation_duration_seconds_sum",
            &labels,
        )
        .unwrap();
    let bucket = scrape
        .value(
            "rustok_it_load_clock_operation_duration_seconds_bucket",
            &[labels[0], labels[1], ("le", le)],
        )
        .unwrap();
    (sum, bucket)
}

#[test]
fn durations_are_right_when_a_future_resumes_on_another_worker() {
    const TASKS: u32 = 40;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS).map(|_| tokio::spawn(nap())).collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    // Suspended time counts: every call took at least its 30 ms sleep.
    let (sum, under_25ms) = clock_histogram("nap", "0.025");
    assert!(sum >= f64::from(TASKS) * 0.030, "sum {sum}");
    assert!(
        sum < f64::from(TASKS) * 5.0,
        "sum {sum}: a clock read on another core went wrong"
    );
    assert_eq!(under_25ms, 0.0, "no call can be shorter than its sleep");

    for _ in 0..3 {
        doze();
    }
    let (sum, under_25ms) = clock_histogram("doze", "0.025");
    assert!((0.090..15.0).contains(&sum), "sum {sum}");
    assert_eq!(under_25ms, 0.0);
}
