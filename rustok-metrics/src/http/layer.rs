//! The tower layer that records every request of an axum application.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use prometheus::IntGauge;
use tower_layer::Layer;
use tower_service::Service;

use super::series::{http_series, status_label};
use crate::outcome::Status;
use crate::record::{EndsOn, Guard};

/// Records `rustok_http_requests_total{method, route, status}`,
/// `rustok_http_request_duration_seconds{method, route}` and
/// `rustok_http_requests_in_flight` for every request.
///
/// `route` is axum's matched route template (`/api/nodes/{id}`), never the
/// raw URI, and `unmatched` when no route matched; methods outside the
/// standard nine are `other`. So a client sending a million distinct URLs
/// cannot grow the series count. Add it with `Router::layer` after the
/// routes, which applies it after routing, so the matched route is known;
/// set the router's `fallback` before it, or unmatched requests (served by
/// axum's default fallback) are not recorded. A request whose client
/// went away before the response is counted with status `499` and leaves the
/// in-flight gauge.
///
/// ```
/// use axum::{Router, routing::get};
/// use rustok_metrics::http::HttpMetricsLayer;
///
/// let app: Router = Router::new()
///     .route("/api/nodes/{id}", get(|| async { "node" }))
///     .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "no such page") })
///     .layer(HttpMetricsLayer::new());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct HttpMetricsLayer {
    _private: (),
}

impl HttpMetricsLayer {
    /// The layer; its families exist (at zero) from here on.
    #[must_use]
    pub fn new() -> Self {
        http_series();
        HttpMetricsLayer { _private: () }
    }
}

impl<S> Layer<S> for HttpMetricsLayer {
    type Service = HttpMetrics<S>;

    fn layer(&self, inner: S) -> Self::Service {
        HttpMetrics { inner }
    }
}

/// The service [`HttpMetricsLayer`] wraps around an application.
#[derive(Clone, Debug)]
pub struct HttpMetrics<S> {
    inner: S,
}

impl<S, B, R> Service<Request<B>> for HttpMetrics<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str);
        let series = http_series();
        let recorder = series.recorder(request.method(), route);
        let in_flight = InFlight::enter(&series.in_flight);
        ResponseFuture {
            inner: self.inner.call(request),
            request: Some((Guard::start(recorder), in_flight)),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response of an [`HttpMetrics`] service: records when the response
    /// head is ready, or as abandoned when dropped before.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        request: Option<(Guard, InFlight)>,
    }
}

impl<F, R, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        if let Some((guard, _in_flight)) = this.request.take() {
            let (end, status) = match &result {
                Ok(response) => (Status::Success, status_label(response.status())),
                Err(_) => (Status::Error, "500"),
            };
            guard
                .into_started()
                .end(end, Some(status), EndsOn::AnyThread);
        }
        Poll::Ready(result)
    }
}

/// One request in `rustok_http_requests_in_flight`, until dropped.
struct InFlight(IntGauge);

impl InFlight {
    fn enter(gauge: &IntGauge) -> Self {
        gauge.inc();
        InFlight(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}
