//! Serving metrics from an axum application (feature `axum`).
//!
//! - [`MetricsEndpoint`]: `GET /metrics`, optionally behind a bearer token,
//!   gzip when the scraper accepts it.
//! - [`HttpMetricsLayer`]: a tower layer recording
//!   `rustok_http_requests_total{method, route, status}`,
//!   `rustok_http_request_duration_seconds{method, route}` and
//!   `rustok_http_requests_in_flight`, with the same per-thread recording as
//!   `#[metered]`.
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use rustok_metrics::http::{HttpMetricsLayer, MetricsEndpoint};
//!
//! # async fn run() -> std::io::Result<()> {
//! let app = Router::new()
//!     .route("/api/nodes/{id}", get(|| async { "node" }))
//!     .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "no such page") })
//!     .layer(HttpMetricsLayer::new())
//!     // After the layer: scrapes are not counted as application traffic.
//!     .merge(MetricsEndpoint::from_env().router());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9898").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! To keep metrics off the public port, serve [`MetricsEndpoint::router`] on
//! a second listener bound to loopback or an internal interface, and the
//! application (with the layer) on the public one.

mod endpoint;
mod layer;
mod series;

pub use endpoint::{MetricsEndpoint, TOKEN_ENV};
pub use layer::{HttpMetrics, HttpMetricsLayer, ResponseFuture};
