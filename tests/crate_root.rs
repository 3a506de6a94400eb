//! The crate root holds what a service author types and a few concept
//! modules, at most fifteen names; the seed's old statics are only in
//! `compat`. Read from the source, so a new root name fails here first.

use std::path::Path;

/// The public names `lib.rs` puts at the crate root, hidden ones left out.
fn root_names() -> Vec<String> {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rustok-metrics/src/lib.rs");
    let source = std::fs::read_to_string(lib).expect("rustok-metrics/src/lib.rs");
    let mut names = Vec::new();
    let mut hidden = false;
    for line in source.lines().map(str::trim) {
        if line.starts_with("#[doc(hidden)]") {
            hidden = true;
            continue;
        }
        if line.starts_with("#[") || line.starts_with("///") {
            continue;
        }
        let item = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("pub use "));
        if let Some(item) = item.filter(|_| !hidden) {
            let item = item.trim_end_matches(';');
            let listed = match item.split_once('{') {
                Some((_, list)) => list.trim_end_matches('}').split(',').collect(),
                None => vec![item.rsplit("::").next().unwrap_or(item)],
            };
            names.extend(listed.iter().map(|name| name.trim().to_owned()));
        }
        hidden = false;
    }
    names.sort();
    names.dedup(); // the MetricLabel trait and its derive share a name
    names
}

#[test]
fn the_root_holds_at_most_fifteen_names() {
    let names = root_names();
    assert!(
        names.len() <= 15,
        "{} names at the root: {names:?}",
        names.len()
    );
    for expected in [
        "metered",
        "MetricLabel",
        "bounded",
        "render_metrics",
        "MetricsHandle",
    ] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} is missing: {names:?}"
        );
    }
}

#[test]
fn old_statics_are_in_compat_only() {
    assert!(
        !root_names()
            .iter()
            .any(|name| name.starts_with("CONTENT_") || name == "*")
    );
    #[allow(deprecated)]
    let total = &*rustok_metrics::compat::CONTENT_OPERATIONS_TOTAL;
    let content = rustok_metrics::by_hand::module_metrics("content").unwrap();
    assert!(std::ptr::eq(total, content.operations_total()));
}
