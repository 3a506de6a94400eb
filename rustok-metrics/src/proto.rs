//! Building the `prometheus` families our collectors return: one place for
//! descriptions, label pairs, counters and histograms, whichever collector
//! renders them.

use std::collections::HashMap;

use prometheus::core::Desc;
use prometheus::proto::{self, LabelPair, Metric, MetricFamily, MetricType};

/// A family described by `desc`, holding `metrics`.
pub(crate) fn family(desc: &Desc, metric_type: MetricType, metrics: Vec<Metric>) -> MetricFamily {
    let mut family = MetricFamily::default();
    family.set_name(desc.fq_name.clone());
    family.set_help(desc.help.clone());
    family.set_field_type(metric_type);
    family.set_metric(metrics);
    family
}

/// A counter sample. `labels` must be in name order, as the exposition requires.
pub(crate) fn counter(labels: &[(&str, &str)], count: u64) -> Metric {
    let mut metric = Metric::from_label(label_pairs(labels));
    let mut counter = proto::Counter::default();
    #[allow(clippy::cast_precision_loss)]
    counter.set_value(count as f64);
    metric.set_counter(counter);
    metric
}

/// A gauge sample. `labels` must be in name order, as the exposition requires.
pub(crate) fn gauge(labels: &[(&str, &str)], value: u64) -> Metric {
    let mut metric = Metric::from_label(label_pairs(labels));
    let mut gauge = proto::Gauge::default();
    #[allow(clippy::cast_precision_loss)]
    gauge.set_value(value as f64);
    metric.set_gauge(gauge);
    metric
}

/// A histogram sample from per-bucket (not cumulative) counts over `bounds`,
/// the total `count` and the `sum` in seconds. `labels` must be in name order.
pub(crate) fn histogram(
    labels: &[(&str, &str)],
    bounds: &[f64],
    per_bucket: &[u64],
    count: u64,
    sum: f64,
) -> Metric {
    let mut histogram = proto::Histogram::default();
    histogram.set_sample_count(count);
    histogram.set_sample_sum(sum);
    let mut cumulative = 0;
    histogram.set_bucket(
        bounds
            .iter()
            .enumerate()
            .map(|(index, &bound)| {
                cumulative += per_bucket.get(index).copied().unwrap_or(0);
                let mut bucket = proto::Bucket::default();
                bucket.set_upper_bound(bound);
                bucket.set_cumulative_count(cumulative);
                bucket
            })
            .collect(),
    );
    let mut metric = Metric::from_label(label_pairs(labels));
    metric.set_histogram(histogram);
    metric
}

fn label_pairs(pairs: &[(&str, &str)]) -> Vec<LabelPair> {
    pairs
        .iter()
        .map(|(name, value)| {
            let mut pair = LabelPair::default();
            pair.set_name((*name).to_owned());
            pair.set_value((*value).to_owned());
            pair
        })
        .collect()
}

/// The description of a family named `name` with `labels`.
pub(crate) fn desc(name: String, help: String, labels: &[&str]) -> Desc {
    let labels = labels.iter().map(|&label| label.to_owned()).collect();
    valid(Desc::new(name, help, labels, HashMap::new()))
}

/// Prometheus only rejects a family for an invalid name, empty help or bad
/// label names; ours are checked before this point (module names are
/// validated, help and labels are fixed), so this cannot fail.
pub(crate) fn valid<T>(family: prometheus::Result<T>) -> T {
    match family {
        Ok(family) => family,
        Err(error) => unreachable!("rustok-metrics built an invalid family: {error}"),
    }
}
