//! Our families as `prometheus` objects, for code that reads the registry
//! through `prometheus` (`registry().gather()`, [`ModuleMetrics::collect`](crate::ModuleMetrics::collect)):
//! a [`Sink`] that builds `MetricFamily` values. Also the descriptions that
//! claim our names in the registry.

use std::collections::HashMap;

use prometheus::core::Desc;
use prometheus::proto::{self, LabelPair, Metric, MetricFamily, MetricType};

use crate::model::{FamilyType, Head, Histogram, Labels, Scalar, Sink, Summary};

/// Collects what is written into it as `prometheus` families.
#[derive(Default)]
pub(crate) struct ProtoSink {
    families: Vec<MetricFamily>,
    family_type: Option<FamilyType>,
}

impl ProtoSink {
    pub(crate) fn into_families(self) -> Vec<MetricFamily> {
        self.families
    }

    fn push(&mut self, labels: Labels<'_>, fill: impl FnOnce(&mut Metric)) {
        let mut metric = Metric::from_label(label_pairs(labels));
        fill(&mut metric);
        if let Some(family) = self.families.last_mut() {
            family.mut_metric().push(metric);
        }
    }
}

impl Sink for ProtoSink {
    fn begin_family(&mut self, head: &Head<'_>) {
        let mut family = MetricFamily::default();
        family.set_name(head.name.to_owned());
        family.set_help(head.help.to_owned());
        family.set_field_type(match head.family_type {
            FamilyType::Counter => MetricType::COUNTER,
            FamilyType::Gauge => MetricType::GAUGE,
            FamilyType::Histogram => MetricType::HISTOGRAM,
            FamilyType::Summary => MetricType::SUMMARY,
            FamilyType::Untyped => MetricType::UNTYPED,
        });
        self.family_type = Some(head.family_type);
        self.families.push(family);
    }

    fn scalar(&mut self, labels: Labels<'_>, sample: &Scalar) {
        let value = sample.value.as_f64();
        let family_type = self.family_type;
        self.push(labels, |metric| {
            if let Some(ms) = sample.timestamp_ms {
                metric.set_timestamp_ms(ms);
            }
            if family_type == Some(FamilyType::Counter) {
                let mut counter = proto::Counter::default();
                counter.set_value(value);
                metric.set_counter(counter);
            } else {
                let mut gauge = proto::Gauge::default();
                gauge.set_value(value);
                metric.set_gauge(gauge);
            }
        });
    }

    fn histogram(&mut self, labels: Labels<'_>, histogram: &Histogram<'_>) {
        let mut built = proto::Histogram::default();
        built.set_sample_count(histogram.count);
        built.set_sample_sum(histogram.sum.as_f64());
        built.set_bucket(
            histogram
                .bounds
                .values()
                .iter()
                .zip(histogram.cumulative)
                .map(|(&bound, &count)| {
                    let mut bucket = proto::Bucket::default();
                    bucket.set_upper_bound(bound);
                    bucket.set_cumulative_count(count);
                    bucket
                })
                .collect(),
        );
        self.push(labels, |metric| {
            if let Some(ms) = histogram.timestamp_ms {
                metric.set_timestamp_ms(ms);
            }
            metric.set_histogram(built);
        });
    }

    fn summary(&mut self, labels: Labels<'_>, summary: &Summary<'_>) {
        let mut built = proto::Summary::default();
        built.set_sample_count(summary.count);
        built.set_sample_sum(summary.sum);
        built.set_quantile(
            summary
                .quantiles
                .iter()
                .map(|&(q, value)| {
                    let mut quantile = proto::Quantile::default();
                    quantile.set_quantile(q);
                    quantile.set_value(value);
                    quantile
                })
                .collect(),
        );
        self.push(labels, |metric| {
            if let Some(ms) = summary.timestamp_ms {
                metric.set_timestamp_ms(ms);
            }
            metric.set_summary(built);
        });
    }

    fn end_family(&mut self) {
        self.family_type = None;
    }
}

fn label_pairs(labels: Labels<'_>) -> Vec<LabelPair> {
    labels
        .pairs()
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
