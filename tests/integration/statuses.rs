//! Each status, for sync and async functions.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::task::{Context, Waker};

use rustok_metrics::metered;

use crate::support::{YieldOnce, block_on, scrape};

#[derive(Debug, PartialEq)]
struct NotFound;

#[metered(module = "it_status", op = "lookup")]
fn lookup(id: u32) -> Result<u32, NotFound> {
    if id == 0 { Err(NotFound) } else { Ok(id) }
}

#[metered(module = "it_status", op = "touch")]
fn touch() {}

#[metered(module = "it_status", op = "maybe")]
fn maybe(id: u32) -> Option<u32> {
    (id > 0).then_some(id)
}

#[metered(module = "it_status", op = "explode")]
fn explode(really: bool) -> Result<(), NotFound> {
    assert!(!really, "boom");
    Ok(())
}

#[test]
fn sync_results_count_ok_as_success_and_err_as_error() {
    assert_eq!(lookup(1), Ok(1));
    assert_eq!(lookup(2), Ok(2));
    assert_eq!(lookup(0), Err(NotFound));
    let scrape = scrape();
    assert_eq!(scrape.statuses("it_status", "lookup"), [2, 1, 0, 0]);
    assert_eq!(scrape.observed("it_status", "lookup", ""), Some(3));
}

#[test]
fn non_result_values_are_success_even_none() {
    touch();
    assert_eq!(maybe(0), None);
    assert_eq!(maybe(4), Some(4));
    let scrape = scrape();
    assert_eq!(scrape.statuses("it_status", "touch"), [1, 0, 0, 0]);
    assert_eq!(scrape.statuses("it_status", "maybe"), [2, 0, 0, 0]);
}

#[test]
fn panic_is_counted_and_reaches_the_caller_unchanged() {
    let caught = catch_unwind(|| explode(true)).unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"boom"));
    assert_eq!(explode(false), Ok(()));
    let scrape = scrape();
    assert_eq!(scrape.statuses("it_status", "explode"), [1, 0, 1, 0]);
    assert_eq!(scrape.observed("it_status", "explode", ""), Some(2));
}

#[metered(module = "it_status_async", op = "fetch", kind = "post")]
async fn fetch(id: u32) -> Result<u32, NotFound> {
    YieldOnce(false).await;
    if id == 0 { Err(NotFound) } else { Ok(id) }
}

#[metered(module = "it_status_async", op = "crash")]
async fn crash() -> u32 {
    YieldOnce(false).await;
    panic!("async boom")
}

#[test]
fn async_results_and_panics() {
    assert_eq!(block_on(fetch(3)), Ok(3));
    assert_eq!(block_on(fetch(0)), Err(NotFound));
    let caught = catch_unwind(AssertUnwindSafe(|| block_on(crash()))).unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"async boom"));
    let scrape = scrape();
    assert_eq!(
        scrape.calls("it_status_async", "fetch", "post", "success"),
        Some(1)
    );
    assert_eq!(
        scrape.calls("it_status_async", "fetch", "post", "error"),
        Some(1)
    );
    assert_eq!(scrape.statuses("it_status_async", "crash"), [0, 0, 1, 0]);
}

#[metered(module = "it_status_cancel", op = "slow")]
async fn slow() -> Result<(), NotFound> {
    YieldOnce(false).await;
    Ok(())
}

#[metered(module = "it_status_cancel", op = "never_polled")]
async fn never_polled() {}

#[test]
fn dropped_future_is_cancelled_and_unpolled_future_records_nothing() {
    {
        let mut future = pin!(slow());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
    }
    drop(never_polled());
    let scrape = scrape();
    assert_eq!(scrape.statuses("it_status_cancel", "slow"), [0, 0, 0, 1]);
    assert_eq!(scrape.observed("it_status_cancel", "slow", ""), Some(1));
    // Its series exist from the start (the catalogue), and stay at zero.
    assert_eq!(
        scrape.statuses("it_status_cancel", "never_polled"),
        [0, 0, 0, 0]
    );
    assert_eq!(
        scrape.observed("it_status_cancel", "never_polled", ""),
        Some(0)
    );
}

#[test]
fn first_call_creates_every_status_series_at_zero() {
    #[metered(module = "it_status_zero", op = "once")]
    fn once() {}
    once();
    let scrape = scrape();
    for status in ["error", "panic", "cancelled"] {
        assert_eq!(
            scrape.calls("it_status_zero", "once", "", status),
            Some(0),
            "{status}"
        );
    }
}

#[test]
fn futures_of_metered_async_fns_are_send_when_the_original_is() {
    fn assert_send<T: Send>(value: T) -> T {
        value
    }
    #[metered(module = "it_status_send", op = "fetch")]
    async fn fetch_send(id: u32) -> Result<u32, NotFound> {
        YieldOnce(false).await;
        Ok(id)
    }
    assert_eq!(block_on(assert_send(fetch_send(5))), Ok(5));

    // Awaits in every kind of exit: the tail, a `return`, `Ok(..)`, a `?`,
    // and a body measured whole (a macro the attribute cannot see into).
    async fn found(id: u32) -> Result<u32, NotFound> {
        YieldOnce(false).await;
        Ok(id)
    }
    #[metered(module = "it_status_send", op = "tail")]
    async fn awaited_tail(id: u32) -> Result<u32, NotFound> {
        found(id).await
    }
    #[metered(module = "it_status_send", op = "early")]
    async fn awaited_return(id: u32) -> Result<u32, NotFound> {
        if id > 3 {
            return found(id).await;
        }
        Ok(id)
    }
    #[metered(module = "it_status_send", op = "ok")]
    async fn awaited_in_ok(id: u32) -> Result<u32, NotFound> {
        Ok(found(id).await?.max(1))
    }
    macro_rules! same {
        ($e:expr) => {
            $e
        };
    }
    #[metered(module = "it_status_send", op = "whole")]
    async fn awaited_behind_a_macro(id: u32) -> Result<u32, NotFound> {
        same!(found(id).await)
    }
    assert_eq!(block_on(assert_send(awaited_tail(1))), Ok(1));
    assert_eq!(block_on(assert_send(awaited_return(4))), Ok(4));
    assert_eq!(block_on(assert_send(awaited_in_ok(2))), Ok(2));
    assert_eq!(block_on(assert_send(awaited_behind_a_macro(3))), Ok(3));
}
