//! The delimited protobuf format: a stream of `io.prometheus.client.MetricFamily`
//! messages (client_model's `metrics.proto`), each preceded by its length
//! as a varint.
//!
//! Written by hand: the format needs five wire primitives (varint, fixed64
//! double, length-delimited bytes, and the tags that precede them), and a
//! streaming writer needs no message structs, so a family of 90,000 lines
//! goes straight into the caller's buffer without a message object per
//! sample. A nested message is written in place with a one-byte length
//! guess, widened afterwards in the rare case it is 128 bytes or more.
//!
//! Field numbers, from `metrics.proto`:
//! - `MetricFamily`: name 1, help 2, type 3, metric 4.
//! - `Metric`: label 1, gauge 2, counter 3, summary 4, untyped 5,
//!   timestamp_ms 6, histogram 7.
//! - `LabelPair`: name 1, value 2. `Counter`/`Gauge`/`Untyped`: value 1.
//! - `Counter`: value 1, exemplar 2.
//! - `Histogram`: sample_count 1, sample_sum 2, bucket 3; the native fields
//!   schema 5 (sint32), zero_threshold 6, zero_count 7, positive_span 12,
//!   positive_delta 13 (sint64). `Bucket`: cumulative_count 1,
//!   upper_bound 2, exemplar 3. `BucketSpan`: offset 1 (sint32), length 2.
//! - `Exemplar`: label 1, value 2, timestamp 3 (`google.protobuf.Timestamp`:
//!   seconds 1, nanos 2).
//! - `Summary`: sample_count 1, sample_sum 2, quantile 3.
//!   `Quantile`: quantile 1, value 2.
//!
//! `+Inf` is sent as a bucket only to carry an exemplar: `metrics.proto`
//! makes it optional and Prometheus adds it from `sample_count`. A native
//! histogram without observations still has a span (offset 0, length 0),
//! which is how a parser tells it from a classic one.

use crate::model::{FamilyType, Head, Histogram, Labels, Scalar, Sink, Summary};
use crate::record::NativeBuckets;
use crate::trace::{Exemplar, hex};

const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LEN: u32 = 2;

pub(super) struct ProtobufEncoder<'b> {
    out: &'b mut Vec<u8>,
    /// Where the current family's message starts (its length goes there).
    family_start: usize,
    family_type: FamilyType,
}

impl<'b> ProtobufEncoder<'b> {
    pub(super) fn new(out: &'b mut Vec<u8>) -> Self {
        ProtobufEncoder {
            out,
            family_start: 0,
            family_type: FamilyType::Untyped,
        }
    }
}

impl Sink for ProtobufEncoder<'_> {
    fn begin_family(&mut self, head: &Head<'_>) {
        self.family_start = self.out.len();
        self.family_type = head.family_type;
        string(self.out, 1, head.name);
        if !head.help.is_empty() {
            string(self.out, 2, head.help);
        }
        let type_code = match head.family_type {
            FamilyType::Counter => 0,
            FamilyType::Gauge => 1,
            FamilyType::Summary => 2,
            FamilyType::Untyped => 3,
            FamilyType::Histogram => 4,
        };
        uint(self.out, 3, type_code);
    }

    fn scalar(&mut self, labels: Labels<'_>, sample: &Scalar) {
        let field = match self.family_type {
            FamilyType::Counter => 3,
            FamilyType::Gauge => 2,
            _ => 5,
        };
        let exemplar = sample.exemplar.filter(|_| field == 3);
        message(self.out, 4, |out| {
            label_pairs(out, labels);
            message(out, field, |out| {
                double(out, 1, sample.value.as_f64());
                if let Some(exemplar) = &exemplar {
                    // A counter's exemplar counts one call.
                    write_exemplar(out, 2, exemplar, 1.0);
                }
            });
            timestamp(out, sample.timestamp_ms);
        });
    }

    fn histogram(&mut self, labels: Labels<'_>, histogram: &Histogram<'_>) {
        message(self.out, 4, |out| {
            label_pairs(out, labels);
            message(out, 7, |out| {
                uint(out, 1, histogram.count);
                double(out, 2, histogram.sum.as_f64());
                let bounds = histogram.bounds.values();
                let exemplar = |index: usize| histogram.exemplars.get(index).copied().flatten();
                let bucket = |out: &mut Vec<u8>, count, bound, exemplar: Option<Exemplar>| {
                    message(out, 3, |out| {
                        uint(out, 1, count);
                        double(out, 2, bound);
                        if let Some(exemplar) = &exemplar {
                            write_exemplar(out, 3, exemplar, exemplar.seconds());
                        }
                    });
                };
                for (index, (&bound, &count)) in bounds.iter().zip(histogram.cumulative).enumerate()
                {
                    bucket(out, count, bound, exemplar(index));
                }
                if let Some(inf) = exemplar(bounds.len()) {
                    bucket(out, histogram.count, f64::INFINITY, Some(inf));
                }
                if let Some(native) = histogram.native {
                    native_buckets(out, native);
                }
            });
            timestamp(out, histogram.timestamp_ms);
        });
    }

    fn summary(&mut self, labels: Labels<'_>, summary: &Summary<'_>) {
        message(self.out, 4, |out| {
            label_pairs(out, labels);
            message(out, 4, |out| {
                uint(out, 1, summary.count);
                double(out, 2, summary.sum);
                for &(quantile, value) in summary.quantiles {
                    message(out, 3, |out| {
                        double(out, 1, quantile);
                        double(out, 2, value);
                    });
                }
            });
            timestamp(out, summary.timestamp_ms);
        });
    }

    fn wants_native(&self) -> bool {
        true
    }

    fn end_family(&mut self) {
        let length = self.out.len() - self.family_start;
        insert_varint(self.out, self.family_start, length as u64);
    }
}

/// The native-histogram fields of a `Histogram` message.
fn native_buckets(out: &mut Vec<u8>, native: &NativeBuckets) {
    sint(out, 5, i64::from(native.schema));
    double(out, 6, native.zero_threshold);
    uint(out, 7, native.zero_count);
    // Spans of consecutive populated buckets: the first at its index, each
    // next one at its gap from the previous.
    let mut spans: Vec<(i32, u32)> = Vec::new();
    let mut previous: Option<i32> = None;
    for &(index, _) in &native.buckets {
        match (previous, spans.last_mut()) {
            (Some(previous), Some((_, length))) if index == previous + 1 => *length += 1,
            (Some(previous), _) => spans.push((index - previous - 1, 1)),
            (None, _) => spans.push((index, 1)),
        }
        previous = Some(index);
    }
    if spans.is_empty() {
        spans.push((0, 0));
    }
    for (offset, length) in spans {
        message(out, 12, |out| {
            sint(out, 1, i64::from(offset));
            uint(out, 2, u64::from(length));
        });
    }
    if !native.buckets.is_empty() {
        message(out, 13, |out| {
            let mut previous = 0_i64;
            for &(_, count) in &native.buckets {
                let count = i64::try_from(count).unwrap_or(i64::MAX);
                varint(out, zigzag(count - previous));
                previous = count;
            }
        });
    }
}

/// An `Exemplar` message in `field`: the trace as labels, `value`, and when.
fn write_exemplar(out: &mut Vec<u8>, field: u32, exemplar: &Exemplar, value: f64) {
    message(out, field, |out| {
        let trace_id = hex(&exemplar.trace.trace_id(), &mut [0; 32]).to_vec();
        let span_id = hex(&exemplar.trace.span_id(), &mut [0; 16]).to_vec();
        for (name, id) in [("trace_id", &trace_id), ("span_id", &span_id)] {
            message(out, 1, |out| {
                string(out, 1, name);
                bytes(out, 2, id);
            });
        }
        double(out, 2, value);
        message(out, 3, |out| {
            uint(out, 1, exemplar.unix_nanos / 1_000_000_000);
            uint(out, 2, exemplar.unix_nanos % 1_000_000_000);
        });
    });
}

fn label_pairs(out: &mut Vec<u8>, labels: Labels<'_>) {
    for (name, value) in labels.pairs() {
        message(out, 1, |out| {
            string(out, 1, name);
            string(out, 2, value);
        });
    }
}

fn timestamp(out: &mut Vec<u8>, timestamp_ms: Option<i64>) {
    if let Some(ms) = timestamp_ms {
        // int64: negative values as their two's complement, ten bytes.
        #[allow(clippy::cast_sign_loss)]
        uint(out, 6, ms as u64);
    }
}

fn tag(out: &mut Vec<u8>, field: u32, wire_type: u32) {
    varint(out, u64::from(field << 3 | wire_type));
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        #[allow(clippy::cast_possible_truncation)]
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    #[allow(clippy::cast_possible_truncation)]
    out.push(value as u8);
}

fn uint(out: &mut Vec<u8>, field: u32, value: u64) {
    tag(out, field, VARINT);
    varint(out, value);
}

fn double(out: &mut Vec<u8>, field: u32, value: f64) {
    tag(out, field, FIXED64);
    out.extend_from_slice(&value.to_le_bytes());
}

fn string(out: &mut Vec<u8>, field: u32, value: &str) {
    bytes(out, field, value.as_bytes());
}

fn bytes(out: &mut Vec<u8>, field: u32, value: &[u8]) {
    tag(out, field, LEN);
    varint(out, value.len() as u64);
    out.extend_from_slice(value);
}

/// A `sint32`/`sint64` field: zigzag-encoded, so small negatives stay short.
fn sint(out: &mut Vec<u8>, field: u32, value: i64) {
    tag(out, field, VARINT);
    varint(out, zigzag(value));
}

#[allow(clippy::cast_sign_loss)]
fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// A nested message: its tag, its length, then what `body` writes.
fn message(out: &mut Vec<u8>, field: u32, body: impl FnOnce(&mut Vec<u8>)) {
    tag(out, field, LEN);
    let start = out.len();
    out.push(0); // the length, if it fits one byte
    body(out);
    let length = out.len() - start - 1;
    if length < 0x80 {
        #[allow(clippy::cast_possible_truncation)]
        {
            out[start] = length as u8;
        }
    } else {
        let (bytes, used) = varint_bytes(length as u64);
        out.splice(start..=start, bytes[..used].iter().copied());
    }
}

/// Inserts `value` as a varint at `at`, moving what follows.
fn insert_varint(out: &mut Vec<u8>, at: usize, value: u64) {
    let (bytes, used) = varint_bytes(value);
    out.splice(at..at, bytes[..used].iter().copied());
}

fn varint_bytes(mut value: u64) -> ([u8; 10], usize) {
    let mut bytes = [0; 10];
    let mut used = 0;
    loop {
        #[allow(clippy::cast_possible_truncation)]
        let low = value as u8 & 0x7F;
        value >>= 7;
        if value == 0 {
            bytes[used] = low;
            return (bytes, used + 1);
        }
        bytes[used] = low | 0x80;
        used += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::{message, varint};

    #[test]
    fn varints_and_long_messages() {
        let mut out = Vec::new();
        varint(&mut out, 300);
        assert_eq!(out, [0xAC, 0x02]);
        let mut out = Vec::new();
        message(&mut out, 4, |out| out.extend_from_slice(&[7; 200]));
        assert_eq!(&out[..3], [0x22, 0xC8, 0x01]);
        assert_eq!(out.len(), 203);
    }
}
