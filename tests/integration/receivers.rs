//! Every receiver, and methods that return borrows of `self`.

use std::sync::Arc;

use rustok_metrics::metered;

use crate::support::{block_on, scrape};

#[derive(Default)]
struct Counter {
    value: u64,
}

impl Counter {
    #[metered(module = "it_receiver", op = "by_ref")]
    fn by_ref(&self) -> u64 {
        self.value
    }

    #[metered(module = "it_receiver", op = "by_mut")]
    fn by_mut(&mut self) -> Result<u64, String> {
        self.value += 1;
        Ok(self.value)
    }

    #[metered(module = "it_receiver", op = "by_value")]
    fn by_value(self) -> u64 {
        self.value
    }

    #[metered(module = "it_receiver", op = "by_arc")]
    fn by_arc(self: Arc<Self>) -> u64 {
        self.value
    }

    #[metered(module = "it_receiver", op = "slot")]
    fn slot(&mut self) -> &mut u64 {
        &mut self.value
    }

    #[metered(module = "it_receiver", op = "peek")]
    fn peek<'a>(&'a self, other: &'a u64) -> &'a u64 {
        if self.value > *other {
            &self.value
        } else {
            other
        }
    }

    #[metered(module = "it_receiver", op = "async_mut")]
    async fn async_mut(&mut self) -> &mut u64 {
        self.value += 10;
        &mut self.value
    }

    #[metered(module = "it_receiver", op = "async_arc")]
    async fn async_arc(self: Arc<Self>) -> u64 {
        self.value
    }

    #[metered(module = "it_receiver", op = "async_value")]
    async fn async_value(mut self) -> u64 {
        self.value *= 2;
        self.value
    }
}

#[test]
fn every_receiver_kind_is_counted() {
    let mut counter = Counter::default();
    assert_eq!(counter.by_mut(), Ok(1));
    assert_eq!(counter.by_ref(), 1);
    *counter.slot() += 5;
    assert_eq!(*counter.peek(&0), 6);
    *block_on(counter.async_mut()) += 1;
    assert_eq!(counter.value, 17);
    assert_eq!(block_on(Arc::new(Counter { value: 3 }).async_arc()), 3);
    assert_eq!(Arc::new(Counter { value: 4 }).by_arc(), 4);
    assert_eq!(block_on(Counter { value: 2 }.async_value()), 4);
    assert_eq!(counter.by_value(), 17);

    let scrape = scrape();
    for op in [
        "by_ref",
        "by_mut",
        "by_value",
        "by_arc",
        "slot",
        "peek",
        "async_mut",
        "async_arc",
        "async_value",
    ] {
        assert_eq!(scrape.statuses("it_receiver", op), [1, 0, 0, 0], "{op}");
    }
}
