//! The RusToK content and commerce services, metered, after a little traffic:
//! prints the catalogue of metered operations, then the `/metrics` text a
//! Prometheus server would scrape.
//!
//! Run it with `cargo run --example services`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use rustok_metrics::{MetricLabel, commerce, content, metered};

/// Errors carry their class into `error_kind`.
#[derive(Debug, MetricLabel)]
pub enum ContentError {
    EmptyTitle,
    NotFound(u64),
}

#[derive(Debug, MetricLabel)]
pub enum CommerceError {
    EmptyCart,
}

/// What a node is: becomes the `kind` label.
#[derive(Clone, Copy, Debug, MetricLabel)]
pub enum NodeKind {
    Post,
    Page,
}

pub type AppResult<T, E = ContentError> = Result<T, E>;

#[derive(Debug)]
pub struct Node {
    pub id: u64,
    pub title: String,
}

#[derive(Default)]
pub struct ContentService {
    nodes: Vec<Node>,
}

/// Every method is measured in module `content`, its name as the operation.
#[metered(module = "content")]
impl ContentService {
    #[metered(op = "create", kind = kind)]
    pub async fn create_node(&mut self, kind: NodeKind, title: &str) -> AppResult<u64> {
        if title.is_empty() {
            return Err(ContentError::EmptyTitle);
        }
        let id = self.nodes.len() as u64 + 1;
        self.nodes.push(Node {
            id,
            title: title.to_owned(),
        });
        content::nodes().inc(kind.metric_label());
        Ok(id)
    }

    pub fn get(&self, id: u64) -> AppResult<&Node> {
        self.nodes
            .iter()
            .find(|node| node.id == id)
            .ok_or(ContentError::NotFound(id))
    }

    /// Waits for a slow search index: a caller with a deadline gives up.
    pub async fn reindex(&self) -> AppResult<usize> {
        Pending.await;
        Ok(self.nodes.len())
    }
}

pub struct Cart {
    pub items: Vec<u64>,
}

#[metered(module = "commerce", op = "checkout")]
pub fn checkout(cart: &Cart) -> AppResult<u64, CommerceError> {
    if cart.items.is_empty() {
        return Err(CommerceError::EmptyCart);
    }
    let total = cart.items.iter().sum();
    commerce::orders().inc("standard");
    Ok(total)
}

#[metered(module = "commerce", op = "apply_discount")]
pub fn apply_discount(total: u64, percent: u64) -> u64 {
    assert!(percent <= 100, "discount over 100%");
    total - total * percent / 100
}

fn main() -> Result<(), rustok_metrics::TelemetryError> {
    print_catalogue();

    let mut content_service = ContentService::default();
    for (kind, title) in [
        (NodeKind::Post, "Hello"),
        (NodeKind::Post, "Metrics"),
        (NodeKind::Page, ""),
        (NodeKind::Page, "About"),
    ] {
        let _ = block_on(content_service.create_node(kind, title));
    }
    for id in [1, 2, 42] {
        if let Ok(node) = content_service.get(id) {
            println!("# found node {} ({:?})", node.id, node.title);
        }
    }
    // A caller that polls once and gives up: counted as `cancelled`.
    poll_once_then_drop(content_service.reindex());

    commerce::products().set("physical", 3);
    for items in [vec![10, 20], vec![], vec![5]] {
        let _ = checkout(&Cart { items });
    }
    let _ = apply_discount(100, 10);
    // A bug that panics is counted as `panic`; the panic still propagates.
    std::panic::set_hook(Box::new(|_| {}));
    let _ = std::panic::catch_unwind(|| apply_discount(100, 150));
    let _ = std::panic::take_hook();

    print!("{}", rustok_metrics::render_metrics()?);
    Ok(())
}

/// The table a reviewer or dashboard author needs: every metered operation
/// in the binary, called yet or not, and any name used by two functions.
fn print_catalogue() {
    let mut operations: Vec<_> = rustok_metrics::operations().collect();
    operations.sort_by_key(|op| (op.module(), op.operation()));
    println!("# metered operations:");
    for op in operations {
        let kind = if op.has_dynamic_kind() {
            "<per call>"
        } else {
            op.kind()
        };
        println!(
            "#   {:<9} {:<15} kind={:<11} {}:{}",
            op.module(),
            op.operation(),
            kind,
            op.file(),
            op.line()
        );
    }
    for [first, second] in rustok_metrics::duplicate_operations() {
        println!(
            "# warning: {}/{} is defined at {}:{} and {}:{}",
            first.module(),
            first.operation(),
            first.file(),
            first.line(),
            second.file(),
            second.line()
        );
    }
}

/// A future that never completes.
struct Pending;

impl Future for Pending {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

fn poll_once_then_drop<F: Future>(future: F) {
    let mut future = pin!(future);
    let _ = future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
}

/// Enough of an executor for futures that complete without waiting.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}
