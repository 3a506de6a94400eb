//! Buckets set before a module's first use shape its histogram, and are
//! locked after. Its own test binary: in a shared one, another test's render
//! can make the module live (every module in the catalogue is, from the
//! first render on) before this test sets its buckets. The setter is the
//! deprecated runtime one (`compat`); `tests/declared_settings.rs` tests
//! `settings::declare!`.
#![allow(deprecated)]

use rustok_metrics::compat::set_duration_buckets;
use rustok_metrics::{TelemetryError, metered};

/// The value of the bucket sample `le` of `fast`.
fn bucket(text: &str, le: &str) -> Option<f64> {
    let prefix = format!(
        r#"rustok_it_buckets_operation_duration_seconds_bucket{{kind="",operation="fast",le="{le}"}} "#
    );
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map(|value| value.parse().expect("a number"))
}

#[metered(module = "it_buckets", op = "fast")]
fn fast() {}

#[test]
fn buckets_set_before_first_use_shape_the_histogram_and_then_lock() {
    set_duration_buckets("it_buckets", vec![0.5, 2.0]).unwrap();
    // Still not used: a second setting replaces the first.
    set_duration_buckets("it_buckets", vec![0.25, 1.0, 4.0]).unwrap();
    fast();

    let text = rustok_metrics::render_metrics().unwrap();
    assert_eq!(bucket(&text, "0.25"), Some(1.0), "{text}");
    assert_eq!(bucket(&text, "4"), Some(1.0));
    assert_eq!(bucket(&text, "+Inf"), Some(1.0));
    assert_eq!(bucket(&text, "0.005"), None, "default buckets replaced");

    let err = set_duration_buckets("it_buckets", vec![1.0]).unwrap_err();
    assert!(matches!(&err, TelemetryError::ModuleInUse { module } if module == "it_buckets"));
    assert!(
        err.to_string()
            .contains("before the first metered call or render"),
        "{err}"
    );
}
