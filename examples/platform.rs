//! The RusToK content and commerce services, metered: shared by the
//! `services` and `server` examples.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rustok_metrics::catalogue::Objective;
use rustok_metrics::platform::{commerce, content};
use rustok_metrics::{MetricLabel, metered};

/// What the content service promises: writes and reindexing.
pub const CONTENT: Objective = Objective::new("content")
    .success_rate(99.0)
    .latency(Duration::from_millis(100), 95.0);

/// Reads promise more.
pub const CONTENT_READS: Objective = Objective::new("content-reads")
    .success_rate(99.5)
    .latency(Duration::from_millis(50), 99.0);

/// Checkout and the discount it applies share one objective.
pub const CHECKOUT: Objective = Objective::new("checkout")
    .success_rate(99.9)
    .latency(Duration::from_millis(250), 99.0);

/// Errors carry their class into `error_kind`.
#[derive(Debug, MetricLabel)]
pub enum ContentError {
    EmptyTitle,
    NotFound(u64),
}

/// What the `err` event and the span's `otel.status_description` say.
impl std::fmt::Display for ContentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContentError::EmptyTitle => f.write_str("a node needs a title"),
            ContentError::NotFound(id) => write!(f, "no node {id}"),
        }
    }
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

/// Stands in for the database round trip a real service makes: 50 µs to
/// 3 ms, spread evenly on a log scale (a fixed sequence, not random, so runs
/// compare), so the latency histograms have something to show.
fn storage_round_trip() {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    // The golden-ratio sequence: evenly spread over [0, 1) from any start.
    let spread = (call as f64 * 0.618_033_988_75).fract();
    let micros = 50.0 * 60f64.powf(spread);
    std::thread::sleep(Duration::from_micros(micros as u64));
}

#[derive(Clone, Debug)]
pub struct Node {
    pub id: u64,
    pub kind: NodeKind,
    pub title: String,
}

#[derive(Default)]
pub struct ContentService {
    nodes: Mutex<Vec<Node>>,
}

/// Every method is measured in module `content`, its name as the operation,
/// each call in a `tracing` span of its own (`content.create`, ...) under the
/// request's, with one ERROR event when it returns an error.
#[metered(module = "content", objective = CONTENT, span, err)]
impl ContentService {
    #[metered(op = "create", kind = kind)]
    pub async fn create_node(&self, kind: NodeKind, title: &str) -> AppResult<Node> {
        if title.is_empty() {
            return Err(ContentError::EmptyTitle);
        }
        storage_round_trip();
        let mut nodes = self.nodes.lock().unwrap_or_else(PoisonError::into_inner);
        let node = Node {
            id: nodes.len() as u64 + 1,
            kind,
            title: title.to_owned(),
        };
        nodes.push(node.clone());
        content::nodes().inc(kind);
        Ok(node)
    }

    #[metered(objective = CONTENT_READS)]
    pub fn get(&self, id: u64) -> AppResult<Node> {
        storage_round_trip();
        let nodes = self.nodes.lock().unwrap_or_else(PoisonError::into_inner);
        nodes
            .iter()
            .find(|node| node.id == id)
            .cloned()
            .ok_or(ContentError::NotFound(id))
    }

    /// Waits for a search index; a caller with a deadline may give up, which
    /// is counted as `cancelled`.
    pub async fn reindex<F: Future<Output = ()>>(&self, index_ready: F) -> AppResult<usize> {
        index_ready.await;
        Ok(self
            .nodes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len())
    }
}

pub struct Cart {
    pub items: Vec<u64>,
}

#[metered(module = "commerce", op = "checkout", objective = CHECKOUT)]
pub fn checkout(cart: &Cart) -> AppResult<u64, CommerceError> {
    if cart.items.is_empty() {
        return Err(CommerceError::EmptyCart);
    }
    let total = cart.items.iter().sum();
    storage_round_trip();
    commerce::orders().inc("standard");
    Ok(total)
}

#[metered(module = "commerce", op = "apply_discount", objective = CHECKOUT)]
pub fn apply_discount(total: u64, percent: u64) -> u64 {
    assert!(percent <= 100, "discount over 100%");
    total - total * percent / 100
}

/// The table a reviewer or dashboard author needs: every metered operation
/// in the binary, called yet or not, and any name used by two functions.
pub fn print_catalogue() {
    let mut operations: Vec<_> = rustok_metrics::catalogue::operations().collect();
    operations.sort_by_key(|op| (op.module(), op.operation()));
    println!("# metered operations:");
    for op in operations {
        let kind = if op.has_computed_kind() {
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
    for [first, second] in rustok_metrics::catalogue::duplicate_operations() {
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
