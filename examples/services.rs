//! The RusToK content and commerce services, metered, after a little traffic:
//! prints the catalogue of metered operations, then the `/metrics` text a
//! Prometheus server would scrape. `cargo run --example server` serves it.
//!
//! Run it with `cargo run --example services`.

use std::future::{Future, pending};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use platform::{
    Cart, ContentError, ContentService, NodeKind, apply_discount, checkout, print_catalogue,
};

mod platform;

fn main() -> Result<(), rustok_metrics::TelemetryError> {
    print_catalogue();

    let content_service = ContentService::default();
    for (kind, title) in [
        (NodeKind::Post, "Hello"),
        (NodeKind::Post, "Metrics"),
        (NodeKind::Page, ""),
        (NodeKind::Page, "About"),
    ] {
        let _ = block_on(content_service.create_node(kind, title));
    }
    for id in [1, 2, 42] {
        match content_service.get(id) {
            Ok(node) => println!(
                "# found {:?} node {} ({:?})",
                node.kind, node.id, node.title
            ),
            Err(ContentError::NotFound(id)) => println!("# no node {id}"),
            Err(other) => println!("# {other:?}"),
        }
    }
    // A caller that polls once and gives up: counted as `cancelled`.
    poll_once_then_drop(content_service.reindex(pending()));

    rustok_metrics::platform::commerce::products().set("physical", 3);
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
