//! The example's review file, `examples/METRICS.md`, matches its metered
//! operations: a renamed operation, a new label or a changed objective
//! fails here until the file is rewritten
//! (`RUSTOK_METRICS_REVIEW=overwrite cargo test -p rustok-metrics-examples --test review`),
//! so the change shows up in the pull request.

#[path = "../platform.rs"]
#[allow(dead_code)]
mod platform;

#[test]
fn the_examples_metrics_review_file_is_current() {
    rustok_metrics::catalogue::check_review_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/METRICS.md"
    ));
}
