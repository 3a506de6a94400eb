//! The two text formats: Prometheus text 0.0.4 and OpenMetrics 1.0 text.
//!
//! They share the line grammar and differ in a few places, all here:
//!
//! | | 0.0.4 | OpenMetrics |
//! |---|---|---|
//! | counter family name | `x_total` | `x` (samples stay `x_total`) |
//! | `"` in HELP | as is | `\"` |
//! | `# UNIT` | never | when the family has one |
//! | untyped | `untyped` | `unknown` |
//! | histogram order | buckets, `_sum`, `_count` | buckets, `_count`, `_sum` |
//! | timestamps | milliseconds | seconds |
//! | exemplars | never | on `_bucket` and counter `_total` lines |
//! | end | nothing | `# EOF` |
//!
//! Every line is written straight into the caller's buffer; a sample's
//! label pairs are formatted once and reused for each of its lines (a
//! histogram has one per bucket).

use super::numbers::{write_f64, write_i64, write_u64};
use crate::model::{FamilyType, Head, Histogram, Labels, Scalar, Sink, Summary, Value};
use crate::trace::{Exemplar, hex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flavor {
    Prometheus004,
    OpenMetrics,
}

pub(super) struct TextEncoder<'b> {
    out: &'b mut Vec<u8>,
    flavor: Flavor,
    /// The current family's sample name stem (`x` of `x_bucket`, `x_total`).
    name: String,
    /// What a counter's samples add to `name`: `_total` in OpenMetrics.
    counter_suffix: &'static str,
    /// The current sample's label pairs, `{`-opened and not closed.
    labels: Vec<u8>,
    /// A histogram sample's `name_bucket{labels,le="`, reused.
    bucket_start: Vec<u8>,
    family_type: FamilyType,
}

impl<'b> TextEncoder<'b> {
    pub(super) fn new(out: &'b mut Vec<u8>, flavor: Flavor) -> Self {
        TextEncoder {
            out,
            flavor,
            name: String::new(),
            counter_suffix: "",
            labels: Vec::new(),
            bucket_start: Vec::new(),
            family_type: FamilyType::Untyped,
        }
    }

    /// Ends the exposition: OpenMetrics requires `# EOF`.
    pub(super) fn finish(self) {
        if self.flavor == Flavor::OpenMetrics {
            self.out.extend_from_slice(b"# EOF\n");
        }
    }

    fn metadata(&mut self, keyword: &str, text: &str) {
        self.out.extend_from_slice(keyword.as_bytes());
        self.out.extend_from_slice(self.name.as_bytes());
        self.out.push(b' ');
        self.out.extend_from_slice(text.as_bytes());
        self.out.push(b'\n');
    }

    /// Formats `labels` into `self.labels`, `{` included, `}` not.
    fn set_labels(&mut self, labels: Labels<'_>) {
        self.labels.clear();
        for (index, (name, value)) in labels.iter().enumerate() {
            self.labels.push(if index == 0 { b'{' } else { b',' });
            self.labels.extend_from_slice(name.as_bytes());
            self.labels.extend_from_slice(b"=\"");
            escape(&mut self.labels, value, true);
            self.labels.push(b'"');
        }
    }

    /// One line: `name<suffix>{labels[,extra="value"]} value[ timestamp]`,
    /// and in OpenMetrics its exemplar, `(exemplar, its value)`.
    fn line(
        &mut self,
        suffix: &str,
        extra: Option<(&str, &str)>,
        value: Value,
        timestamp: Option<i64>,
        exemplar: Option<(Exemplar, f64)>,
    ) {
        let out = &mut *self.out;
        out.extend_from_slice(self.name.as_bytes());
        out.extend_from_slice(suffix.as_bytes());
        out.extend_from_slice(&self.labels);
        match extra {
            Some((name, label)) => {
                out.push(if self.labels.is_empty() { b'{' } else { b',' });
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(b"=\"");
                out.extend_from_slice(label.as_bytes());
                out.extend_from_slice(b"\"}");
            }
            None if !self.labels.is_empty() => out.push(b'}'),
            None => {}
        }
        out.push(b' ');
        self.value_and_end(value, timestamp, exemplar);
    }

    /// The value of a line, its timestamp and exemplar, and the newline.
    fn value_and_end(
        &mut self,
        value: Value,
        timestamp: Option<i64>,
        exemplar: Option<(Exemplar, f64)>,
    ) {
        let out = &mut *self.out;
        match value {
            Value::Count(count) => write_u64(out, count),
            Value::Float(value) => write_f64(out, value),
        }
        if let Some(ms) = timestamp {
            out.push(b' ');
            match self.flavor {
                Flavor::Prometheus004 => write_i64(out, ms),
                #[allow(clippy::cast_precision_loss)]
                Flavor::OpenMetrics => write_f64(out, ms as f64 / 1000.0),
            }
        }
        if let (Flavor::OpenMetrics, Some((exemplar, value))) = (self.flavor, exemplar) {
            write_exemplar(out, &exemplar, value);
        }
        out.push(b'\n');
    }
}

/// ` # {trace_id="..",span_id=".."} value timestamp`, the timestamp in
/// seconds.
fn write_exemplar(out: &mut Vec<u8>, exemplar: &Exemplar, value: f64) {
    out.extend_from_slice(b" # {trace_id=\"");
    out.extend_from_slice(hex(&exemplar.trace.trace_id(), &mut [0; 32]));
    out.extend_from_slice(b"\",span_id=\"");
    out.extend_from_slice(hex(&exemplar.trace.span_id(), &mut [0; 16]));
    out.extend_from_slice(b"\"} ");
    write_f64(out, value);
    out.push(b' ');
    write_u64(out, exemplar.unix_nanos / 1_000_000_000);
    out.push(b'.');
    let millis = exemplar.unix_nanos / 1_000_000 % 1000;
    out.extend_from_slice(&[
        b'0' + (millis / 100) as u8,
        b'0' + (millis / 10 % 10) as u8,
        b'0' + (millis % 10) as u8,
    ]);
}

impl Sink for TextEncoder<'_> {
    fn begin_family(&mut self, head: &Head<'_>) {
        let openmetrics = self.flavor == Flavor::OpenMetrics;
        self.family_type = head.family_type;
        self.name.clear();
        self.counter_suffix = "";
        if openmetrics && head.family_type == FamilyType::Counter {
            self.name
                .push_str(head.name.strip_suffix("_total").unwrap_or(head.name));
            self.counter_suffix = "_total";
        } else {
            self.name.push_str(head.name);
        }
        if !head.help.is_empty() {
            let mut help = Vec::with_capacity(head.help.len());
            escape(&mut help, head.help, openmetrics);
            // Escaping keeps UTF-8 valid: it only inserts ASCII before ASCII.
            let help = String::from_utf8(help).unwrap_or_default();
            self.metadata("# HELP ", &help);
        }
        let type_name = match (head.family_type, openmetrics) {
            (FamilyType::Counter, _) => "counter",
            (FamilyType::Gauge, _) => "gauge",
            (FamilyType::Histogram, _) => "histogram",
            (FamilyType::Summary, _) => "summary",
            (FamilyType::Untyped, false) => "untyped",
            (FamilyType::Untyped, true) => "unknown",
        };
        self.metadata("# TYPE ", type_name);
        let unit_matches = self
            .name
            .strip_suffix(head.unit)
            .is_some_and(|stem| stem.ends_with('_'));
        if openmetrics && !head.unit.is_empty() && unit_matches {
            self.metadata("# UNIT ", head.unit);
        }
    }

    fn scalar(&mut self, labels: Labels<'_>, sample: &Scalar) {
        self.set_labels(labels);
        // A counter's exemplar counts one call.
        let exemplar = sample
            .exemplar
            .filter(|_| self.family_type == FamilyType::Counter)
            .map(|exemplar| (exemplar, 1.0));
        let (suffix, value, time) = (self.counter_suffix, sample.value, sample.timestamp_ms);
        self.line(suffix, None, value, time, exemplar);
    }

    fn histogram(&mut self, labels: Labels<'_>, histogram: &Histogram<'_>) {
        self.set_labels(labels);
        let time = histogram.timestamp_ms;
        let exemplar = |index: usize| {
            let exemplar = histogram.exemplars.get(index).copied().flatten()?;
            Some((exemplar, exemplar.seconds()))
        };
        let labels = histogram.bounds.labels();
        // What every `_bucket` line starts with, up to its `le` value:
        // written once per sample, not once per bucket.
        let mut start = std::mem::take(&mut self.bucket_start);
        start.clear();
        start.extend_from_slice(self.name.as_bytes());
        start.extend_from_slice(b"_bucket");
        start.extend_from_slice(if self.labels.is_empty() {
            b"{"
        } else {
            &self.labels
        });
        start.extend_from_slice(if self.labels.is_empty() {
            b"le=\""
        } else {
            b",le=\""
        });
        for (index, (le, &count)) in labels.iter().zip(histogram.cumulative).enumerate() {
            self.out.extend_from_slice(&start);
            self.out.extend_from_slice(le.as_bytes());
            self.out.extend_from_slice(b"\"} ");
            self.value_and_end(Value::Count(count), time, exemplar(index));
        }
        self.bucket_start = start;
        let count = Value::Count(histogram.count);
        let inf = exemplar(labels.len());
        self.line("_bucket", Some(("le", "+Inf")), count, time, inf);
        let sum = Value::Float(histogram.sum);
        if self.flavor == Flavor::OpenMetrics {
            self.line("_count", None, count, time, None);
            self.line("_sum", None, sum, time, None);
        } else {
            self.line("_sum", None, sum, time, None);
            self.line("_count", None, count, time, None);
        }
    }

    fn summary(&mut self, labels: Labels<'_>, summary: &Summary<'_>) {
        self.set_labels(labels);
        let time = summary.timestamp_ms;
        for &(q, value) in summary.quantiles {
            let mut quantile = Vec::new();
            write_f64(&mut quantile, q);
            let quantile = String::from_utf8(quantile).unwrap_or_default();
            let quantile = Some(("quantile", quantile.as_str()));
            self.line("", quantile, Value::Float(value), time, None);
        }
        self.line("_sum", None, Value::Float(summary.sum), time, None);
        self.line("_count", None, Value::Count(summary.count), time, None);
    }

    fn end_family(&mut self) {}
}

/// Appends `text` with `\` and newline escaped, and `"` when `quotes`.
fn escape(out: &mut Vec<u8>, text: &str, quotes: bool) {
    let special = |byte: u8| byte == b'\\' || byte == b'\n' || (quotes && byte == b'"');
    if !text.bytes().any(special) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    for byte in text.bytes() {
        match byte {
            b'\n' => out.extend_from_slice(b"\\n"),
            byte if special(byte) => out.extend_from_slice(&[b'\\', byte]),
            byte => out.push(byte),
        }
    }
}
