//! A user crate that denies every warning and clippy's pedantic group, and
//! uses every form of `#[metered]`: if the expansion caused a warning, `cargo
//! clippy --all-targets -- -D warnings` (run by `.ci/run`) would fail here.
#![deny(warnings, clippy::pedantic)]

use std::sync::Arc;

use async_trait::async_trait;
use rustok_metrics::metered;

/// An error of the content service.
#[derive(Debug)]
pub struct ContentError;

/// The service's result alias.
pub type AppResult<T> = Result<T, ContentError>;

/// A stored node.
#[derive(Debug, Default)]
pub struct Node {
    /// Its id.
    pub id: u64,
}

/// The content service.
#[derive(Debug, Default)]
pub struct ContentService {
    nodes: Vec<Node>,
}

impl ContentService {
    /// Creates a node.
    ///
    /// # Errors
    /// When `id` is zero.
    // `async` without an `.await`, as a plain function would be told too.
    #[allow(clippy::unused_async)]
    #[metered(module = "lint", op = "create", kind = "post")]
    pub async fn create(&mut self, id: u64) -> AppResult<&Node> {
        if id == 0 {
            return Err(ContentError);
        }
        self.nodes.push(Node { id });
        self.nodes.last().ok_or(ContentError)
    }

    /// Counts nodes.
    #[must_use]
    #[metered(module = "lint", op = "count")]
    pub fn count(&self) -> usize {
        self.nodes.len()
    }

    /// The first node, mutably.
    #[metered(module = "lint", op = "first")]
    pub fn first(&mut self) -> Option<&mut Node> {
        self.nodes.first_mut()
    }

    /// Consumes the service.
    #[must_use]
    #[metered(module = "lint", op = "into_ids")]
    pub fn into_ids(self) -> Vec<u64> {
        self.nodes.into_iter().map(|node| node.id).collect()
    }

    /// Shared ownership receiver.
    #[must_use]
    #[metered(module = "lint", op = "shared")]
    pub fn shared(self: Arc<Self>) -> usize {
        self.nodes.len()
    }
}

/// Parses a number.
///
/// # Errors
/// When `input` is not a number.
#[metered(module = "lint", op = "parse")]
pub fn parse(input: &str) -> Result<u32, std::num::ParseIntError> {
    let value = input.trim().parse::<u32>()?;
    Ok(value)
}

/// Doubles every item.
#[metered(module = "lint", op = "double")]
pub fn double<I>(items: I) -> impl Iterator<Item = u32>
where
    I: IntoIterator<Item = u32>,
{
    items.into_iter().map(|item| item * 2)
}

/// Never returns normally.
///
/// # Panics
/// Always.
#[must_use]
#[metered(module = "lint", op = "fail")]
pub fn fail() -> u32 {
    unimplemented!("by design")
}

/// Diverges inside an async fn.
///
/// # Errors
/// Never returns at all.
///
/// # Panics
/// Always.
#[metered(module = "lint", op = "fail_async")]
pub async fn fail_async() -> AppResult<u32> {
    todo!()
}

/// A repository behind `#[async_trait]`.
#[async_trait]
pub trait Repository {
    /// Loads a node.
    async fn load(&self, id: u64) -> AppResult<Node>;
}

/// An in-memory repository.
#[derive(Debug)]
pub struct Memory;

#[async_trait]
impl Repository for Memory {
    #[metered(module = "lint", op = "load", kind = "node")]
    async fn load(&self, id: u64) -> AppResult<Node> {
        Ok(Node { id })
    }
}

/// A native async trait.
pub trait Cache {
    /// Reads a value.
    fn get(&self, key: &str) -> impl std::future::Future<Output = Option<u64>> + Send;
}

impl Cache for Memory {
    #[metered(module = "lint", op = "get")]
    async fn get(&self, key: &str) -> Option<u64> {
        key.parse().ok()
    }
}

/// A future written by hand, as object-safe async traits were before
/// `#[async_trait]`: measured inside the future.
///
/// # Errors
/// When there is no such node.
#[must_use]
#[metered(module = "lint", op = "load_boxed")]
pub fn load_boxed(
    id: u64,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = AppResult<Node>> + Send>> {
    Box::pin(async move {
        if id == 0 {
            return Err(ContentError);
        }
        let found = fail_async().await?;
        Ok(Node {
            id: id + u64::from(found),
        })
    })
}

/// An `impl Future` whose tail is an async block: measured inside it.
#[metered(module = "lint", op = "load_later")]
pub fn load_later(ids: &[u64]) -> impl std::future::Future<Output = Option<Node>> + use<> {
    let first = ids.first().copied();
    async move { first.map(|id| Node { id }) }
}

/// What a node is.
#[derive(Debug, Clone, Copy, rustok_metrics::MetricLabel)]
pub enum NodeKind {
    /// A blog post.
    BlogPost,
    /// A page.
    #[metric_label = "page"]
    StaticPage,
}

/// Why an order failed.
#[derive(Debug, rustok_metrics::MetricLabel)]
pub enum OrderError {
    /// No such order.
    NotFound,
    /// The payment provider said no.
    Declined {
        /// The provider's code.
        code: u16,
    },
}

/// Orders, metered as a whole impl block.
#[derive(Debug, Default)]
pub struct Orders {
    placed: u64,
}

#[metered(module = "lint_orders", kind = "order")]
impl Orders {
    /// Upper bound of orders.
    pub const LIMIT: u64 = 1_000;

    /// Places an order.
    ///
    /// # Errors
    /// When the limit is reached.
    pub fn place(&mut self) -> Result<u64, OrderError> {
        if self.placed >= Self::LIMIT {
            return Err(OrderError::Declined { code: 429 });
        }
        self.placed += 1;
        Ok(self.placed)
    }

    /// Looks an order up.
    ///
    /// # Errors
    /// When it does not exist.
    #[allow(clippy::unused_async)]
    #[metered(op = "find", kind = node_kind, docs = false)]
    pub async fn lookup(&self, id: u64, node_kind: NodeKind) -> Result<u64, OrderError> {
        if id <= self.placed {
            Ok(id)
        } else {
            Err(OrderError::NotFound)
        }
    }

    /// Not measured.
    #[must_use]
    #[metered(skip)]
    pub fn placed(&self) -> u64 {
        self.placed
    }
}

/// Tags an upload with its content type, bounded per call site.
#[must_use]
#[metered(module = "lint", op = "upload", kind = rustok_metrics::bounded(mime))]
pub fn upload(mime: &str, bytes: &[u8]) -> usize {
    bytes.len()
}

/// A flag as the kind.
#[must_use]
#[metered(module = "lint", op = "toggle", kind = on)]
pub fn toggle(on: bool) -> bool {
    !on
}

/// A service whose calls each run in a span of their own.
#[derive(Debug, Default)]
pub struct TracedService;

#[metered(module = "lint_clean_spans", span, err)]
impl TracedService {
    /// A sync method that may fail.
    ///
    /// # Errors
    /// When `id` is zero.
    pub fn get(&self, id: u64) -> AppResult<Node> {
        if id == 0 {
            return Err(ContentError);
        }
        Ok(Node { id })
    }

    /// An async method with a field of its own.
    ///
    /// # Errors
    /// When `id` is zero.
    #[metered(op = "load", span = "debug", err(Debug, level = "warn"), fields(node = id))]
    pub async fn load(&self, id: u64) -> AppResult<u64> {
        std::future::ready(()).await;
        self.get(id).map(|node| node.id)
    }
}
