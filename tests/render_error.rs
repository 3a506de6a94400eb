//! When rendering fails, `/metrics` answers with a short `500`, and nothing
//! panics. Its own test binary: the failure lasts for the whole process.

use axum::Router;
use rustok_metrics::TelemetryError;
use rustok_metrics::http::MetricsEndpoint;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[rustok_metrics::metered(module = "render_error", op = "clash")]
fn clashing() {}

#[tokio::test]
async fn a_family_name_taken_by_another_collector_is_a_500_not_a_panic() {
    // Another collector takes the name of the module's family before the
    // module registers it.
    let squatter = rustok_metrics::prometheus::IntCounter::new(
        "rustok_render_error_operations_total",
        "Takes the name of a module's family.",
    )
    .unwrap();
    rustok_metrics::by_hand::registry()
        .register(Box::new(squatter))
        .unwrap();
    clashing(); // the call itself is fine

    let err = rustok_metrics::render_metrics().unwrap_err();
    assert!(matches!(err, TelemetryError::Registration { .. }), "{err}");
    assert!(err.to_string().contains("render_error"), "{err}");

    let app: Router = MetricsEndpoint::new().router();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let mut scrape = TcpStream::connect(addr).await.unwrap();
    scrape
        .write_all(b"GET /metrics HTTP/1.0\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    scrape.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.0 500"), "{response}");
    assert!(
        response.ends_with("\r\n\r\nmetrics unavailable\n"),
        "{response}"
    );
    server.abort();
}
