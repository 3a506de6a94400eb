//! Writing a module: its call sites' counts plus what was recorded by hand
//! into its families, one series per label set, from one read of each
//! recorder, into any encoder.

use prometheus::core::Desc;

use super::families::ModuleMetrics;
use super::label_set::pairs;
use super::series::{Readings, Series};
use crate::model::{FamilyType, Head, Histogram, Labels, Scalar, Sink, Value};
use crate::outcome::Status;
use crate::proto::ProtoSink;
use crate::registry::OwnFamily;
use crate::trace::Exemplar;

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

/// Writes the module's families, `..._operations_total`,
/// `..._operation_duration_seconds` (the order [`ModuleMetrics::collect`]
/// has always returned them in), then `..._operations_in_flight`; with `skip_empty`, nothing when the module
/// has no series yet, as a render of `prometheus` families leaves them out.
///
/// Samples come out sorted by label values, labels in name order
/// (`error_kind`, `kind`, `operation`, `status`), as `prometheus` sorts them.
pub(super) fn write(module: &ModuleMetrics, sink: &mut dyn Sink, skip_empty: bool) {
    let with_native = sink.wants_native() && module.native_layout().is_some();
    let readings = Readings::read(module, with_native);
    if skip_empty && readings.is_empty() {
        return;
    }
    let [operations_desc, durations_desc, in_flight_desc] = module.descs();

    sink.begin_family(&Head {
        name: &operations_desc.fq_name,
        help: &operations_desc.help,
        family_type: FamilyType::Counter,
        unit: "",
    });
    let mut labelled_errors = Vec::new();
    for series in readings.series() {
        let (kind, operation) = readings.labels(series);
        let labels = pairs(kind, operation);
        statuses(
            sink,
            series,
            Labels::with_text(&labels, readings.label_text(series, 0)),
        );
        for &(status, error_kind, errors) in series.tagged() {
            let exemplar = series.exemplar(status, Some(error_kind));
            labelled_errors.push((
                [error_kind, kind, operation, status.as_str()],
                errors,
                exemplar,
            ));
        }
    }
    // `error_kind` sorts first: the labelled errors follow all the rest.
    labelled_errors.sort_unstable_by_key(|(labels, _, _)| *labels);
    for ([error_kind, kind, operation, status], errors, exemplar) in labelled_errors {
        sink.scalar(
            Labels::new(&[
                ("error_kind", error_kind),
                ("kind", kind),
                ("operation", operation),
                ("status", status),
            ]),
            &count(errors, exemplar),
        );
    }
    sink.end_family();

    sink.begin_family(&Head {
        name: &durations_desc.fq_name,
        help: &durations_desc.help,
        family_type: FamilyType::Histogram,
        unit: "seconds",
    });
    let bounds = module.labelled_bounds();
    for series in readings.series() {
        let (kind, operation) = readings.labels(series);
        let labels = pairs(kind, operation);
        sink.histogram(
            Labels::with_text(&labels[1..], readings.label_text(series, 1)),
            &Histogram {
                bounds,
                cumulative: readings.cumulative(series),
                count: series.count,
                sum: Value::Nanos(series.sum_nanos),
                timestamp_ms: None,
                exemplars: series.bucket_exemplars(),
                native: series.native(),
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
    for series in readings.series() {
        let (kind, operation) = readings.labels(series);
        let labels = pairs(kind, operation);
        sink.scalar(
            Labels::with_text(&labels[1..], readings.label_text(series, 1)),
            &count(series.in_flight, None),
        );
    }
    sink.end_family();
}

/// Our statuses in the order their labels sort.
const STATUSES_SORTED: [Status; Status::COUNT] = [
    Status::Cancelled,
    Status::Error,
    Status::Panic,
    Status::Success,
];

/// The untagged samples of `..._operations_total` of one series (`labels`:
/// [`pairs`]), one per status, sorted by status (a call site tags only
/// errors, with their error kind, so every other status is untagged).
fn statuses(sink: &mut dyn Sink, series: &Series, labels: Labels<'_>) {
    let ours = STATUSES_SORTED.map(|status| {
        let untagged = series.untagged[status.index()];
        let exemplar = series.exemplar(status, None);
        (status.as_str(), count(untagged, exemplar))
    });
    if series.other_statuses().is_empty() {
        sink.scalars(labels, "status", &ours);
        return;
    }
    let mut all: Vec<(&str, Scalar)> = ours.to_vec();
    all.extend(
        series
            .other_statuses()
            .iter()
            .map(|(status, calls)| (status.as_str(), count(*calls, None))),
    );
    all.sort_by_key(|(status, _)| *status);
    sink.scalars(labels, "status", &all);
}

/// A count as a sample.
fn count(calls: u64, exemplar: Option<Exemplar>) -> Scalar {
    Scalar {
        value: Value::Count(calls),
        timestamp_ms: None,
        exemplar,
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

#[cfg(test)]
mod tests {
    use super::STATUSES_SORTED;
    use crate::outcome::Status;

    #[test]
    fn statuses_sorted_are_every_status_in_label_order() {
        let mut all = Status::ALL;
        all.sort_by_key(|status| status.as_str());
        assert_eq!(STATUSES_SORTED, all);
    }
}
