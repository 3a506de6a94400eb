//! `GET /metrics`: the exposition, protected and compressed as asked.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::header::{
    ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HeaderValue, VARY,
    WWW_AUTHENTICATE,
};
use axum::http::{HeaderMap, Response, StatusCode};
use axum::routing::get;

use crate::Format;

/// The environment variable [`MetricsEndpoint::from_env`] reads the token from.
pub const TOKEN_ENV: &str = "RUSTOK_METRICS_TOKEN";

/// The `/metrics` endpoint: renders the registry ([`MetricsHandle::render_into`](crate::MetricsHandle::render_into))
/// in the format the request's `Accept` header asks for
/// ([`Format::from_accept`]: delimited protobuf when offered, else
/// OpenMetrics, else text 0.0.4, which is also the answer to a malformed
/// header), with the matching `Content-Type`, gzipped when the request
/// accepts it, behind an optional bearer token.
///
/// Metrics leak business data (volumes, error rates, route names), so set a
/// token, or serve the router on a listener only Prometheus can reach. A
/// request without the right `Authorization: Bearer <token>` gets `401` with
/// `WWW-Authenticate` and no metrics. The token is compared in constant time
/// and never logged; `Debug` shows only whether one is set.
///
/// ```
/// use rustok_metrics::http::MetricsEndpoint;
///
/// let open = MetricsEndpoint::new();
/// let protected = MetricsEndpoint::with_token("s3cret");
/// assert_eq!(format!("{protected:?}"), "MetricsEndpoint { token: Some(\"<redacted>\") }");
/// let _router: axum::Router = protected.router();
/// # let _ = open;
/// ```
#[derive(Clone, Default)]
pub struct MetricsEndpoint {
    token: Option<Arc<str>>,
}

impl MetricsEndpoint {
    /// An endpoint without authentication.
    #[must_use]
    pub fn new() -> Self {
        MetricsEndpoint { token: None }
    }

    /// An endpoint that requires `Authorization: Bearer <token>`. An empty
    /// token means none.
    #[must_use]
    pub fn with_token(token: impl Into<String>) -> Self {
        let token: String = token.into();
        MetricsEndpoint {
            token: (!token.is_empty()).then(|| token.into()),
        }
    }

    /// An endpoint protected by the token in `RUSTOK_METRICS_TOKEN`, or open
    /// when it is unset or empty.
    #[must_use]
    pub fn from_env() -> Self {
        Self::with_token(std::env::var(TOKEN_ENV).unwrap_or_default())
    }

    /// Whether requests must carry the token.
    #[must_use]
    pub fn requires_token(&self) -> bool {
        self.token.is_some()
    }

    /// A router serving `GET /metrics`, to merge into an application or serve
    /// on its own listener.
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        Router::new().route(
            "/metrics",
            get(move |headers: HeaderMap| {
                let endpoint = self.clone();
                async move { endpoint.respond(&headers) }
            }),
        )
    }

    /// The response to a scrape with these request headers.
    #[must_use]
    pub fn respond(&self, headers: &HeaderMap) -> Response<Body> {
        if !self.authorized(headers) {
            return Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header(WWW_AUTHENTICATE, r#"Bearer realm="metrics""#)
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(Body::from("unauthorized\n"))
                .unwrap_or_default();
        }
        let format = requested_format(headers);
        let mut body = Vec::new();
        if let Err(error) = crate::MetricsHandle::new().render_into(format, &mut body) {
            tracing::error!(%error, "rendering /metrics failed");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(Body::from("metrics unavailable\n"))
                .unwrap_or_default();
        }
        let response = Response::builder()
            .header(CONTENT_TYPE, format.content_type())
            .header(VARY, "accept, accept-encoding");
        let body = if accepts_gzip(headers) {
            match gzip(&body) {
                Ok(compressed) => {
                    return response
                        .header(CONTENT_ENCODING, "gzip")
                        .body(Body::from(compressed))
                        .unwrap_or_default();
                }
                Err(error) => {
                    tracing::warn!(%error, "gzip failed, serving /metrics uncompressed");
                    body
                }
            }
        } else {
            body
        };
        response.body(Body::from(body)).unwrap_or_default()
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        let presented = headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, credentials) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| credentials.trim())
            });
        presented.is_some_and(|presented| constant_time_eq(presented.as_bytes(), token.as_bytes()))
    }
}

impl fmt::Debug for MetricsEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricsEndpoint")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Equal contents, in time that depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// The format the `Accept` header(s) ask for; text 0.0.4 when there is
/// none or one is not visible ASCII.
fn requested_format(headers: &HeaderMap) -> Format {
    let mut accept = String::new();
    for value in headers.get_all(ACCEPT) {
        let Ok(value) = value.to_str() else {
            return Format::Text;
        };
        if !accept.is_empty() {
            accept.push(',');
        }
        accept.push_str(value);
    }
    Format::from_accept(&accept)
}

/// `Accept-Encoding` names gzip (or `*`) with a non-zero quality.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value: &HeaderValue| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|param| {
                param
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::{accepts_gzip, constant_time_eq, requested_format};
    use crate::Format;
    use axum::http::{HeaderMap, HeaderValue};

    fn with_accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("accept-encoding", value.parse().unwrap());
        headers
    }

    #[test]
    fn gzip_only_when_accepted() {
        assert!(accepts_gzip(&with_accept("gzip")));
        assert!(accepts_gzip(&with_accept("deflate, GZIP;q=0.5")));
        assert!(accepts_gzip(&with_accept("*")));
        assert!(!accepts_gzip(&with_accept("gzip;q=0")));
        assert!(!accepts_gzip(&with_accept("br")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn accept_headers_are_joined_and_bytes_fall_back_to_text() {
        let mut headers = HeaderMap::new();
        assert_eq!(requested_format(&headers), Format::Text);
        headers.append("accept", HeaderValue::from_static("text/plain;q=0.5"));
        headers.append(
            "accept",
            HeaderValue::from_static("application/openmetrics-text;version=1.0.0"),
        );
        assert_eq!(requested_format(&headers), Format::OpenMetrics);
        headers.append("accept", HeaderValue::from_bytes(b"\xff/\xfe").unwrap());
        assert_eq!(requested_format(&headers), Format::Text);
    }

    #[test]
    fn tokens_compare_by_content() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
