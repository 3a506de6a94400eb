//! Duration buckets per module: settable before first use, an error after
//! (the deprecated runtime setter of `compat`).
#![allow(deprecated)]

use rustok_metrics::compat::set_duration_buckets;
use rustok_metrics::{TelemetryError, metered};

use crate::support::scrape;

#[test]
fn default_buckets_are_the_standard_service_buckets_with_sub_millisecond_bounds() {
    #[metered(module = "it_buckets_default", op = "op")]
    fn op() {}
    op();
    let scrape = scrape();
    let bounds: Vec<_> = scrape
        .samples
        .iter()
        .filter(|s| s.name == "rustok_it_buckets_default_operation_duration_seconds_bucket")
        .map(|s| s.labels["le"].clone())
        .collect();
    assert_eq!(
        bounds,
        [
            "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
            "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"
        ]
    );
}

#[test]
fn invalid_buckets_and_module_names_are_errors() {
    for bad in [
        vec![],
        vec![1.0, 1.0],
        vec![2.0, 1.0],
        vec![f64::NAN],
        vec![-1.0],
    ] {
        let err = set_duration_buckets("it_buckets_invalid", bad.clone()).unwrap_err();
        assert!(
            matches!(err, TelemetryError::InvalidBuckets { .. }),
            "{bad:?}"
        );
    }
    let err = set_duration_buckets("Bad-Name", vec![1.0]).unwrap_err();
    assert!(matches!(err, TelemetryError::InvalidModule { .. }));
    assert!(rustok_metrics::by_hand::module_metrics("9lives").is_err());
}

#[test]
fn accessing_a_modules_families_also_locks_its_buckets() {
    let families = rustok_metrics::by_hand::module_metrics("it_buckets_touched").unwrap();
    assert_eq!(families.name(), "it_buckets_touched");
    let err = set_duration_buckets("it_buckets_touched", vec![1.0]).unwrap_err();
    assert!(matches!(err, TelemetryError::ModuleInUse { .. }));
}
