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

/// The module's two families, as the registry gathers them.
pub(crate) fn collect(module: &ModuleMetrics) -> Vec<MetricFamily> {
    let mut calls = BTreeMap::new();
    let mut durations = BTreeMap::new();
    add_call_sites(module, &mut calls, &mut durations);
    add_recorded_by_hand(module, &mut calls, &mut durations);

    let bounds = module.bounds();
    let calls = calls
        .into_iter()
        .map(|((operation, kind, status), count)| {
            let mut metric = Metric::from_label(labels(&[
                ("kind", &kind),
                ("operation", &operation),
                ("status", &status),
            ]));
            let mut counter = proto::Counter::default();
            #[allow(clippy::cast_precision_loss)]
            counter.set_value(count as f64);
            metric.set_counter(counter);
            metric
        })
        .collect();
    let durations = durations
        .into_iter()
        .map(|((operation, kind), series)| series.metric(&operation, &kind, bounds))
        .collect();
    vec![
        family(module.operations_total(), MetricType::COUNTER, calls),
        family(
            module.operation_duration_seconds(),
            MetricType::HISTOGRAM,
            durations,
        ),
    ]
}

type Calls = BTreeMap<(Label, Label, Label), u64>;
type DurationSeries = BTreeMap<(Label, Label), Durations>;

/// Sites that share labels (two functions with one `op`) add up.
fn add_call_sites(module: &ModuleMetrics, calls: &mut Calls, durations: &mut DurationSeries) {
    let mut by_labels: BTreeMap<(&'static str, &'static str), Snapshot> = BTreeMap::new();
    for site in module.sites() {
        site.add_to(by_labels.entry(site.labels()).or_default());
    }
    for ((operation, kind), snapshot) in by_labels {
        for (status, count) in Status::ALL.iter().zip(snapshot.by_status) {
            let key = (operation.into(), kind.into(), status.as_str().into());
            *calls.entry(key).or_default() += count;
        }
        durations
            .entry((operation.into(), kind.into()))
            .or_default()
            .add_snapshot(&snapshot);
    }
}

/// What code wrote into the module's `prometheus` families directly.
fn add_recorded_by_hand(module: &ModuleMetrics, calls: &mut Calls, durations: &mut DurationSeries) {
    for family in module.operations_total().collect() {
        for metric in family.get_metric() {
            let key = (
                label(metric, "operation"),
                label(metric, "kind"),
                label(metric, "status"),
            );
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let count = metric.get_counter().get_value() as u64;
            *calls.entry(key).or_default() += count;
        }
    }
    for family in module.operation_duration_seconds().collect() {
        for metric in family.get_metric() {
            let key = (label(metric, "operation"), label(metric, "kind"));
            durations
                .entry(key)
                .or_default()
                .add_histogram(metric.get_histogram());
        }
    }
}

/// One duration series, bucket counts cumulative as in the exposition.
#[derive(Default)]
struct Durations {
    cumulative: Vec<u64>,
    count: u64,
    sum_seconds: f64,
}

impl Durations {
    fn add_snapshot(&mut self, snapshot: &Snapshot) {
        self.cumulative.resize(snapshot.buckets.len(), 0);
        let mut running = 0;
        for (total, count) in self.cumulative.iter_mut().zip(&snapshot.buckets) {
            running += count;
            *total += running;
        }
        self.count += snapshot.by_status.iter().sum::<u64>();
        #[allow(clippy::cast_precision_loss)]
        let seconds = snapshot.sum_nanos as f64 / 1e9;
        self.sum_seconds += seconds;
    }

    fn add_histogram(&mut self, histogram: &proto::Histogram) {
        let buckets = histogram.get_bucket();
        self.cumulative.resize(buckets.len(), 0);
        for (total, bucket) in self.cumulative.iter_mut().zip(buckets) {
            *total += bucket.cumulative_count();
        }
        self.count += histogram.get_sample_count();
        self.sum_seconds += histogram.get_sample_sum();
    }

    fn metric(self, operation: &str, kind: &str, bounds: &[f64]) -> Metric {
        let mut histogram = proto::Histogram::default();
        histogram.set_sample_count(self.count);
        histogram.set_sample_sum(self.sum_seconds);
        let mut cumulative = self.cumulative;
        cumulative.resize(bounds.len(), 0);
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
