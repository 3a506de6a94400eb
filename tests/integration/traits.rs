//! `async fn` in trait impls, native and through `#[async_trait]`.

use async_trait::async_trait;
use rustok_metrics::metered;

use crate::support::{YieldOnce, block_on, scrape};

#[derive(Debug, PartialEq)]
struct Missing;

trait Store {
    async fn load(&self, id: u32) -> Result<String, Missing>;
    fn count(&self) -> usize;
}

struct Memory;

impl Store for Memory {
    #[metered(module = "it_trait", op = "load")]
    async fn load(&self, id: u32) -> Result<String, Missing> {
        YieldOnce(false).await;
        if id == 0 {
            return Err(Missing);
        }
        Ok(format!("node-{id}"))
    }

    #[metered(module = "it_trait", op = "count")]
    fn count(&self) -> usize {
        7
    }
}

#[test]
fn async_fn_in_a_trait_impl() {
    assert_eq!(block_on(Memory.load(1)).unwrap(), "node-1");
    assert_eq!(block_on(Memory.load(0)), Err(Missing));
    assert_eq!(Memory.count(), 7);
    let scrape = scrape();
    assert_eq!(scrape.statuses("it_trait", "load"), [1, 1, 0, 0]);
    assert_eq!(scrape.statuses("it_trait", "count"), [1, 0, 0, 0]);
}

#[async_trait]
trait Repository: Send + Sync {
    async fn find(&self, id: u32) -> Result<u32, Missing>;
    async fn slow(&self) -> u32;
}

struct Postgres;

#[async_trait]
impl Repository for Postgres {
    #[metered(module = "it_async_trait", op = "find", kind = "node")]
    async fn find(&self, id: u32) -> Result<u32, Missing> {
        YieldOnce(false).await;
        let found = (id != 0).then_some(id).ok_or(Missing)?;
        Ok(found * 2)
    }

    #[metered(module = "it_async_trait", op = "slow")]
    async fn slow(&self) -> u32 {
        YieldOnce(false).await;
        1
    }
}

#[test]
fn async_trait_methods_are_measured_inside_the_boxed_future() {
    fn assert_send<T: Send>(value: T) -> T {
        value
    }
    let repo: &dyn Repository = &Postgres;
    assert_eq!(block_on(assert_send(repo.find(2))), Ok(4));
    assert_eq!(block_on(repo.find(0)), Err(Missing));
    // Building the boxed future records nothing: the call has not started.
    let unpolled = repo.slow();
    let scrape_before = scrape();
    assert_eq!(
        scrape_before.observed("it_async_trait", "slow", ""),
        Some(0)
    );
    drop(unpolled);

    let scrape = scrape();
    assert_eq!(
        scrape.calls("it_async_trait", "find", "node", "success"),
        Some(1)
    );
    assert_eq!(
        scrape.calls("it_async_trait", "find", "node", "error"),
        Some(1)
    );
    assert_eq!(scrape.observed("it_async_trait", "find", "node"), Some(2));
}
