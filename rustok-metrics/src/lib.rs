//! Make a service method observable in Prometheus with one line.
//!
//! ```
//! use rustok_metrics::metered;
//!
//! # #[derive(Debug)] pub struct ContentError;
//! #[derive(Debug)] pub struct Node { pub id: u64 }
//! pub type AppResult<T> = Result<T, ContentError>;
//!
//! pub struct ContentService;
//!
//! impl ContentService {
//!     #[metered(module = "content", op = "create", kind = "post")]
//!     pub async fn create_post(&self, title: &str) -> AppResult<Node> {
//!         if title.is_empty() {
//!             return Err(ContentError);
//!         }
//!         Ok(Node { id: 1 })
//!     }
//! }
//!
//! #[metered(module = "commerce", op = "checkout")]
//! fn checkout(items: u32) -> AppResult<u32> {
//!     Ok(items * 100)
//! }
//!
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! block_on(ContentService.create_post("Hello")).unwrap();
//! block_on(ContentService.create_post("")).unwrap_err();
//! checkout(3).unwrap();
//!
//! let text = rustok_metrics::render_metrics()?; // Prometheus text format 0.0.4
//! // or any format into a buffer: rustok_metrics::MetricsHandle::new().render_into(Format::OpenMetrics, &mut buf)
//! assert!(text.contains(
//!     r#"rustok_content_operations_total{error_kind="",kind="post",operation="create",status="error"} 1"#
//! ));
//! # Ok::<(), rustok_metrics::TelemetryError>(())
//! ```
//!
//! # What a metered call records
//!
//! For each `module` (`[a-z][a-z0-9_]*`):
//!
//! - `rustok_<module>_operations_total{operation, kind, status, error_kind}`, a counter;
//! - `rustok_<module>_operation_duration_seconds{operation, kind}`, a
//!   histogram that observes every completed or abandoned call once.
//!
//! `kind` is the attribute's `kind = "..."`, a [`MetricLabel`](trait@MetricLabel)
//! value computed from the arguments (`kind = input.kind`, or
//! [`bounded`] for strings, capped per call site), or `""`. `error_kind` is
//! the [`MetricLabel`](trait@MetricLabel) of a returned error whose type
//! implements it, else `""`. `status` is one of:
//!
//! - `error`: the function returned `Err`. This is decided by the type the
//!   compiler resolved, so `AppResult<T>`, `std::io::Result<T>`,
//!   `anyhow::Result<T>` and any other alias of `Result` count, as do `?` and
//!   early `return`. A bare generic return type `T` counts as `success`.
//! - `success`: it returned anything else (`Ok`, `()`, `Option`, ...).
//! - `panic`: it panicked. The panic continues to the caller unchanged.
//! - `cancelled`: an `async fn`'s future (or a future a metered function
//!   returns) was dropped after its first poll and before it completed (a
//!   timeout, a `select!` that lost). A future that is never polled records
//!   nothing.
//!
//! Every metered function registers itself before `main` ([`catalogue::operations`]),
//! so from the first render each call site with a static kind has its four
//! status series at zero: `rate()` over `status="error"` exists before the
//! first error.
//!
//! An `async fn` is timed from its first poll to its completion or drop, time
//! spent suspended included: that is the latency its caller sees. So is a
//! sync function that returns a future it builds with an async block: a body
//! ending in `Box::pin(async move { .. })` (as `#[async_trait]` writes it, or
//! by hand) or in `async move { .. }` (an `impl Future` fn), also under
//! `.instrument(span)`, is measured inside the future, and what the future
//! resolves to is classified. A function whose return type is a future
//! (`impl Future`, `Pin<Box<dyn Future>>`, `BoxFuture`) but whose body ends
//! otherwise is refused at compile time, since only the building of the
//! future could be timed: write it as an `async fn`, or end it with
//! `Box::pin(async move { .. })`. See the guide for the exact rule.
//!
//! # Where the attribute goes
//!
//! A whole `impl` block (`#[metered(module = "content")]`: every `fn`, named
//! after itself, unless `#[metered(skip)]`; methods may set `op` and `kind`),
//! or free functions and methods, sync and `async`, with any receiver (`&self`,
//! `&mut self`, `self`, `self: Arc<Self>`), generics, `where` clauses,
//! lifetimes, `impl Trait` in argument and return position, `async fn` in
//! trait impls and methods of `#[async_trait]` impls (with
//! `#[tracing::instrument]` above or below `#[metered]`). Attributes such as
//! `#[must_use]` and docs are kept; the future of a metered `async fn` is
//! `Send` whenever the original was. Not on a `const fn`, a function
//! returning `!`, or a method declaration without a body.
//!
//! The generated code names `::rustok_metrics`, so depend on this crate under
//! its own name: renaming it in `Cargo.toml` (`metrics = { package =
//! "rustok-metrics" }`) is not supported.
//!
//! # Latency
//!
//! The duration histograms have sub-millisecond classic buckets
//! ([`settings::DEFAULT_DURATION_BUCKETS`]) and native (exponential) buckets, which
//! Prometheus scrapes over protobuf with `--enable-feature=native-histograms`
//! ([`settings::ModuleSettings`]). With the `opentelemetry` feature, a call that
//! ends inside a sampled OpenTelemetry span (or a `tracing` span through
//! `tracing-opentelemetry`) leaves its trace id as the exemplar of its bucket
//! and of its `_total` sample, in OpenMetrics and protobuf;
//! [`settings::set_trace_source`] plugs in other tracers.
//!
//! # Cost
//!
//! A few tens of nanoseconds per call over the bare function (measured
//! against the alternatives in `docs/benchmarks.md`). Each call site is a
//! `static`; each thread updates its own cache-line-aligned counters of that
//! site with plain loads and stores, read from the TSC clock, and the
//! registry sums them when it is gathered. Once a thread's calls of a site
//! have taken their range of durations (a call twice as fast or as slow as
//! any before widens the thread's native-histogram counters, with an
//! allocation),
//! there is no hashing, locking or allocation. Statics use the
//! standard library's `LazyLock`/`OnceLock`, not `lazy_static`, so users
//! need no extra dependency.
//!
//! # Where things are
//!
//! The root holds what a service author types: [`metered`],
//! [`MetricLabel`](trait@MetricLabel), [`bounded`], [`render_metrics`] and
//! [`MetricsHandle`] (the one render handle, with [`Format`]), and
//! [`TelemetryError`]. The rest is in modules by concept:
//!
//! - [`settings`]: buckets, native histograms, label caps and the trace
//!   source, chosen once at start-up;
//! - [`catalogue`]: the operations the code declares, their objectives, and
//!   the rules and review file made from them;
//! - [`by_hand`]: recording without the attribute, your own collectors, the
//!   build-info gauge;
//! - `http` (feature `axum`): the `/metrics` endpoint and the HTTP layer;
//! - [`platform`]: the RusToK platform's business gauges;
//! - [`compat`]: the seed's static names, deprecated.

#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

// The layout, and which way its arrows point: docs/architecture.md (kept true by
// tests/architecture_doc.rs).

mod build_info;
pub mod by_hand;
pub mod catalogue;
mod error;
#[cfg(feature = "axum")]
pub mod http;
mod label;
mod label_text;
mod lock;
mod model;
mod module;
mod objective;
mod ops;
mod outcome;
mod proto;
mod question;
mod record;
mod registry;
mod render;
mod same_text;
pub mod settings;
mod span;
mod trace;

pub mod compat;
pub mod platform;

#[doc(hidden)]
pub mod __private;

pub use error::TelemetryError;
pub use label::{Bounded, MetricLabel, bounded};
pub use render::{Format, MetricsHandle, render_metrics};

/// The `prometheus` crate this one is built on, so your own collectors need no
/// second dependency.
pub use prometheus;

/// Measures every call of a function: see the [crate documentation](crate).
///
/// ```
/// #[rustok_metrics::metered(module = "docs_attr", op = "load", kind = "page")]
/// fn load(id: u64) -> std::io::Result<u64> {
///     Ok(id)
/// }
/// assert_eq!(load(7).unwrap(), 7);
/// ```
pub use rustok_metrics_macros::metered;

/// Derives [`MetricLabel`](trait@MetricLabel) for an enum: each variant's
/// name in snake_case (`BlogPost` is `"blog_post"`), or the value of its
/// `#[metric_label = "..."]`. Variants may have fields.
///
/// ```
/// use rustok_metrics::MetricLabel;
///
/// #[derive(Debug, MetricLabel)]
/// enum ContentError {
///     NotFound,
///     #[metric_label = "conflict"]
///     VersionConflict { expected: u64 },
///     Storage(String),
/// }
///
/// assert_eq!(ContentError::NotFound.metric_label(), "not_found");
/// assert_eq!(ContentError::Storage("disk".into()).metric_label(), "storage");
/// ```
pub use rustok_metrics_macros::MetricLabel;
