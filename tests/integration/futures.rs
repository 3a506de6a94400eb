//! Functions that return a future are measured inside it, where the call
//! runs: `#[async_trait]` methods with `#[tracing::instrument]` above or
//! below `#[metered]` (`Send` and `?Send`), a hand-written boxed future, an
//! `impl Future` fn whose tail is an async block, with or without
//! `.instrument(span)`.
//!
//! Every call awaits a 20 ms sleep, and calls with id 0 resolve to `Err`:
//! each test checks the statuses (from what the future resolves to) and that
//! the durations cover the sleeps (a lower bound only: the machine may be
//! slow, never fast).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use async_trait::async_trait;
use rustok_metrics::metered;
use tracing::Instrument;

use crate::support::scrape;

const NAP: Duration = Duration::from_millis(20);

async fn fetch(id: u32) -> Result<u32, String> {
    tokio::time::sleep(NAP).await;
    if id == 0 {
        Err(format!("no content {id}"))
    } else {
        Ok(id * 10)
    }
}

/// Calls `call` with ids 1 and 0 inside a runtime and a tracing subscriber
/// (so that the spans are real), then checks the operation's series: one
/// success, one error, and two calls that each took their sleep.
fn check<F, Fut>(module: &str, op: &str, call: F)
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = Result<u32, String>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry());
    let (found, missing) = runtime.block_on(async { (call(1).await, call(0).await) });
    assert_eq!(found, Ok(10));
    assert_eq!(missing, Err("no content 0".to_owned()));

    let scrape = scrape();
    assert_eq!(scrape.statuses(module, op), [1, 1, 0, 0], "{module}/{op}");
    let sum = scrape.duration_sum(module, op).unwrap();
    assert!(sum >= 2.0 * NAP.as_secs_f64(), "{module}/{op}: sum {sum}");
    // Each call, not only both together, covered its sleep.
    assert_eq!(
        scrape.calls_within(module, op, "0.01"),
        Some(0),
        "{module}/{op}"
    );
}

#[async_trait]
trait Repo: Send + Sync {
    async fn above(&self, id: u32) -> Result<u32, String>;
    async fn below(&self, id: u32) -> Result<u32, String>;
}

struct Service;

#[async_trait]
impl Repo for Service {
    #[tracing::instrument(skip(self))]
    #[metered(module = "it_fut_send", op = "above")]
    async fn above(&self, id: u32) -> Result<u32, String> {
        let found = fetch(id).await?;
        Ok(found)
    }

    #[metered(module = "it_fut_send", op = "below")]
    #[tracing::instrument(skip(self))]
    async fn below(&self, id: u32) -> Result<u32, String> {
        fetch(id).await
    }
}

#[test]
fn async_trait_with_instrument_above_metered() {
    fn assert_send<T: Send>(value: T) -> T {
        value
    }
    check("it_fut_send", "above", |id| assert_send(Service.above(id)));
}

#[test]
fn async_trait_with_instrument_below_metered() {
    check("it_fut_send", "below", |id| Service.below(id));
}

#[async_trait(?Send)]
trait LocalRepo {
    async fn above(&self, id: u32) -> Result<u32, String>;
    async fn below(&self, id: u32) -> Result<u32, String>;
}

struct LocalService(std::rc::Rc<u32>);

#[async_trait(?Send)]
impl LocalRepo for LocalService {
    #[tracing::instrument(skip(self))]
    #[metered(module = "it_fut_local", op = "above")]
    async fn above(&self, id: u32) -> Result<u32, String> {
        let found = fetch(id * *self.0).await?;
        Ok(found)
    }

    #[metered(module = "it_fut_local", op = "below")]
    #[tracing::instrument(skip(self))]
    async fn below(&self, id: u32) -> Result<u32, String> {
        fetch(id * *self.0).await
    }
}

#[test]
fn async_trait_without_send_with_instrument_above_metered() {
    let service = LocalService(std::rc::Rc::new(1));
    check("it_fut_local", "above", |id| service.above(id));
}

#[test]
fn async_trait_without_send_with_instrument_below_metered() {
    let service = LocalService(std::rc::Rc::new(1));
    check("it_fut_local", "below", |id| service.below(id));
}

#[metered(module = "it_fut_boxed", op = "load")]
fn load(id: u32) -> Pin<Box<dyn Future<Output = Result<u32, String>> + Send>> {
    Box::pin(async move {
        let found = fetch(id).await?;
        if found == 0 {
            return Err("zero".to_owned());
        }
        Ok(found)
    })
}

#[test]
fn a_hand_written_boxed_future_is_measured_inside() {
    // Building the future starts no call: nothing is recorded until it runs.
    drop(load(1));
    assert_eq!(scrape().observed("it_fut_boxed", "load", ""), Some(0));
    check("it_fut_boxed", "load", load);
}

#[metered(module = "it_fut_impl", op = "tail")]
fn tail(id: u32) -> impl Future<Output = Result<u32, String>> {
    // Runs when the future is built, outside the measured call.
    let id = id + 1;
    async move { fetch(id - 1).await }
}

#[test]
fn an_impl_future_whose_tail_is_an_async_block_is_measured_inside() {
    check("it_fut_impl", "tail", tail);
}

#[metered(module = "it_fut_impl", op = "spanned")]
fn spanned(id: u32) -> impl Future<Output = Result<u32, String>> + Send {
    async move {
        let found = fetch(id).await?;
        Ok(found)
    }
    .instrument(tracing::info_span!("spanned", id))
}

#[test]
fn an_async_block_under_instrument_is_measured_inside() {
    check("it_fut_impl", "spanned", spanned);
}

#[tracing::instrument]
#[metered(module = "it_fut_impl", op = "instrumented")]
fn instrumented(id: u32) -> impl Future<Output = Result<u32, String>> {
    async move { fetch(id).await }
}

#[test]
fn an_impl_future_with_instrument_above_metered_is_measured_inside() {
    check("it_fut_impl", "instrumented", instrumented);
}
