//! The "Metrics" section appended to a metered function's rustdoc: what it
//! records and ready PromQL, where reviewers read code (`cargo doc`, IDE
//! hovers). `docs = false` turns it off.

use syn::{Attribute, parse_quote};

use crate::args::Kind;
use crate::expand::Site;

/// `#[doc = ".."]` lines to append after the function's own docs.
pub fn metrics_section(site: &Site) -> Vec<Attribute> {
    let module = site.module.value();
    let op = site.op.value();
    let calls = format!("rustok_{module}_operations_total");
    let durations = format!("rustok_{module}_operation_duration_seconds");
    let (selector, kind_note, by) = match &site.kind {
        Some(Kind::Static(kind)) => (
            format!(r#"operation="{op}",kind="{}""#, kind.value()),
            format!("`kind=\"{}\"`", kind.value()),
            "",
        ),
        Some(Kind::Computed(_)) => (
            format!(r#"operation="{op}""#),
            "`kind` computed from the arguments on each call".to_owned(),
            ", kind",
        ),
        None => (
            format!(r#"operation="{op}",kind="""#),
            "`kind=\"\"`".to_owned(),
            "",
        ),
    };
    let lines = [
        String::new(),
        "# Metrics".to_owned(),
        String::new(),
        format!(
            "Measured by `#[metered]`: every call is counted and timed under `operation=\"{op}\"`, {kind_note}."
        ),
        String::new(),
        format!(
            "- `{calls}{{operation, kind, status, error_kind}}`: calls by outcome (`status` is `success`, `error`, `panic` or `cancelled`; `error_kind` labels errors whose type implements `MetricLabel`)."
        ),
        format!("- `{durations}{{operation, kind}}`: a histogram of durations in seconds."),
        String::new(),
        "```text".to_owned(),
        "# request rate (calls per second)".to_owned(),
        format!("sum by (operation{by}) (rate({calls}{{{selector}}}[5m]))"),
        "# error ratio".to_owned(),
        format!(
            "sum by (operation{by}) (rate({calls}{{{selector},status=\"error\"}}[5m])) / sum by (operation{by}) (rate({calls}{{{selector}}}[5m]))"
        ),
        "# p95 and p99 latency (seconds)".to_owned(),
        format!(
            "histogram_quantile(0.95, sum by (le{by}) (rate({durations}_bucket{{{selector}}}[5m])))"
        ),
        format!(
            "histogram_quantile(0.99, sum by (le{by}) (rate({durations}_bucket{{{selector}}}[5m])))"
        ),
        "```".to_owned(),
    ];
    lines
        .iter()
        .map(|line| {
            let line = format!(" {line}");
            parse_quote!(#[doc = #line])
        })
        .collect()
}
