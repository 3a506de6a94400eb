//! The metered RusToK services behind a few JSON routes, with `/metrics` for
//! Prometheus. The README's main command:
//!
//! ```text
//! cargo run --example server -- [--listen ADDR] [--token TOKEN] [--traffic] [--traffic-rate N] [--print-rules]
//! ```
//!
//! - `--listen ADDR`: where to listen (default `127.0.0.1:9898`; port 0 picks one).
//! - `--token TOKEN` (or `RUSTOK_METRICS_TOKEN`): scrapes must send
//!   `Authorization: Bearer TOKEN`.
//! - `--traffic`: send a little traffic to itself, so the numbers move
//!   (`--traffic-rate N`: N requests a second, default 5).
//! - `--print-rules`: print the Prometheus rules for its modules and
//!   objectives (`docs/prometheus/rustok.rules.yml`) and exit.
//!
//! Every request runs in an OpenTelemetry span of its own (an SDK tracer
//! provider that exports nowhere), so the latency buckets and counters
//! carry exemplars with real trace ids; its modules record native
//! histograms (the default), which a Prometheus started with
//! `--enable-feature=native-histograms` scrapes over protobuf.
//!
//! Each request also runs in a `tracing` span, `request`, with the content
//! service's calls in spans of their own under it (`#[metered(.., span)]`).
//! When a span closes, stderr gets a line naming it, its fields and the spans
//! it is in. `RUST_LOG` filters them (default `server=info`: this example's
//! spans, not the HTTP stack's; `RUST_LOG=off` for none).
//!
//! Ctrl-C stops it cleanly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rustok_metrics::http::{HttpMetricsLayer, MetricsEndpoint, TOKEN_ENV};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use platform::{
    Cart, CommerceError, ContentError, ContentService, NodeKind, checkout, print_catalogue,
};

// Shared with `services.rs`, which calls what this example does not.
#[allow(dead_code)]
mod platform;

struct Options {
    listen: SocketAddr,
    endpoint: MetricsEndpoint,
    /// Requests a second sent to itself, if any.
    traffic: Option<u32>,
    print_rules: bool,
}

fn options() -> Result<Options, String> {
    let mut listen: SocketAddr = ([127, 0, 0, 1], 9898).into();
    let mut endpoint = MetricsEndpoint::from_env();
    let mut traffic = None;
    let mut rate = 5;
    let mut print_rules = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                let value = args
                    .next()
                    .ok_or("--listen needs an address, e.g. 127.0.0.1:9898")?;
                listen = value
                    .parse()
                    .map_err(|e| format!("--listen {value}: {e}"))?;
            }
            "--token" => {
                endpoint = MetricsEndpoint::with_token(args.next().ok_or("--token needs a value")?);
            }
            "--traffic" => traffic = Some(()),
            "--traffic-rate" => {
                let value = args.next().ok_or("--traffic-rate needs a number, e.g. 5")?;
                rate = value
                    .parse()
                    .ok()
                    .filter(|rate| (1..=10_000).contains(rate))
                    .ok_or(format!(
                        "--traffic-rate {value}: give 1 to 10000 requests a second"
                    ))?;
            }
            "--print-rules" => print_rules = true,
            "--help" | "-h" => {
                return Err(format!(
                    "usage: server [--listen ADDR] [--token TOKEN] [--traffic] [--traffic-rate N] [--print-rules]\n\
                     the token may also come from {TOKEN_ENV}"
                ));
            }
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(Options {
        listen,
        endpoint,
        traffic: traffic.map(|()| rate),
        print_rules,
    })
}

#[derive(Deserialize)]
struct NewNode {
    kind: String,
    title: String,
}

#[derive(Deserialize)]
struct NewOrder {
    items: Vec<u64>,
}

async fn create_node(
    State(content): State<Arc<ContentService>>,
    Json(input): Json<NewNode>,
) -> Response {
    let kind = if input.kind == "page" {
        NodeKind::Page
    } else {
        NodeKind::Post
    };
    match content.create_node(kind, &input.title).await {
        Ok(node) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "id": node.id })),
        )
            .into_response(),
        Err(ContentError::EmptyTitle) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "title is empty").into_response()
        }
        Err(ContentError::NotFound(id)) => {
            (StatusCode::NOT_FOUND, format!("no node {id}")).into_response()
        }
    }
}

async fn get_node(State(content): State<Arc<ContentService>>, Path(id): Path<u64>) -> Response {
    match content.get(id) {
        Ok(node) => Json(serde_json::json!({
            "id": node.id,
            "kind": rustok_metrics::MetricLabel::metric_label(&node.kind),
            "title": node.title,
        }))
        .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn place_order(Json(order): Json<NewOrder>) -> Response {
    match checkout(&Cart { items: order.items }) {
        Ok(total) => Json(serde_json::json!({ "total": total })).into_response(),
        Err(CommerceError::EmptyCart) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "cart is empty").into_response()
        }
    }
}

fn app(endpoint: MetricsEndpoint) -> Router {
    let content = Arc::new(ContentService::default());
    Router::new()
        .route("/api/nodes", post(create_node))
        .route("/api/nodes/{id}", get(get_node))
        .route("/api/checkout", post(place_order))
        // Before the layer, so requests that match no route are recorded
        // too (as route="unmatched").
        .fallback(|| async { (StatusCode::NOT_FOUND, "no such page") })
        .with_state(content)
        .layer(HttpMetricsLayer::new())
        // Outside the metrics layer, so its recording runs in the span too.
        .layer(middleware::from_fn(in_request_span))
        // Merged after the layer: scrapes are not application traffic.
        .merge(endpoint.router())
}

/// Runs each request in a span of its own, in OpenTelemetry (its metered
/// calls and its HTTP series get the span's trace id as their exemplars) and
/// in `tracing` (the parent of the metered calls' own spans).
async fn in_request_span(request: Request, next: Next) -> Response {
    use opentelemetry::trace::{FutureExt, TraceContextExt, Tracer};
    use tracing::Instrument;
    let tracer = opentelemetry::global::tracer("rustok-example");
    let span = tracer.start(format!("{} {}", request.method(), request.uri().path()));
    let context = opentelemetry::Context::current_with_span(span);
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
    );
    next.run(request)
        .with_context(context)
        .instrument(span)
        .await
}

/// Prints a line on stderr when a span closes: its name, its fields, and the
/// spans it is in, so a request's line follows its metered calls' lines,
/// which name the request span first. Events (the `err` events) too.
fn print_spans() {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::fmt::format::FmtSpan;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("server=info"));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_span_events(FmtSpan::CLOSE)
        .with_env_filter(filter)
        .init();
}

/// Requests to this server, `rate` a second: creates, reads (some
/// missing), orders (some empty) and an unknown path.
async fn traffic(addr: SocketAddr, rate: u32) {
    let requests: [(&str, &str, &str); 6] = [
        ("POST", "/api/nodes", r#"{"kind":"post","title":"Hello"}"#),
        ("POST", "/api/nodes", r#"{"kind":"page","title":""}"#),
        ("GET", "/api/nodes/1", ""),
        ("GET", "/api/nodes/999", ""),
        ("POST", "/api/checkout", r#"{"items":[10,20]}"#),
        ("POST", "/api/checkout", r#"{"items":[]}"#),
    ];
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate);
    for round in 0u64.. {
        tick.tick().await;
        let (method, path, body) = requests[usize::try_from(round % 6).unwrap_or(0)];
        let _ = request(addr, method, path, body).await;
        if round % 10 == 0 {
            let _ = request(addr, "GET", "/no/such/page", "").await;
        }
    }
}

async fn request(addr: SocketAddr, method: &str, path: &str, body: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    Ok(())
}

#[tokio::main]
async fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if options.print_rules {
        print!("{}", rustok_metrics::catalogue::prometheus_rules());
        return;
    }
    rustok_metrics::by_hand::build_info!();
    print_spans();
    // Sampled spans with real trace ids, exported nowhere: a real service
    // adds its OTLP exporter here.
    opentelemetry::global::set_tracer_provider(
        opentelemetry_sdk::trace::SdkTracerProvider::builder().build(),
    );
    let listener = match TcpListener::bind(options.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on {}: {error}", options.listen);
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().unwrap_or(options.listen);
    // The first line is for scripts and tests: where it really listens.
    println!("listening on {addr}");
    println!(
        "metrics: http://{addr}/metrics ({})",
        if options.endpoint.requires_token() {
            "send Authorization: Bearer <token>"
        } else {
            "open: set --token or RUSTOK_METRICS_TOKEN to protect it"
        }
    );
    println!(
        "api: POST http://{addr}/api/nodes, GET http://{addr}/api/nodes/{{id}}, POST http://{addr}/api/checkout"
    );
    if let Some(rate) = options.traffic {
        println!("traffic: {rate} requests a second to itself");
        tokio::spawn(traffic(addr, rate));
    }
    print_catalogue();
    println!("Ctrl-C to stop");

    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        println!("stopping");
    };
    if let Err(error) = axum::serve(listener, app(options.endpoint))
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("server error: {error}");
        std::process::exit(1);
    }
}
