//! The HTTP layer against a real axum server on loopback: in-flight requests,
//! a client that disconnects mid-request, and gzip on the endpoint.

use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use rustok_metrics::http::{HttpMetricsLayer, MetricsEndpoint};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

fn rendered(series: &str) -> Option<f64> {
    sample(&rustok_metrics::render_metrics().unwrap(), series)
}

async fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_mid_request_leaves_the_in_flight_gauge() {
    let app = Router::new()
        .route("/slow/{id}", get(std::future::pending::<&'static str>))
        .route("/fast", get(|| async { "ok" }))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(HttpMetricsLayer::new())
        .merge(MetricsEndpoint::new().router());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut fast = TcpStream::connect(addr).await.unwrap();
    fast.write_all(b"GET /fast HTTP/1.0\r\n\r\n").await.unwrap();
    let mut response = String::new();
    fast.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.0 200"), "{response}");

    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /slow/42 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    wait_for("the slow request in flight", || {
        rendered("rustok_http_requests_in_flight") == Some(1.0)
    })
    .await;
    drop(slow);
    wait_for("the abandoned request to leave", || {
        rendered("rustok_http_requests_in_flight") == Some(0.0)
    })
    .await;

    let text = rustok_metrics::render_metrics().unwrap();
    assert_eq!(
        sample(
            &text,
            r#"rustok_http_requests_total{method="GET",route="/slow/{id}",status="499"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"rustok_http_requests_total{method="GET",route="/fast",status="200"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"rustok_http_request_duration_seconds_count{method="GET",route="/slow/{id}"}"#
        ),
        Some(1.0)
    );

    // gzip when accepted: the body decompresses to the exposition.
    let mut scrape = TcpStream::connect(addr).await.unwrap();
    scrape
        .write_all(b"GET /metrics HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n")
        .await
        .unwrap();
    let mut raw = Vec::new();
    scrape.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(
        head.contains("content-type: text/plain; version=0.0.4; charset=utf-8"),
        "{head}"
    );
    assert_eq!(&raw[split + 4..split + 6], &[0x1f, 0x8b], "gzip magic");

    server.abort();
}
