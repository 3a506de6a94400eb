//! `rustok_<module>_operations_in_flight`: calls started and not ended.

use std::future::Future;
use std::pin::pin;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};

use rustok_metrics::metered;

use crate::support::{YieldOnce, block_on, scrape};

#[metered(module = "it_in_flight", op = "wait", kind = "job")]
async fn wait_once() {
    YieldOnce(false).await;
}

#[metered(module = "it_in_flight", op = "moves")]
async fn moves_between_threads() {
    YieldOnce(false).await;
}

#[metered(module = "it_in_flight", op = "blocking")]
fn blocking(started: &mpsc::Sender<()>, release: &mpsc::Receiver<()>) {
    started.send(()).unwrap();
    release.recv().unwrap();
}

fn in_flight(op: &str, kind: &str) -> Option<f64> {
    scrape().value(
        "rustok_it_in_flight_operations_in_flight",
        &[("operation", op), ("kind", kind)],
    )
}

#[test]
fn a_suspended_call_is_in_flight_until_it_completes_or_is_dropped() {
    assert_eq!(in_flight("wait", "job"), Some(0.0), "zero before any call");

    let mut cx = Context::from_waker(Waker::noop());
    let mut first = Box::pin(wait_once());
    let mut second = Box::pin(wait_once());
    assert!(first.as_mut().poll(&mut cx).is_pending());
    assert!(second.as_mut().poll(&mut cx).is_pending());
    assert_eq!(in_flight("wait", "job"), Some(2.0));

    assert_eq!(first.as_mut().poll(&mut cx), Poll::Ready(()));
    assert_eq!(in_flight("wait", "job"), Some(1.0));
    drop(second); // cancelled
    assert_eq!(in_flight("wait", "job"), Some(0.0));
    let scrape = scrape();
    assert_eq!(
        scrape.calls("it_in_flight", "wait", "job", "cancelled"),
        Some(1)
    );
    block_on(wait_once());
    assert_eq!(in_flight("wait", "job"), Some(0.0));
}

#[test]
fn a_running_sync_call_is_in_flight_and_a_future_resumed_elsewhere_ends_it() {
    let (started, on_start) = mpsc::channel();
    let (release, on_release) = mpsc::channel();
    let worker = std::thread::spawn(move || blocking(&started, &on_release));
    on_start.recv().unwrap();
    assert_eq!(in_flight("blocking", ""), Some(1.0));
    release.send(()).unwrap();
    worker.join().unwrap();
    assert_eq!(in_flight("blocking", ""), Some(0.0));

    // Started on this thread, finished on another.
    let mut future = Box::pin(moves_between_threads());
    let mut cx = Context::from_waker(Waker::noop());
    assert!(future.as_mut().poll(&mut cx).is_pending());
    assert_eq!(in_flight("moves", ""), Some(1.0));
    std::thread::spawn(move || {
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(pin!(future).poll(&mut cx), Poll::Ready(()));
    })
    .join()
    .unwrap();
    assert_eq!(in_flight("moves", ""), Some(0.0));
}
