//! No increment is lost when threads share a call site.

use std::thread;

use rustok_metrics::metered;

use crate::support::scrape;

#[metered(module = "it_threads", op = "hit")]
fn hit(n: u64) -> Result<u64, u64> {
    if n.is_multiple_of(10) { Err(n) } else { Ok(n) }
}

#[test]
fn two_threads_calling_one_function_lose_no_increment() {
    const PER_THREAD: u64 = 50_000;
    let workers: Vec<_> = (0..2)
        .map(|_| {
            thread::spawn(|| {
                for n in 0..PER_THREAD {
                    let _ = hit(n);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let scrape = scrape();
    let errors = 2 * PER_THREAD / 10;
    assert_eq!(
        scrape.statuses("it_threads", "hit"),
        [2 * PER_THREAD - errors, errors, 0, 0]
    );
    assert_eq!(
        scrape.observed("it_threads", "hit", ""),
        Some(2 * PER_THREAD)
    );
}
