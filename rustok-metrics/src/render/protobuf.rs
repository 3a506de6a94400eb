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
//! - `Histogram`: sample_count 1, sample_sum 2, bucket 3 (the native fields,
//!   4 to 14, come next). `Bucket`: cumulative_count 1, upper_bound 2.
//! - `Summary`: sample_count 1, sample_sum 2, quantile 3.
//!   `Quantile`: quantile 1, value 2.
//!
//! `+Inf` is not sent as a bucket: `metrics.proto` makes it optional and
//! Prometheus adds it from `sample_count`.

use crate::model::{FamilyType, Head, Histogram, Labels, Scalar, Sink, Summary};

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
        message(self.out, 4, |out| {
            label_pairs(out, labels);
            message(out, field, |out| double(out, 1, sample.value.as_f64()));
            timestamp(out, sample.timestamp_ms);
        });
    }

    fn histogram(&mut self, labels: Labels<'_>, histogram: &Histogram<'_>) {
        message(self.out, 4, |out| {
            label_pairs(out, labels);
            message(out, 7, |out| {
                uint(out, 1, histogram.count);
                double(out, 2, histogram.sum);
                let bounds = histogram.bounds.values();
                for (&bound, &count) in bounds.iter().zip(histogram.cumulative) {
                    message(out, 3, |out| {
                        uint(out, 1, count);
                        double(out, 2, bound);
                    });
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

    fn end_family(&mut self) {
        let length = self.out.len() - self.family_start;
        insert_varint(self.out, self.family_start, length as u64);
    }
}

fn label_pairs(out: &mut Vec<u8>, labels: Labels<'_>) {
    for (name, value) in labels {
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
    tag(out, field, LEN);
    varint(out, value.len() as u64);
    out.extend_from_slice(value.as_bytes());
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
