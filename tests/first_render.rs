//! Before any call: every metered operation is in the catalogue, and every
//! call site with a static kind already has its series, at zero, in the very
//! first render. Its own test binary, so nothing has been called before;
//! and no test here calls them, so the functions are dead code on purpose.
#![allow(dead_code)]

use rustok_metrics::{MetricLabel, bounded, metered};

#[metered(module = "first_render", op = "create", kind = "post")]
fn create() -> Result<(), String> {
    Ok(())
}

#[metered(module = "first_render", op = "save")]
fn save_draft() {}

#[metered(module = "first_render", op = "save")]
fn save_final() {}

#[derive(MetricLabel)]
enum Channel {
    Web,
}

#[metered(module = "first_render", op = "notify", kind = channel)]
fn notify(channel: Channel) {}

#[metered(module = "first_render", op = "tag", kind = bounded(tag))]
fn tag(tag: &str) {}

struct Orders;

#[metered(module = "first_render_impl")]
impl Orders {
    fn place(&self) -> Result<u32, String> {
        Ok(1)
    }
}

#[test]
fn the_first_render_has_every_static_series_at_zero() {
    let text = rustok_metrics::render_metrics().unwrap();
    let line = |name: &str, labels: &str| format!("{name}{{{labels}}} 0");
    for (module, op, kind) in [
        ("first_render", "create", "post"),
        ("first_render", "save", ""),
        ("first_render_impl", "place", ""),
    ] {
        for status in ["success", "error"] {
            let expected = line(
                &format!("rustok_{module}_operations_total"),
                &format!(r#"error_kind="",kind="{kind}",operation="{op}",status="{status}""#),
            );
            assert!(
                text.lines().any(|l| l == expected),
                "missing {expected}\n{text}"
            );
        }
        let count = line(
            &format!("rustok_{module}_operation_duration_seconds_count"),
            &format!(r#"kind="{kind}",operation="{op}""#),
        );
        assert!(text.lines().any(|l| l == count), "missing {count}");
    }
    // A computed kind has no series until a value is seen.
    assert!(!text.contains(r#"operation="notify""#));
    assert!(!text.contains(r#"operation="tag""#));
}

#[test]
fn the_catalogue_lists_every_operation_with_its_place() {
    let ours: Vec<_> = rustok_metrics::catalogue::operations()
        .filter(|op| op.module().starts_with("first_render"))
        .collect();
    assert_eq!(ours.len(), 6);
    let create_op = ours.iter().find(|op| op.operation() == "create").unwrap();
    assert_eq!(create_op.kind(), "post");
    assert!(!create_op.has_computed_kind());
    assert!(create_op.file().ends_with("first_render.rs"));
    assert_eq!(create_op.line(), 10, "the line of `fn create`");
    let notify_op = ours.iter().find(|op| op.operation() == "notify").unwrap();
    assert!(notify_op.has_computed_kind());
    assert_eq!(notify_op.kind(), "");
    let place = ours.iter().find(|op| op.operation() == "place").unwrap();
    assert_eq!(place.module(), "first_render_impl");

    let duplicates = rustok_metrics::catalogue::duplicate_operations();
    assert_eq!(duplicates.len(), 1);
    let [first, second] = duplicates[0];
    assert_eq!(
        (first.module(), first.operation()),
        ("first_render", "save")
    );
    assert_eq!(
        (second.module(), second.operation()),
        ("first_render", "save")
    );
    assert_ne!(first.line(), second.line());
}
