//! Families other collectors of the registry gather (the process metrics,
//! a user's own), translated into the model so every format writes them.

use prometheus::proto::{self, MetricFamily, MetricType};

use crate::model::{Bounds, FamilyType, Head, Histogram, Labels, Scalar, Sink, Summary, Value};

/// Writes `families` into `sink`, in their order.
///
/// Untyped families are left out: `prometheus` builds them only by hand,
/// its own text encoder refuses them, and their value cannot be read the
/// same way under both of its proto builds (with and without its
/// `protobuf` feature).
pub(super) fn write(families: &[MetricFamily], sink: &mut dyn Sink) {
    for family in families {
        let family_type = match family.get_field_type() {
            MetricType::COUNTER => FamilyType::Counter,
            MetricType::GAUGE => FamilyType::Gauge,
            MetricType::HISTOGRAM => FamilyType::Histogram,
            MetricType::SUMMARY => FamilyType::Summary,
            MetricType::UNTYPED => continue,
        };
        sink.begin_family(&Head {
            name: family.name(),
            help: family.help(),
            family_type,
            unit: "",
        });
        for metric in family.get_metric() {
            let labels: Vec<(&str, &str)> = metric
                .get_label()
                .iter()
                .map(|pair| (pair.name(), pair.value()))
                .collect();
            let timestamp_ms = Some(metric.timestamp_ms()).filter(|&ms| ms != 0);
            match family_type {
                FamilyType::Counter | FamilyType::Gauge | FamilyType::Untyped => {
                    let value = if family_type == FamilyType::Counter {
                        metric.get_counter().get_value()
                    } else {
                        metric.get_gauge().get_value()
                    };
                    let sample = Scalar {
                        value: Value::Float(value),
                        timestamp_ms,
                        exemplar: None,
                    };
                    sink.scalar(Labels::new(&labels), &sample);
                }
                FamilyType::Histogram => {
                    let histogram = metric.get_histogram();
                    let finite: Vec<_> = histogram
                        .get_bucket()
                        .iter()
                        .filter(|bucket| bucket.upper_bound().is_finite())
                        .collect();
                    let bounds: Vec<f64> = finite.iter().map(|b| b.upper_bound()).collect();
                    let cumulative: Vec<u64> =
                        finite.iter().map(|b| b.cumulative_count()).collect();
                    sink.histogram(
                        Labels::new(&labels),
                        &Histogram {
                            bounds: &Bounds::new(&bounds),
                            cumulative: &cumulative,
                            count: histogram.get_sample_count(),
                            sum: Value::Float(histogram.get_sample_sum()),
                            timestamp_ms,
                            exemplars: &[],
                            native: None,
                        },
                    );
                }
                FamilyType::Summary => {
                    let summary = metric.get_summary();
                    let quantiles: Vec<(f64, f64)> = summary
                        .get_quantile()
                        .iter()
                        .map(|quantile| (quantile.quantile(), quantile.value()))
                        .collect();
                    sink.summary(
                        Labels::new(&labels),
                        &Summary {
                            quantiles: &quantiles,
                            count: summary.sample_count(),
                            sum: summary.sample_sum(),
                            timestamp_ms,
                        },
                    );
                }
            }
        }
        sink.end_family();
    }
}

// A counter's or gauge's value is `get_value()` in `prometheus`' plain proto
// types and `value()` in those of its `protobuf` feature, which a user crate
// may turn on. Each trait supplies the name the build lacks from the name it
// has: inherent methods win, so `get_value()` below reaches the real getter
// in either build, and neither trait method calls itself.
#[allow(dead_code)] // unused in the plain build
trait GetValue {
    fn get_value(&self) -> f64;
}

#[allow(dead_code)] // unused in the `protobuf` build
trait ValueOf {
    fn value(&self) -> f64;
}

macro_rules! read_value_either_way {
    ($($proto:ty),*) => {$(
        impl GetValue for $proto {
            fn get_value(&self) -> f64 {
                self.value()
            }
        }

        impl ValueOf for $proto {
            fn value(&self) -> f64 {
                self.get_value()
            }
        }
    )*};
}

read_value_either_way!(proto::Counter, proto::Gauge);
