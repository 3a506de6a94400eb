//! Writing a module: its call sites' counts plus what was recorded by hand
//! into its families, one series per label set, from one read of each
//! recorder, into any encoder.

use std::borrow::Cow;
use std::collections::BTreeMap;

use prometheus::core::Desc;

use super::families::ModuleMetrics;
use crate::model::{FamilyType, Head, Histogram, Scalar, Sink, Value};
use crate::outcome::Status;
use crate::proto::ProtoSink;
use crate::record::Snapshot;
use crate::registry::OwnFamily;
use crate::trace::Exemplar;

type Label = Cow<'static, str>;

/// The registry's view of one module.
pub(super) struct ModuleFamilies {
    module: &'static ModuleMetrics,
}

impl ModuleFamilies {
    pub(super) fn new(module: &'static ModuleMetrics) -> Self {
        ModuleFamilies { module }
    }
}

impl OwnFamily for ModuleFamilies {
    fn descs(&self) -> Vec<&Desc> {
        let [operations, durations, in_flight] = self.module.descs();
        vec![durations, in_flight, operations]
    }

    fn write(&self, sink: &mut dyn Sink) {
        write(self.module, sink, true);
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
    /// Durations observed by hand, recorded as the call sites' are.
    observed: Snapshot,
}

/// Writes the module's families, `..._operations_total`,
/// `..._operation_duration_seconds` (the order [`ModuleMetrics::collect`]
/// has always returned them in), then `..._operations_in_flight`; with `skip_empty`, nothing when the module
/// has no series yet, as a render of `prometheus` families leaves them out.
///
/// Samples come out sorted by label values, labels in name order
/// (`error_kind`, `kind`, `operation`, `status`), as `prometheus` sorts them.
pub(super) fn write(module: &ModuleMetrics, sink: &mut dyn Sink, skip_empty: bool) {
    // Keyed (kind, operation), the order of the labels' names.
    let mut series: BTreeMap<(Label, Label), Totals> = BTreeMap::new();
    let with_native = sink.wants_native() && module.native_layout().is_some();
    // Sites that share labels (two functions with one `op`) add up.
    for site in module.sites() {
        let operation = site.operation().operation();
        site.for_each_kind(|kind, recorder| {
            let totals = series.entry((kind.into(), operation.into())).or_default();
            if let Some(recorder) = recorder {
                recorder.add_to(&mut totals.sites, with_native);
            }
        });
    }
    add_recorded_by_hand(module, &mut series, with_native);
    if skip_empty && series.is_empty() {
        return;
    }

    let [operations_desc, durations_desc, in_flight_desc] = module.descs();
    let bounds = module.labelled_bounds();
    sink.begin_family(&Head {
        name: &operations_desc.fq_name,
        help: &operations_desc.help,
        family_type: FamilyType::Counter,
        unit: "",
    });
    let mut labelled_errors = Vec::new();
    // (label, count, the status it counts, for its exemplar)
    let mut statuses: Vec<(&str, u64, Option<Status>)> = Vec::new();
    for ((kind, operation), totals) in &series {
        // A call site tags only errors, with their error kind (`Outcome`
        // has no other tag), so every other status is untagged.
        statuses.clear();
        statuses.extend(
            Status::ALL
                .iter()
                .zip(totals.hand_statuses)
                .map(|(&status, by_hand)| {
                    (
                        status.as_str(),
                        totals.sites.untagged(status) + by_hand,
                        Some(status),
                    )
                }),
        );
        statuses.extend(
            totals
                .other_statuses
                .iter()
                .map(|(status, count)| (status.as_str(), *count, None)),
        );
        statuses.sort_unstable_by_key(|(status, _, _)| *status);
        for &(label, count, status) in &statuses {
            let exemplar = status.and_then(|status| totals.sites.exemplar(status, None));
            counter(sink, ["", kind, operation, label], count, exemplar);
        }
        for &(status, error_kind, errors) in &totals.sites.tagged {
            let exemplar = totals.sites.exemplar(status, Some(error_kind));
            labelled_errors.push((
                [error_kind, kind, operation, status.as_str()],
                errors,
                exemplar,
            ));
        }
    }
    // `error_kind` sorts first: the labelled errors follow all the rest.
    labelled_errors.sort_unstable_by_key(|(labels, _, _)| *labels);
    for (labels, errors, exemplar) in labelled_errors {
        counter(sink, labels, errors, exemplar);
    }
    sink.end_family();

    sink.begin_family(&Head {
        name: &durations_desc.fq_name,
        help: &durations_desc.help,
        family_type: FamilyType::Histogram,
        unit: "seconds",
    });
    let mut cumulative = Vec::with_capacity(bounds.len());
    for ((kind, operation), totals) in &series {
        // For call sites `_count` is the number of calls however they
        // ended, so it always matches the statuses in a render; durations
        // observed by hand add theirs.
        let durations = if totals.observed.total() == 0 {
            Cow::Borrowed(&totals.sites)
        } else {
            let mut both = totals.sites.clone();
            both.add_durations(&totals.observed);
            Cow::Owned(both)
        };
        let native = module
            .native_layout()
            .filter(|_| with_native)
            .map(|layout| layout.buckets(&durations.native));
        cumulative.clear();
        let mut running = 0;
        for index in 0..bounds.len() {
            running += durations.buckets.get(index).copied().unwrap_or(0);
            cumulative.push(running);
        }
        sink.histogram(
            &[("kind", kind), ("operation", operation)],
            &Histogram {
                bounds,
                cumulative: &cumulative,
                count: durations.total(),
                sum: durations.sum_seconds(),
                timestamp_ms: None,
                exemplars: &durations.bucket_exemplars,
                native: native.as_ref(),
            },
        );
    }
    sink.end_family();

    sink.begin_family(&Head {
        name: &in_flight_desc.fq_name,
        help: &in_flight_desc.help,
        family_type: FamilyType::Gauge,
        unit: "",
    });
    for ((kind, operation), totals) in &series {
        sink.scalar(
            &[("kind", kind), ("operation", operation)],
            &Scalar {
                value: Value::Count(totals.sites.in_flight()),
                timestamp_ms: None,
                exemplar: None,
            },
        );
    }
    sink.end_family();
}

/// One sample of `..._operations_total`; `labels` are the values of
/// `error_kind`, `kind`, `operation` and `status`.
fn counter(sink: &mut dyn Sink, labels: [&str; 4], count: u64, exemplar: Option<Exemplar>) {
    let [error_kind, kind, operation, status] = labels;
    sink.scalar(
        &[
            ("error_kind", error_kind),
            ("kind", kind),
            ("operation", operation),
            ("status", status),
        ],
        &Scalar {
            value: Value::Count(count),
            timestamp_ms: None,
            exemplar,
        },
    );
}

fn add_recorded_by_hand(
    module: &ModuleMetrics,
    series: &mut BTreeMap<(Label, Label), Totals>,
    with_native: bool,
) {
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
    for ([operation, kind], recorder) in module.operation_duration_seconds().recorders() {
        let totals = series.entry((kind.into(), operation.into())).or_default();
        recorder.add_to(&mut totals.observed, with_native);
    }
}

impl ModuleMetrics {
    /// This module's families as the registry gathers them: every call
    /// site's counts plus what was recorded by hand, one series per label
    /// set. For rendering one module alone; [`render_metrics`](crate::render_metrics)
    /// includes it.
    ///
    /// ```
    /// let families = rustok_metrics::by_hand::module_metrics("docs_collect")?.collect();
    /// assert_eq!(families[0].name(), "rustok_docs_collect_operations_total");
    /// # Ok::<(), rustok_metrics::TelemetryError>(())
    /// ```
    #[must_use]
    pub fn collect(&self) -> Vec<prometheus::proto::MetricFamily> {
        let mut sink = ProtoSink::default();
        write(self, &mut sink, false);
        sink.into_families()
    }

    /// Writes this module's families into `sink`, from one read of its
    /// recorders, both even when they have no series yet.
    pub(crate) fn write(&self, sink: &mut dyn crate::model::Sink) {
        write(self, sink, false);
    }
}
