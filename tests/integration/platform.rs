//! The platform's gauges, hand-recorded families and the old static names.
#![allow(deprecated)]

use rustok_metrics::by_hand::module_metrics;
use rustok_metrics::compat::{
    COMMERCE_ORDERS_TOTAL, CONTENT_OPERATION_DURATION_SECONDS, CONTENT_OPERATIONS_TOTAL,
};
use rustok_metrics::metered;
use rustok_metrics::platform::{commerce, content};

use crate::support::{native_histograms, scrape};

#[metered(module = "content", op = "it_legacy_create", kind = "post")]
fn create_post() -> Result<(), ()> {
    Ok(())
}

#[test]
fn old_static_names_count_into_the_same_series_as_metered() {
    create_post().unwrap();
    CONTENT_OPERATIONS_TOTAL
        .with_label_values(&["it_legacy_create", "post", "success"])
        .inc();
    module_metrics("content")
        .unwrap()
        .operations_total()
        .with_label_values(&["it_legacy_create", "post", "error"])
        .inc();
    let scrape = scrape();
    assert_eq!(
        scrape.calls("content", "it_legacy_create", "post", "success"),
        Some(2)
    );
    assert_eq!(
        scrape.calls("content", "it_legacy_create", "post", "error"),
        Some(1)
    );
}

#[metered(module = "content", op = "it_legacy_import", kind = "post")]
fn import_post() {}

#[test]
fn hand_written_statuses_and_durations_merge_with_metered_calls() {
    import_post();
    CONTENT_OPERATIONS_TOTAL
        .with_label_values(&["it_legacy_import", "post", "timeout"])
        .inc_by(5);
    CONTENT_OPERATION_DURATION_SECONDS
        .with_label_values(&["it_legacy_import", "post"])
        .observe(20.0);
    let scrape = scrape();
    // A status of its own, written by hand, is kept as written.
    assert_eq!(
        scrape.calls("content", "it_legacy_import", "post", "timeout"),
        Some(5)
    );
    // One metered call and one observed by hand, in one histogram.
    assert_eq!(
        scrape.observed("content", "it_legacy_import", "post"),
        Some(2)
    );
    let bucket = |le| {
        scrape.value(
            "rustok_content_operation_duration_seconds_bucket",
            &[
                ("operation", "it_legacy_import"),
                ("kind", "post"),
                ("le", le),
            ],
        )
    };
    assert_eq!(
        bucket("10"),
        Some(1.0),
        "the metered call, not the 20 s one"
    );
    assert_eq!(bucket("+Inf"), Some(2.0));
}

#[test]
fn platform_gauges_have_their_documented_names() {
    content::nodes().set("it_page", 4);
    commerce::products().set("it_physical", 9);
    COMMERCE_ORDERS_TOTAL
        .with_label_values(&["it_subscription"])
        .set(2);
    commerce::orders().inc("it_subscription");
    let scrape = scrape();
    assert_eq!(
        scrape.value("rustok_content_nodes", &[("kind", "it_page")]),
        Some(4.0)
    );
    assert_eq!(
        scrape.value("rustok_commerce_products", &[("kind", "it_physical")]),
        Some(9.0)
    );
    assert_eq!(
        scrape.value("rustok_commerce_orders", &[("kind", "it_subscription")]),
        Some(3.0)
    );
    assert!(scrape.text.contains("# TYPE rustok_content_nodes gauge"));
}

#[test]
fn own_collectors_render_with_ours_and_process_metrics_exist() {
    use rustok_metrics::prometheus::{IntCounter, Opts};
    let jobs = IntCounter::with_opts(Opts::new("it_own_jobs_total", "Jobs.")).unwrap();
    rustok_metrics::by_hand::registry()
        .register(Box::new(jobs.clone()))
        .unwrap();
    jobs.inc_by(3);
    let handle = rustok_metrics::MetricsHandle::new();
    let text = handle.render().unwrap();
    assert!(
        text.lines().any(|line| line == "it_own_jobs_total 3"),
        "{text}"
    );
    if cfg!(target_os = "linux") {
        let scrape = scrape();
        assert!(scrape.has_family("process_cpu_seconds_total"));
        assert!(scrape.has_family("process_resident_memory_bytes"));
    }
}

#[test]
fn durations_observed_by_hand_have_native_buckets_like_metered_calls() {
    let durations = module_metrics("content")
        .unwrap()
        .operation_duration_seconds();
    let observer = durations.with_label_values(&["it_hand_native", "post"]);
    observer.observe(0.003);
    observer.observe(0.003);
    observer.observe(2.0);
    let histograms = native_histograms("rustok_content_operation_duration_seconds");
    let hand = histograms
        .iter()
        .find(|histogram| {
            histogram.labels.get("operation").map(String::as_str) == Some("it_hand_native")
        })
        .expect("the series observed by hand");
    assert_eq!(hand.count, 3);
    assert!(hand.has_spans, "native buckets: {hand:?}");
    let counts: Vec<u64> = hand.buckets.iter().map(|(_, count)| *count).collect();
    // 3 ms twice in one bucket, 2 s in another.
    assert_eq!(counts.iter().sum::<u64>(), 3, "{hand:?}");
    assert!(counts.contains(&2), "{hand:?}");
}
