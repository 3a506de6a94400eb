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

use super::numbers::{write_f64, write_i64, write_seconds, write_u64};
use crate::label_text::{escape, write_pair};
use crate::model::{FamilyType, Head, Histogram, Labels, Scalar, Sink, Summary, Value};
use crate::trace::{Exemplar, hex};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flavor {
    Prometheus004,
    OpenMetrics,
}

pub(super) struct TextEncoder<'b> {
    /// A `String`: every piece written is a `str`, so the text is never
    /// checked for UTF-8 again.
    out: &'b mut String,
    flavor: Flavor,
    /// The current family's sample name stem (`x` of `x_bucket`, `x_total`).
    name: String,
    /// What a counter's samples add to `name`: `_total` in OpenMetrics.
    counter_suffix: &'static str,
    /// The current sample's label pairs, `{`-opened and not closed.
    labels: String,
    /// What lines that differ only in their last label's value start
    /// with: `name<suffix>{labels,last="` (`x_bucket{..,le="`), reused.
    line_start: String,
    family_type: FamilyType,
}

impl<'b> TextEncoder<'b> {
    pub(super) fn new(out: &'b mut String, flavor: Flavor) -> Self {
        TextEncoder {
            out,
            flavor,
            name: String::new(),
            counter_suffix: "",
            labels: String::new(),
            line_start: String::new(),
            family_type: FamilyType::Untyped,
        }
    }

    /// Ends the exposition: OpenMetrics requires `# EOF`.
    pub(super) fn finish(self) {
        if self.flavor == Flavor::OpenMetrics {
            self.out.push_str("# EOF\n");
        }
    }

    fn metadata(&mut self, keyword: &str, text: &str) {
        self.out.push_str(keyword);
        self.out.push_str(&self.name);
        self.out.push(' ');
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// `# HELP name text`, `"` escaped in OpenMetrics only.
    fn help(&mut self, text: &str) {
        self.out.push_str("# HELP ");
        self.out.push_str(&self.name);
        self.out.push(' ');
        escape(self.out, text, self.flavor == Flavor::OpenMetrics);
        self.out.push('\n');
    }

    /// Formats `labels` into `self.labels`, `{` included, `}` not.
    fn set_labels(&mut self, labels: Labels<'_>) {
        self.labels.clear();
        if let Some(text) = labels.text().filter(|text| !text.is_empty()) {
            // Written when the family first saw them: no escaping again.
            self.labels.push('{');
            self.labels.push_str(text);
            return;
        }
        for (index, (name, value)) in labels.pairs().iter().enumerate() {
            self.labels.push(if index == 0 { '{' } else { ',' });
            write_pair(&mut self.labels, name, value);
        }
    }

    /// Sets `line_start` to `name<suffix>{labels,<last>="`, after
    /// [`set_labels`](Self::set_labels): written once per sample, not once
    /// per line (a histogram has one per bucket).
    fn set_line_start(&mut self, suffix: &str, last: &str) {
        let start = &mut self.line_start;
        start.clear();
        start.push_str(&self.name);
        start.push_str(suffix);
        if self.labels.is_empty() {
            start.push('{');
        } else {
            start.push_str(&self.labels);
            start.push(',');
        }
        start.push_str(last);
        start.push_str("=\"");
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
        out.push_str(&self.name);
        out.push_str(suffix);
        out.push_str(&self.labels);
        match extra {
            Some((name, label)) => {
                out.push(if self.labels.is_empty() { '{' } else { ',' });
                write_pair(out, name, label);
                out.push('}');
            }
            None if !self.labels.is_empty() => out.push('}'),
            None => {}
        }
        out.push(' ');
        self.value_and_end(value, timestamp, exemplar);
    }

    /// A counter's exemplar counts one call; other families have none.
    fn scalar_exemplar(&self, sample: &Scalar) -> Option<(Exemplar, f64)> {
        sample
            .exemplar
            .filter(|_| self.family_type == FamilyType::Counter)
            .map(|exemplar| (exemplar, 1.0))
    }

    /// The value of a line, its timestamp and exemplar, and the newline.
    #[inline(always)]
    fn value_and_end(
        &mut self,
        value: Value,
        timestamp: Option<i64>,
        exemplar: Option<(Exemplar, f64)>,
    ) {
        let out = &mut *self.out;
        match value {
            Value::Count(count) => write_u64(out, count),
            Value::Nanos(nanos) => write_seconds(out, nanos),
            Value::Float(value) => write_f64(out, value),
        }
        if timestamp.is_some() || exemplar.is_some() {
            self.timestamp_and_exemplar(timestamp, exemplar);
        }
        self.out.push('\n');
    }

    /// What few lines have after their value (ours: an exemplar, in
    /// OpenMetrics only): out of line, so that a line without them does
    /// not pay for a call.
    #[inline(never)]
    fn timestamp_and_exemplar(
        &mut self,
        timestamp: Option<i64>,
        exemplar: Option<(Exemplar, f64)>,
    ) {
        let out = &mut *self.out;
        if let Some(ms) = timestamp {
            out.push(' ');
            match self.flavor {
                Flavor::Prometheus004 => write_i64(out, ms),
                #[allow(clippy::cast_precision_loss)]
                Flavor::OpenMetrics => write_f64(out, ms as f64 / 1000.0),
            }
        }
        if let (Flavor::OpenMetrics, Some((exemplar, value))) = (self.flavor, exemplar) {
            write_exemplar(out, &exemplar, value);
        }
    }
}

/// ` # {trace_id="..",span_id=".."} value timestamp`, the timestamp in
/// seconds.
fn write_exemplar(out: &mut String, exemplar: &Exemplar, value: f64) {
    // Hex digits are ASCII: these never fall back.
    let (mut trace_id, mut span_id) = ([0; 32], [0; 16]);
    let trace_id = hex(&exemplar.trace.trace_id(), &mut trace_id);
    let span_id = hex(&exemplar.trace.span_id(), &mut span_id);
    out.push_str(" # {trace_id=\"");
    out.push_str(std::str::from_utf8(trace_id).unwrap_or_default());
    out.push_str("\",span_id=\"");
    out.push_str(std::str::from_utf8(span_id).unwrap_or_default());
    out.push_str("\"} ");
    write_f64(out, value);
    out.push(' ');
    write_u64(out, exemplar.unix_nanos / 1_000_000_000);
    out.push('.');
    let millis = exemplar.unix_nanos / 1_000_000 % 1000;
    for digit in [millis / 100, millis / 10 % 10, millis % 10] {
        #[allow(clippy::cast_possible_truncation)]
        out.push(char::from(b'0' + digit as u8));
    }
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
            self.help(head.help);
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
        let exemplar = self.scalar_exemplar(sample);
        let (suffix, value, time) = (self.counter_suffix, sample.value, sample.timestamp_ms);
        self.line(suffix, None, value, time, exemplar);
    }

    fn scalars(&mut self, labels: Labels<'_>, last: &str, samples: &[(&str, Scalar)]) {
        // The shared labels once, for every line.
        self.set_labels(labels);
        self.set_line_start(self.counter_suffix, last);
        for (value, sample) in samples {
            let exemplar = self.scalar_exemplar(sample);
            self.out.push_str(&self.line_start);
            escape(self.out, value, true);
            self.out.push_str("\"} ");
            self.value_and_end(sample.value, sample.timestamp_ms, exemplar);
        }
    }

    fn histogram(&mut self, labels: Labels<'_>, histogram: &Histogram<'_>) {
        self.set_labels(labels);
        let time = histogram.timestamp_ms;
        let exemplar = |index: usize| {
            let exemplar = histogram.exemplars.get(index).copied().flatten()?;
            Some((exemplar, exemplar.seconds()))
        };
        let line_ends = histogram.bounds.line_ends();
        self.set_line_start("_bucket", "le");
        if time.is_none() && histogram.exemplars.is_empty() {
            // Ours, nearly always: a line is its start, its bound, its count.
            let out = &mut *self.out;
            for (le, &count) in line_ends.iter().zip(histogram.cumulative) {
                out.push_str(&self.line_start);
                out.push_str(le);
                write_u64(out, count);
                out.push('\n');
            }
        } else {
            for (index, (le, &count)) in line_ends.iter().zip(histogram.cumulative).enumerate() {
                self.out.push_str(&self.line_start);
                self.out.push_str(le);
                self.value_and_end(Value::Count(count), time, exemplar(index));
            }
        }
        let count = Value::Count(histogram.count);
        self.out.push_str(&self.line_start);
        self.out.push_str("+Inf\"} ");
        self.value_and_end(count, time, exemplar(line_ends.len()));
        let sum = histogram.sum;
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
            let mut quantile = String::new();
            write_f64(&mut quantile, q);
            let quantile = Some(("quantile", quantile.as_str()));
            self.line("", quantile, Value::Float(value), time, None);
        }
        self.line("_sum", None, Value::Float(summary.sum), time, None);
        self.line("_count", None, Value::Count(summary.count), time, None);
    }

    fn end_family(&mut self) {}
}
