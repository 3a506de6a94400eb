//! `settings::declare!`: a module's settings hold from its first call,
//! whichever code runs first, and the runtime setters cannot change them.
#![allow(deprecated)]

#[path = "integration/support.rs"]
#[allow(dead_code)]
mod support;

use rustok_metrics::settings::{ModuleSettings, declare};
use rustok_metrics::{TelemetryError, bounded, metered};

declare!(
    ModuleSettings::new("it_declared")
        .duration_buckets(&[0.25, 1.0, 4.0])
        .classic_only()
        .label_cap(2)
);

#[metered(module = "it_declared", op = "fast")]
fn fast() {}

#[metered(module = "it_declared", op = "tagged", kind = bounded(kind))]
fn tagged(kind: &str) -> &str {
    kind
}

fn series(text: &str, prefix: &str) -> Vec<String> {
    text.lines()
        .filter(|line| line.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

#[test]
fn declared_settings_shape_the_module_from_its_first_call() {
    // The module's families are made here, by its first call, before any
    // code of this test could configure it.
    fast();
    for kind in ["a", "b", "c", "d"] {
        tagged(kind);
    }
    let text = rustok_metrics::render_metrics().unwrap();
    let buckets = series(
        &text,
        r#"rustok_it_declared_operation_duration_seconds_bucket{kind="",operation="fast""#,
    );
    let bounds: Vec<&str> = buckets
        .iter()
        .filter_map(|line| line.split(r#"le=""#).nth(1)?.split('"').next())
        .collect();
    assert_eq!(bounds, ["0.25", "1", "4", "+Inf"], "{text}");
    // A cap of two computed kinds: the third and fourth are `other`.
    let kinds = series(&text, "rustok_it_declared_operations_total{");
    assert!(
        kinds.iter().any(|line| line.contains(r#"kind="other""#)
            && line.contains(r#"operation="tagged",status="success"} 2"#)),
        "{kinds:?}"
    );
}

#[test]
fn classic_only_means_no_native_buckets_in_protobuf() {
    fast();
    let histograms = support::native_histograms("rustok_it_declared_operation_duration_seconds");
    assert!(!histograms.is_empty());
    // A classic-only histogram has no span: Prometheus reads it as classic.
    assert!(
        histograms.iter().all(|histogram| !histogram.has_spans),
        "{histograms:?}"
    );
}

#[test]
fn the_runtime_setters_cannot_change_a_declared_module() {
    let err = rustok_metrics::compat::set_duration_buckets("it_declared", vec![1.0]).unwrap_err();
    assert!(matches!(&err, TelemetryError::ModuleDeclared { module } if module == "it_declared"));
    assert!(err.to_string().contains("settings::declare!"), "{err}");
}
