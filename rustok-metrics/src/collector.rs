//! Rendering a module: its call sites' counts plus whatever was recorded by
//! hand into its `prometheus` families, one series per label set.

use std::borrow::Cow;
use std::collections::BTreeMap;

use prometheus::core::{Collector, Desc};
use prometheus::proto::{self, LabelPair, Metric, MetricFamily, MetricType};

use crate::Status;
use crate::module::ModuleMetrics;
use crate::recorder::Snapshot;

type Label = Cow<'static, str>;

/// The registry's view of one module.
pub(crate) struct ModuleCollector {
    module: &'static ModuleMetrics,
}

impl ModuleCollector {
    pub(crate) fn new(module: &'static ModuleMetrics) -> Self {
        ModuleCollector { module }
    }
}

impl Collector for ModuleCollector {
    fn desc(&self) -> Vec<&Desc> {
        let mut descs = self.module.operations_total().desc();
        descs.extend(self.module.operation_duration_seconds().desc());
        descs
    }

    fn collect(&self) -> Vec<MetricFamily> {
        collect(self.module)
    }
}

/// Everything recorded under one `(operation, kind)`.
#[derive(Default)]
struct Totals {
    /// What the call sites recorded.
    snapshot: Snapshot,
    /// Counts recorded by hand into the counter family, per status.
    hand_statuses: [u64; 4],
    /// Counts recorded by hand under a `status` none of ours is.
    other_statuses: BTreeMap<String, u64>,
    /// Recorded by hand into the histogram family: cumulative buckets, count, sum.
    hand_histogram: Option<(Vec<u64>, u64, f64)>,
}

/// The module's two families, as the registry gathers them.
pub(crate) fn collect(module: &ModuleMetrics) -> Vec<MetricFamily> {
    let mut series: BTreeMap<(Label, Label), Totals> = BTreeMap::new();
    // Sites that share labels (two functions with one `op`) add up.
    for site in module.sites() {
        let (operation, kind) = site.labels();
        let totals = series.entry((operation.into(), kind.into())).or_default();
        site.add_to(&mut totals.snapshot);
    }
    add_recorded_by_hand(module, &mut series);

    let bounds = module.bounds();
    let mut calls = Vec::new();
    let mut durations = Vec::new();
    for ((operation, kind), totals) in series {
        for status in Status::ALL {
            let count =
                totals.snapshot.by_status[status.index()] + totals.hand_statuses[status.index()];
            calls.push(counter(&operation, &kind, status.as_str(), count));
        }
        for (status, count) in &totals.other_statuses {
            calls.push(counter(&operation, &kind, status, *count));
        }
        durations.push(histogram(&operation, &kind, bounds, &totals));
    }
    vec![
        family(module.operations_total(), MetricType::COUNTER, calls),
        family(
            module.operation_duration_seconds(),
            MetricType::HISTOGRAM,
            durations,
        ),
    ]
}

/// What code wrote into the module's `prometheus` families directly.
fn add_recorded_by_hand(module: &ModuleMetrics, series: &mut BTreeMap<(Label, Label), Totals>) {
    for family in module.operations_total().collect() {
        for metric in family.get_metric() {
            let key = (label(metric, "operation"), label(metric, "kind"));
            let totals = series.entry(key).or_default();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let count = metric.get_counter().get_value() as u64;
            let status = label(metric, "status");
            match Status::ALL.iter().find(|s| s.as_str() == status) {
                Some(known) => totals.hand_statuses[known.index()] += count,
                None => {
                    *totals
                        .other_statuses
                        .entry(status.into_owned())
                        .or_default() += count
                }
            }
        }
    }
    for family in module.operation_duration_seconds().collect() {
        for metric in family.get_metric() {
            let key = (label(metric, "operation"), label(metric, "kind"));
            let histogram = metric.get_histogram();
            let (buckets, count, sum) = series
                .entry(key)
                .or_default()
                .hand_histogram
                .get_or_insert_with(Default::default);
            buckets.resize(histogram.get_bucket().len(), 0);
            for (total, bucket) in buckets.iter_mut().zip(histogram.get_bucket()) {
                *total += bucket.cumulative_count();
            }
            *count += histogram.get_sample_count();
            *sum += histogram.get_sample_sum();
        }
    }
}

fn counter(operation: &str, kind: &str, status: &str, count: u64) -> Metric {
    let mut metric = Metric::from_label(labels(&[
        ("kind", kind),
        ("operation", operation),
        ("status", status),
    ]));
    let mut counter = proto::Counter::default();
    #[allow(clippy::cast_precision_loss)]
    counter.set_value(count as f64);
    metric.set_counter(counter);
    metric
}

/// The duration series, buckets cumulative. For call sites `_count` is the
/// sum of their status counts, so the two always match in a render; what was
/// recorded by hand adds its own histogram's count.
fn histogram(operation: &str, kind: &str, bounds: &[f64], totals: &Totals) -> Metric {
    let snapshot = &totals.snapshot;
    let mut count = snapshot.by_status.iter().sum::<u64>();
    #[allow(clippy::cast_precision_loss)]
    let mut sum = snapshot.sum_nanos as f64 / 1e9;
    let mut cumulative: Vec<u64> = snapshot
        .buckets
        .iter()
        .scan(0, |running, count| {
            *running += count;
            Some(*running)
        })
        .collect();
    cumulative.resize(bounds.len(), 0);
    if let Some((buckets, hand_count, hand_sum)) = &totals.hand_histogram {
        for (total, bucket) in cumulative.iter_mut().zip(buckets) {
            *total += bucket;
        }
        count += hand_count;
        sum += hand_sum;
    }
    let mut histogram = proto::Histogram::default();
    histogram.set_sample_count(count);
    histogram.set_sample_sum(sum);
    histogram.set_bucket(
        bounds
            .iter()
            .zip(cumulative)
            .map(|(&bound, count)| {
                let mut bucket = proto::Bucket::default();
                bucket.set_upper_bound(bound);
                bucket.set_cumulative_count(count);
                bucket
            })
            .collect(),
    );
    let mut metric = Metric::from_label(labels(&[("kind", kind), ("operation", operation)]));
    metric.set_histogram(histogram);
    metric
}

fn family(source: &impl Collector, kind: MetricType, metrics: Vec<Metric>) -> MetricFamily {
    let mut family = MetricFamily::default();
    if let Some(desc) = source.desc().first() {
        family.set_name(desc.fq_name.clone());
        family.set_help(desc.help.clone());
    }
    family.set_field_type(kind);
    family.set_metric(metrics);
    family
}

/// Label pairs, given in name order as the exposition requires.
fn labels(pairs: &[(&str, &str)]) -> Vec<LabelPair> {
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

fn label(metric: &Metric, name: &str) -> Label {
    metric
        .get_label()
        .iter()
        .find(|pair| pair.name() == name)
        .map_or(Cow::Borrowed(""), |pair| {
            Cow::Owned(pair.value().to_owned())
        })
}
