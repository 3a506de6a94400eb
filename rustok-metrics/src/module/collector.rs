//! Rendering a module: its call sites' counts plus what was recorded by hand
//! into its families, one series per label set.

use std::borrow::Cow;
use std::collections::BTreeMap;

use prometheus::core::{Collector, Desc};
use prometheus::proto::{Metric, MetricFamily, MetricType};

use super::families::ModuleMetrics;
use crate::outcome::Status;
use crate::proto::{self, family};
use crate::record::Snapshot;

type Label = Cow<'static, str>;

/// The registry's view of one module.
pub(super) struct ModuleCollector {
    module: &'static ModuleMetrics,
}

impl ModuleCollector {
    pub(super) fn new(module: &'static ModuleMetrics) -> Self {
        ModuleCollector { module }
    }
}

impl Collector for ModuleCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.module.descs().to_vec()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        collect(self.module)
    }
}

/// Everything recorded under one `(operation, kind)`.
#[derive(Default)]
struct Totals {
    /// What the call sites recorded; the tags are error kinds.
    sites: Snapshot,
    /// Counted by hand, by status of ours (in `Status::ALL` order).
    hand_statuses: [u64; 4],
    /// Counted by hand under a `status` none of ours is.
    other_statuses: BTreeMap<String, u64>,
    /// Observed by hand: per-bucket counts, count, sum in seconds.
    hand_durations: (Vec<u64>, u64, f64),
}

/// The module's families, as the registry gathers them.
///
/// Samples come out in the order the registry sorts them into (by label
/// values, labels in name order: `error_kind`, `kind`, `operation`,
/// `status`), so its sort has nothing left to do: that sort dominated the
/// render time otherwise.
pub(super) fn collect(module: &ModuleMetrics) -> Vec<MetricFamily> {
    // Keyed (kind, operation), the order of the labels' names.
    let mut series: BTreeMap<(Label, Label), Totals> = BTreeMap::new();
    // Sites that share labels (two functions with one `op`) add up.
    for site in module.sites() {
        let operation = site.operation().operation();
        site.for_each_kind(|kind, recorder| {
            let totals = series.entry((kind.into(), operation.into())).or_default();
            if let Some(recorder) = recorder {
                recorder.add_to(&mut totals.sites);
            }
        });
    }
    add_recorded_by_hand(module, &mut series);

    let bounds = module.bounds();
    let mut calls = Vec::new();
    let mut labelled_errors = Vec::new();
    let mut durations = Vec::new();
    let mut in_flight = Vec::new();
    for ((kind, operation), totals) in series {
        // A call site tags only errors, with their error kind (`Outcome`
        // has no other tag), so every other status is untagged.
        let mut statuses: Vec<(&str, u64)> = Status::ALL
            .iter()
            .zip(totals.hand_statuses)
            .map(|(status, by_hand)| {
                (
                    status.as_str(),
                    totals.sites.untagged(status.end()) + by_hand,
                )
            })
            .chain(
                totals
                    .other_statuses
                    .iter()
                    .map(|(status, count)| (status.as_str(), *count)),
            )
            .collect();
        statuses.sort_unstable_by_key(|(status, _)| *status);
        for (status, count) in statuses {
            calls.push(counter(&operation, &kind, status, "", count));
        }
        for &(end, error_kind, errors) in &totals.sites.tagged {
            let status = Status::of(end).as_str();
            labelled_errors.push((
                error_kind,
                counter(&operation, &kind, status, error_kind, errors),
            ));
        }
        durations.push(histogram(&operation, &kind, bounds, &totals));
        in_flight.push(proto::gauge(
            &[("kind", &kind), ("operation", &operation)],
            totals.sites.in_flight(),
        ));
    }
    // `error_kind` sorts first: the labelled errors follow all the rest.
    labelled_errors.sort_by_key(|(error_kind, _)| *error_kind);
    calls.extend(labelled_errors.into_iter().map(|(_, metric)| metric));
    let [operations_desc, durations_desc, in_flight_desc] = module.descs();
    vec![
        family(operations_desc, MetricType::COUNTER, calls),
        family(durations_desc, MetricType::HISTOGRAM, durations),
        family(in_flight_desc, MetricType::GAUGE, in_flight),
    ]
}

fn add_recorded_by_hand(module: &ModuleMetrics, series: &mut BTreeMap<(Label, Label), Totals>) {
    for ([operation, kind, status], count) in module.operations_total().snapshot() {
        let totals = series.entry((kind.into(), operation.into())).or_default();
        match Status::ALL
            .iter()
            .position(|known| known.as_str() == status)
        {
            Some(index) => totals.hand_statuses[index] += count,
            None => *totals.other_statuses.entry(status).or_default() += count,
        }
    }
    for ([operation, kind], observed) in module.operation_duration_seconds().snapshot() {
        let (buckets, count, sum) = &mut series
            .entry((kind.into(), operation.into()))
            .or_default()
            .hand_durations;
        add_buckets(buckets, &observed.buckets);
        *count += observed.count;
        *sum += observed.sum_seconds;
    }
}

fn counter(operation: &str, kind: &str, status: &str, error_kind: &str, count: u64) -> Metric {
    proto::counter(
        &[
            ("error_kind", error_kind),
            ("kind", kind),
            ("operation", operation),
            ("status", status),
        ],
        count,
    )
}

fn add_buckets(into: &mut Vec<u64>, buckets: &[u64]) {
    into.resize(into.len().max(buckets.len()), 0);
    for (total, count) in into.iter_mut().zip(buckets) {
        *total += count;
    }
}

/// The duration series. For call sites `_count` is the number of calls
/// however they ended, so it always matches the statuses in a render;
/// durations observed by hand add their own count.
fn histogram(operation: &str, kind: &str, bounds: &[f64], totals: &Totals) -> Metric {
    let (hand_buckets, hand_count, hand_sum) = &totals.hand_durations;
    let mut per_bucket = totals.sites.buckets.clone();
    add_buckets(&mut per_bucket, hand_buckets);
    proto::histogram(
        &[("kind", kind), ("operation", operation)],
        bounds,
        &per_bucket,
        totals.sites.total() + hand_count,
        totals.sites.sum_seconds() + hand_sum,
    )
}
