//! `#[metered(module = ..)]` on impl blocks: inherent, trait, with
//! `#[async_trait]` in either order, with overrides and `skip`.

use async_trait::async_trait;
use rustok_metrics::metered;

use crate::support::{YieldOnce, block_on, scrape};

#[derive(Debug, PartialEq)]
struct Missing;

struct Catalog {
    items: Vec<u32>,
}

#[metered(module = "it_impl")]
impl Catalog {
    const LIMIT: usize = 10;

    fn add(&mut self, item: u32) -> Result<usize, Missing> {
        if self.items.len() >= Self::LIMIT {
            return Err(Missing);
        }
        self.items.push(item);
        Ok(self.items.len())
    }

    #[metered(op = "lookup", kind = "item")]
    fn get(&self, index: usize) -> Result<u32, Missing> {
        self.items.get(index).copied().ok_or(Missing)
    }

    #[metered(skip)]
    fn len(&self) -> usize {
        self.items.len()
    }

    // Private helpers are metered too, unless skipped.
    fn helper(&self) -> usize {
        self.len() * 2
    }

    async fn load(&self) -> u32 {
        YieldOnce(false).await;
        self.items.iter().sum()
    }
}

#[test]
fn every_method_of_an_inherent_impl_is_metered_unless_skipped() {
    let mut catalog = Catalog { items: Vec::new() };
    assert_eq!(catalog.add(3), Ok(1));
    assert_eq!(catalog.get(0), Ok(3));
    assert_eq!(catalog.get(9), Err(Missing));
    assert_eq!(catalog.helper(), 2);
    assert_eq!(block_on(catalog.load()), 3);

    let scrape = scrape();
    assert_eq!(scrape.statuses("it_impl", "add"), [1, 0, 0, 0]);
    assert_eq!(
        scrape.calls("it_impl", "lookup", "item", "success"),
        Some(1)
    );
    assert_eq!(scrape.calls("it_impl", "lookup", "item", "error"), Some(1));
    assert_eq!(scrape.statuses("it_impl", "helper"), [1, 0, 0, 0]);
    assert_eq!(scrape.statuses("it_impl", "load"), [1, 0, 0, 0]);
    assert_eq!(scrape.observed("it_impl", "len", ""), None, "skipped");
    assert_eq!(scrape.observed("it_impl", "get", ""), None, "renamed");
}

trait Pricing {
    fn price(&self, sku: &str) -> Result<u32, Missing>;
    fn currency(&self) -> &'static str;
}

struct Shop;

#[metered(module = "it_impl_trait", kind = "shop")]
impl Pricing for Shop {
    fn price(&self, sku: &str) -> Result<u32, Missing> {
        if sku.is_empty() {
            Err(Missing)
        } else {
            Ok(100)
        }
    }

    #[metered(kind = "meta")]
    fn currency(&self) -> &'static str {
        "EUR"
    }
}

#[test]
fn trait_impls_inherit_the_impl_kind_and_methods_override_it() {
    assert_eq!(Shop.price("a"), Ok(100));
    assert_eq!(Shop.price(""), Err(Missing));
    assert_eq!(Shop.currency(), "EUR");
    let scrape = scrape();
    assert_eq!(
        scrape.calls("it_impl_trait", "price", "shop", "success"),
        Some(1)
    );
    assert_eq!(
        scrape.calls("it_impl_trait", "price", "shop", "error"),
        Some(1)
    );
    assert_eq!(
        scrape.calls("it_impl_trait", "currency", "meta", "success"),
        Some(1)
    );
}

#[async_trait]
trait Store: Sync {
    async fn fetch(&self, id: u32) -> Result<u32, Missing>;
    async fn ping(&self) -> bool;
}

struct AsyncTraitBelow;
struct AsyncTraitAbove;

// `#[metered]` first: async-trait then boxes our measured `async fn`s.
#[metered(module = "it_impl_async_trait")]
#[async_trait]
impl Store for AsyncTraitBelow {
    #[metered(op = "fetch_below")]
    async fn fetch(&self, id: u32) -> Result<u32, Missing> {
        YieldOnce(false).await;
        if id == 0 { Err(Missing) } else { Ok(id) }
    }

    #[metered(op = "ping_below")]
    async fn ping(&self) -> bool {
        true
    }
}

// `#[async_trait]` first: we measure inside the boxed futures it made.
#[async_trait]
#[metered(module = "it_impl_async_trait")]
impl Store for AsyncTraitAbove {
    #[metered(op = "fetch_above")]
    async fn fetch(&self, id: u32) -> Result<u32, Missing> {
        YieldOnce(false).await;
        if id == 0 { Err(Missing) } else { Ok(id) }
    }

    #[metered(skip)]
    async fn ping(&self) -> bool {
        true
    }
}

#[test]
fn async_trait_impls_work_in_either_attribute_order() {
    fn assert_send<T: Send>(value: T) -> T {
        value
    }
    for store in [&AsyncTraitBelow as &dyn Store, &AsyncTraitAbove] {
        assert_eq!(block_on(assert_send(store.fetch(2))), Ok(2));
        assert_eq!(block_on(store.fetch(0)), Err(Missing));
        assert!(block_on(store.ping()));
    }
    let scrape = scrape();
    for op in ["fetch_below", "fetch_above"] {
        assert_eq!(
            scrape.statuses("it_impl_async_trait", op),
            [1, 1, 0, 0],
            "{op}"
        );
    }
    assert_eq!(
        scrape.statuses("it_impl_async_trait", "ping_below"),
        [1, 0, 0, 0]
    );
    assert_eq!(scrape.observed("it_impl_async_trait", "ping", ""), None);
}
