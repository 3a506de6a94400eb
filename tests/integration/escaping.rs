//! Any label value survives the exposition: quotes, backslashes, newlines
//! and non-ASCII are escaped on the way out and read back unchanged.

use proptest::prelude::*;
use rustok_metrics::{bounded, metered};

use crate::support::scrape;

#[metered(module = "it_escape", op = "echo", kind = bounded(value))]
fn echo(value: &str) -> usize {
    value.len()
}

proptest! {
    // Below the site's default cap of 64 distinct values, so that every
    // value is kept as its own series rather than counted as `other`.
    // No regression file: replayed cases would add values beyond the cap.
    #![proptest_config(ProptestConfig {
        cases: 60,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn label_values_round_trip_through_the_rendered_text(value in "\\PC{1,24}|[\"\\\\\\n{},= ]{1,8}") {
        echo(&value);
        let scrape = scrape();
        let found = scrape.samples.iter().any(|sample| {
            sample.name == "rustok_it_escape_operations_total"
                && sample.labels.get("kind") == Some(&value)
                && sample.labels["status"] == "success"
                && sample.value >= 1.0
        });
        prop_assert!(found, "kind {:?} not read back from the exposition", value);
    }
}
