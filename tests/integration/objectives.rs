//! Objectives on the attribute: in the catalogue, per function, per impl
//! block with a method's own winning, and their latency thresholds as
//! bucket bounds of the module's histogram. Also `build_info!`.

use std::time::Duration;

use rustok_metrics::catalogue::Objective;
use rustok_metrics::metered;

use crate::support::scrape;

/// 30 ms is not one of the default bounds.
const SEARCH: Objective = Objective::new("search")
    .success_rate(99.5)
    .latency(Duration::from_millis(30), 99.0);

const WRITES: Objective = Objective::new("writes").success_rate(99.0);

/// A whole number of seconds: Prometheus may store its bound as `1.0`.
const EXPORTS: Objective = Objective::new("exports").latency(Duration::from_secs(1), 90.0);

#[metered(module = "it_objectives", op = "export", objective = EXPORTS)]
fn export() {}

#[metered(module = "it_objectives", op = "search", objective = SEARCH)]
fn search() -> Result<u32, String> {
    Ok(1)
}

struct Store;

#[metered(module = "it_objectives", objective = WRITES)]
impl Store {
    fn save(&self) {}

    #[metered(objective = SEARCH)]
    fn find(&self) {}

    fn plain_helper(&self) {}
}

fn objective_of(op: &str) -> Option<Objective> {
    rustok_metrics::catalogue::operations()
        .find(|operation| operation.module() == "it_objectives" && operation.operation() == op)
        .and_then(|operation| operation.objective().copied())
}

#[test]
fn the_catalogue_carries_each_operations_objective() {
    assert_eq!(objective_of("search"), Some(SEARCH));
    assert_eq!(objective_of("save"), Some(WRITES), "the impl block's");
    assert_eq!(objective_of("find"), Some(SEARCH), "the method's own wins");
    assert_eq!(objective_of("plain_helper"), Some(WRITES));
    let store = Store;
    store.save();
    store.find();
    store.plain_helper();
    assert_eq!(search(), Ok(1));
}

#[test]
fn a_latency_threshold_is_a_bucket_bound_of_its_module() {
    assert_eq!(search(), Ok(1));
    let scrape = scrape();
    let bounds: Vec<String> = scrape
        .samples
        .iter()
        .filter(|s| {
            s.name == "rustok_it_objectives_operation_duration_seconds_bucket"
                && s.labels["operation"] == "search"
        })
        .map(|s| s.labels["le"].clone())
        .collect();
    assert!(bounds.contains(&"0.03".to_owned()), "{bounds:?}");
    assert!(
        bounds.contains(&"0.025".to_owned()),
        "defaults kept: {bounds:?}"
    );
    assert_eq!(
        scrape.value(
            "rustok_it_objectives_operation_duration_seconds_bucket",
            &[("operation", "search"), ("kind", ""), ("le", "0.03")]
        ),
        scrape.value(
            "rustok_it_objectives_operation_duration_seconds_count",
            &[("operation", "search"), ("kind", "")]
        ),
        "a call this fast is within 30 ms"
    );
}

#[test]
fn the_generated_rules_name_each_objective_of_the_module() {
    let rules = rustok_metrics::catalogue::prometheus_rules();
    assert!(rules.contains("  - name: rustok-module-it_objectives\n"));
    assert!(rules.contains("  - name: rustok-objectives-it_objectives\n"));
    // The slow ratio of "search" reads the 30 ms bucket, for both of its
    // operations.
    assert!(rules.contains(
        r#"rustok_it_objectives_operation_duration_seconds_bucket{operation=~"find|search",le="0.03"}"#
    ));
    assert!(rules.contains(r#"objective: "writes""#));
    // A whole second matches both spellings of the bound.
    assert!(rules.contains(
        r#"rustok_it_objectives_operation_duration_seconds_bucket{operation=~"export",le=~"1|1\\.0"}"#
    ));
    export();
}

#[test]
fn build_info_is_one_series_with_the_applications_version() {
    rustok_metrics::by_hand::build_info!();
    rustok_metrics::by_hand::build_info!(); // a second call changes nothing
    let revision = option_env!("RUSTOK_BUILD_REVISION").unwrap_or("unknown");
    let builds: Vec<_> = scrape()
        .samples
        .into_iter()
        .filter(|s| s.name == "rustok_build_info")
        .collect();
    assert_eq!(builds.len(), 1, "{builds:?}");
    assert_eq!(builds[0].labels["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(builds[0].labels["revision"], revision);
    assert_eq!(builds[0].value, 1.0);
}
