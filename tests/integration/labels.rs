//! Labels from arguments and from errors: the `MetricLabel` derive,
//! `bounded` strings, the per-site cap and its overflow counter.

use rustok_metrics::{MetricLabel, bounded, metered};

use crate::support::{block_on, scrape};

#[derive(Clone, Copy, MetricLabel)]
enum NodeKind {
    BlogPost,
    #[metric_label = "page"]
    StaticPage,
}

// The fields are never read: they show that variants with data derive too.
#[allow(dead_code)]
#[derive(Debug, MetricLabel)]
enum ContentError {
    NotFound,
    #[metric_label = "conflict"]
    VersionConflict {
        expected: u64,
    },
    Storage(String),
}

#[metered(module = "it_labels", op = "publish", kind = node_kind)]
fn publish(node_kind: NodeKind, fail: Option<ContentError>) -> Result<(), ContentError> {
    fail.map_or(Ok(()), Err)
}

#[test]
fn kinds_come_from_arguments_and_error_kinds_from_errors() {
    publish(NodeKind::BlogPost, None).unwrap();
    publish(NodeKind::BlogPost, Some(ContentError::NotFound)).unwrap_err();
    publish(
        NodeKind::StaticPage,
        Some(ContentError::VersionConflict { expected: 2 }),
    )
    .unwrap_err();
    publish(
        NodeKind::StaticPage,
        Some(ContentError::Storage("disk".into())),
    )
    .unwrap_err();
    publish(
        NodeKind::StaticPage,
        Some(ContentError::Storage("net".into())),
    )
    .unwrap_err();

    let scrape = scrape();
    let calls = |kind, status, error_kind| {
        scrape.errors_of_kind("it_labels", "publish", kind, status, error_kind)
    };
    assert_eq!(calls("blog_post", "success", ""), Some(1));
    assert_eq!(calls("blog_post", "error", "not_found"), Some(1));
    assert_eq!(calls("page", "error", "conflict"), Some(1));
    assert_eq!(calls("page", "error", "storage"), Some(2));
    // Every error had a kind: none is left without one.
    assert_eq!(calls("page", "error", ""), Some(0));
    assert_eq!(scrape.observed("it_labels", "publish", "page"), Some(3));
}

#[derive(Debug)]
struct Unlabelled;

#[metered(module = "it_labels", op = "plain_error")]
async fn plain_error() -> Result<(), Unlabelled> {
    Err(Unlabelled)
}

#[test]
fn errors_without_a_label_have_an_empty_error_kind() {
    block_on(plain_error()).unwrap_err();
    assert_eq!(scrape().statuses("it_labels", "plain_error"), [0, 1, 0, 0]);
}

#[metered(module = "it_labels", op = "flag", kind = verbose)]
fn flag(verbose: bool) -> bool {
    verbose
}

#[test]
fn bool_arguments_are_labels() {
    flag(true);
    flag(false);
    flag(true);
    let scrape = scrape();
    assert_eq!(
        scrape.calls("it_labels", "flag", "true", "success"),
        Some(2)
    );
    assert_eq!(
        scrape.calls("it_labels", "flag", "false", "success"),
        Some(1)
    );
}

#[metered(module = "it_labels_cap", op = "upload", kind = bounded(mime))]
fn upload(mime: &str) -> usize {
    mime.len()
}

#[test]
fn adversarial_input_is_capped_and_its_overflow_counted() {
    const DISTINCT: usize = 100_000;
    let cap = rustok_metrics::settings::DEFAULT_LABEL_CAP;
    for n in 0..DISTINCT {
        upload(&format!("type/{n}"));
    }
    // A value seen before the cap filled is still its own series.
    upload("type/0");

    let scrape = scrape();
    let series: Vec<_> = scrape
        .samples
        .iter()
        .filter(|s| {
            s.name == "rustok_it_labels_cap_operations_total" && s.labels["status"] == "success"
        })
        .collect();
    assert_eq!(series.len(), cap + 1, "cap values plus `other`");
    assert_eq!(
        scrape.calls("it_labels_cap", "upload", "type/0", "success"),
        Some(2)
    );
    let overflow = (DISTINCT - cap) as u64;
    assert_eq!(
        scrape.calls("it_labels_cap", "upload", "other", "success"),
        Some(overflow)
    );
    assert_eq!(
        scrape.value(
            "rustok_metrics_label_overflow_total",
            &[("module", "it_labels_cap"), ("operation", "upload")]
        ),
        Some(overflow as f64)
    );
    let total: u64 = series.iter().map(|s| s.value as u64).sum();
    assert_eq!(total, DISTINCT as u64 + 1, "no call lost");
}

#[metered(module = "it_labels_order", op = "store", kind = node_kind)]
fn store(node_kind: NodeKind, fail: Option<ContentError>) -> Result<(), ContentError> {
    fail.map_or(Ok(()), Err)
}

#[metered(module = "it_labels_order", op = "audit")]
fn audit() {}

#[test]
fn a_module_renders_its_samples_already_in_the_registrys_order() {
    store(NodeKind::StaticPage, Some(ContentError::NotFound)).unwrap_err();
    store(
        NodeKind::BlogPost,
        Some(ContentError::VersionConflict { expected: 1 }),
    )
    .unwrap_err();
    store(NodeKind::BlogPost, None).unwrap();
    audit();
    let families = rustok_metrics::by_hand::module_metrics("it_labels_order")
        .unwrap()
        .collect();
    for family in &families {
        let keys: Vec<Vec<String>> = family
            .get_metric()
            .iter()
            .map(|metric| {
                metric
                    .get_label()
                    .iter()
                    .map(|pair| pair.value().to_owned())
                    .collect()
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(
            keys,
            sorted,
            "{} is not in label-value order",
            family.name()
        );
        assert!(keys.len() >= 3, "{}", family.name());
    }
}
