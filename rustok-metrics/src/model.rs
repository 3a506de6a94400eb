//! The exposition's data model: what a family hands an encoder, whatever the
//! format. Families of ours write themselves into a [`Sink`] from one read
//! of their recorders; families other collectors gather (process metrics, a
//! user's own) are translated from `prometheus::proto` (`render::foreign`).
//!
//! Samples are structs rather than arguments, so an exemplar on a counter
//! or a bucket and the native-histogram fields are fields that the formats
//! without them ignore.

use crate::label_text;
use crate::record::NativeBuckets;
use crate::trace::Exemplar;

/// What a family is, as every format names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FamilyType {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
}

/// A family's metadata, written once before its samples.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Head<'a> {
    /// As in the 0.0.4 text format: a counter's name ends in `_total` when
    /// its samples' names do.
    pub(crate) name: &'a str,
    pub(crate) help: &'a str,
    pub(crate) family_type: FamilyType,
    /// The unit the name ends with (`seconds`), or `""`. Only OpenMetrics
    /// writes it, so only set it when the name really ends in `_<unit>`.
    pub(crate) unit: &'a str,
}

/// A sample's label pairs, in the order they are written (name order, for
/// ours), and, when the family keeps it, how the text formats write them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Labels<'a> {
    pairs: &'a [(&'a str, &'a str)],
    text: Option<&'a str>,
}

impl<'a> Labels<'a> {
    /// `pairs`, written out by each encoder.
    pub(crate) fn new(pairs: &'a [(&'a str, &'a str)]) -> Self {
        Labels { pairs, text: None }
    }

    /// `pairs` with their `text`: each `name="value"` as
    /// [`label_text::write_pair`] writes it, joined by `,`. A family that
    /// writes its label sets once, when it first sees them, saves the text
    /// encoders escaping them again at every line of every render.
    pub(crate) fn with_text(pairs: &'a [(&'a str, &'a str)], text: &'a str) -> Self {
        debug_assert_eq!(text, text_of(pairs), "labels and their text differ");
        Labels {
            pairs,
            text: Some(text),
        }
    }

    pub(crate) fn pairs(&self) -> &'a [(&'a str, &'a str)] {
        self.pairs
    }

    /// The pairs as the text formats write them, when the family kept it.
    pub(crate) fn text(&self) -> Option<&'a str> {
        self.text
    }
}

/// What [`Labels::with_text`] expects as the text of `pairs`.
fn text_of(pairs: &[(&str, &str)]) -> String {
    let mut text = String::new();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        label_text::write_pair(&mut text, name, value);
    }
    text
}

/// A sample value: counts of ours are exact integers, others' are floats.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value {
    Count(u64),
    /// A duration in whole nanoseconds, exposed in seconds (the sum of one
    /// of our histograms): the text formats write it from the integer, the
    /// same text as the float's, without finding the nanoseconds again.
    Nanos(u64),
    Float(f64),
}

impl Value {
    #[allow(clippy::cast_precision_loss)]
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Value::Count(count) => count as f64,
            Value::Nanos(nanos) => nanos as f64 / 1e9,
            Value::Float(value) => value,
        }
    }
}

/// One sample of a counter, a gauge or an untyped family.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scalar {
    pub(crate) value: Value,
    /// Milliseconds since the epoch; ours never have one.
    pub(crate) timestamp_ms: Option<i64>,
    /// The latest call counted here that ran in a trace (counters only).
    pub(crate) exemplar: Option<Exemplar>,
}

/// Finite bucket upper bounds with their `le` label values, formatted once
/// per family layout rather than once per sample.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bounds {
    values: Box<[f64]>,
    /// Each `le` value followed by `"} `: what a text `_bucket` line has
    /// between its labels and its count.
    line_ends: Box<[String]>,
}

impl Bounds {
    /// `values` ascending, finite. The labels are what the 0.0.4 text
    /// encoder of `prometheus` writes (`0.005`, `1`), so a series keeps its
    /// `le` when its target moves between text formats.
    pub(crate) fn new(values: &[f64]) -> Self {
        Bounds {
            values: values.into(),
            line_ends: values.iter().map(|value| format!("{value}\"}} ")).collect(),
        }
    }

    pub(crate) fn values(&self) -> &[f64] {
        &self.values
    }

    /// Each bound's `le` value followed by `"} `.
    pub(crate) fn line_ends(&self) -> &[String] {
        &self.line_ends
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

/// One classic histogram.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Histogram<'a> {
    pub(crate) bounds: &'a Bounds,
    /// Cumulative counts, one per finite bound; `+Inf` is `count`.
    pub(crate) cumulative: &'a [u64],
    pub(crate) count: u64,
    pub(crate) sum: Value,
    pub(crate) timestamp_ms: Option<i64>,
    /// The latest exemplar per bucket, `+Inf` last; empty when none.
    pub(crate) exemplars: &'a [Option<Exemplar>],
    /// The same observations in exponential buckets, if recorded.
    pub(crate) native: Option<&'a NativeBuckets>,
}

/// One summary (only other collectors have them).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Summary<'a> {
    /// (quantile, value) pairs.
    pub(crate) quantiles: &'a [(f64, f64)],
    pub(crate) count: u64,
    pub(crate) sum: f64,
    pub(crate) timestamp_ms: Option<i64>,
}

/// Where families are written: an encoder of one format.
///
/// Calls come as `begin_family`, that family's samples (of its kind), then
/// `end_family`; families never nest, and a name comes at most once.
pub(crate) trait Sink {
    fn begin_family(&mut self, head: &Head<'_>);
    /// A sample of a counter, gauge or untyped family.
    fn scalar(&mut self, labels: Labels<'_>, sample: &Scalar);
    /// Samples of a counter, gauge or untyped family whose labels are
    /// `labels` and then `last`, each with its own value of it: an
    /// encoder may write the shared labels once.
    fn scalars(&mut self, labels: Labels<'_>, last: &str, samples: &[(&str, Scalar)]) {
        // Room for the labels of ours without allocating.
        let mut all = [("", ""); 8];
        let mut spilled = Vec::new();
        let labels = labels.pairs();
        let all: &mut [(&str, &str)] = if labels.len() < all.len() {
            all[..labels.len()].copy_from_slice(labels);
            &mut all[..=labels.len()]
        } else {
            spilled.extend_from_slice(labels);
            spilled.push(("", ""));
            &mut spilled
        };
        for (value, sample) in samples {
            if let Some(slot) = all.last_mut() {
                *slot = (last, value);
            }
            self.scalar(Labels::new(all), sample);
        }
    }
    fn histogram(&mut self, labels: Labels<'_>, histogram: &Histogram<'_>);
    fn summary(&mut self, labels: Labels<'_>, summary: &Summary<'_>);
    fn end_family(&mut self);
    /// Whether it writes native buckets: reading them costs a pass over
    /// every series' exponential counters, for nothing in the text formats.
    fn wants_native(&self) -> bool {
        false
    }
}
