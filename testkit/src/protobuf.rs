//! A reader of the delimited protobuf exposition, written from client_model's
//! `metrics.proto` independently of the encoder it checks: it decodes the
//! wire format generically and turns `MetricFamily` messages into the
//! samples the text formats would show.

use std::collections::BTreeMap;

use crate::{Exemplar, Sample};

/// A decoded message: every field by number, in order.
type Fields<'a> = Vec<(u64, Field<'a>)>;

/// Label pairs by name.
type Labels = BTreeMap<String, String>;

#[derive(Clone, Copy, Debug)]
enum Field<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32,
}

fn varint(bytes: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).ok_or("truncated varint")?;
        *at += 1;
        value |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return Ok(value);
        }
    }
    Err("varint longer than 10 bytes".into())
}

fn decode(bytes: &[u8]) -> Result<Fields<'_>, String> {
    let mut at = 0;
    let mut fields = Vec::new();
    while at < bytes.len() {
        let key = varint(bytes, &mut at)?;
        let field = match key & 7 {
            0 => Field::Varint(varint(bytes, &mut at)?),
            1 => {
                let raw = bytes.get(at..at + 8).ok_or("truncated fixed64")?;
                at += 8;
                Field::Fixed64(u64::from_le_bytes(raw.try_into().map_err(|_| "fixed64")?))
            }
            2 => {
                let len = usize::try_from(varint(bytes, &mut at)?).map_err(|e| e.to_string())?;
                let raw = bytes.get(at..at + len).ok_or("truncated bytes")?;
                at += len;
                Field::Bytes(raw)
            }
            5 => {
                at += 4;
                Field::Fixed32
            }
            other => return Err(format!("wire type {other}")),
        };
        fields.push((key >> 3, field));
    }
    Ok(fields)
}

fn all<'a>(fields: &Fields<'a>, number: u64) -> impl Iterator<Item = Field<'a>> {
    fields
        .iter()
        .filter(move |(n, _)| *n == number)
        .map(|(_, field)| *field)
}

fn text<'a>(fields: &Fields<'a>, number: u64) -> Result<&'a str, String> {
    match all(fields, number).last() {
        Some(Field::Bytes(raw)) => std::str::from_utf8(raw).map_err(|e| e.to_string()),
        _ => Ok(""),
    }
}

fn double(fields: &Fields<'_>, number: u64) -> f64 {
    match all(fields, number).last() {
        Some(Field::Fixed64(bits)) => f64::from_bits(bits),
        _ => 0.0,
    }
}

fn uint(fields: &Fields<'_>, number: u64) -> u64 {
    match all(fields, number).last() {
        Some(Field::Varint(value)) => value,
        _ => 0,
    }
}

fn message<'a>(fields: &Fields<'a>, number: u64) -> Result<Option<Fields<'a>>, String> {
    match all(fields, number).last() {
        Some(Field::Bytes(raw)) => decode(raw).map(Some),
        _ => Ok(None),
    }
}

/// The label pairs in field `number` of `fields`, by name.
fn label_pairs(fields: &Fields<'_>, number: u64) -> Result<Labels, String> {
    let mut labels = BTreeMap::new();
    for pair in all(fields, number) {
        let Field::Bytes(raw) = pair else {
            return Err("label is not a message".into());
        };
        let pair = decode(raw)?;
        labels.insert(text(&pair, 1)?.to_owned(), text(&pair, 2)?.to_owned());
    }
    Ok(labels)
}

/// The `MetricFamily` messages of a delimited stream, decoded.
fn families(mut bytes: &[u8]) -> Result<Vec<Fields<'_>>, String> {
    let mut families = Vec::new();
    while !bytes.is_empty() {
        let mut at = 0;
        let len = usize::try_from(varint(bytes, &mut at)?).map_err(|e| e.to_string())?;
        let body = bytes.get(at..at + len).ok_or("truncated family")?;
        bytes = &bytes[at + len..];
        families.push(decode(body)?);
    }
    Ok(families)
}

/// Each `Metric` of a family: its labels and its fields.
fn metrics<'a>(family: &Fields<'a>) -> Result<Vec<(Labels, Fields<'a>)>, String> {
    all(family, 4)
        .map(|metric| {
            let Field::Bytes(raw) = metric else {
                return Err("metric is not a message".to_owned());
            };
            let metric = decode(raw)?;
            Ok((label_pairs(&metric, 1)?, metric))
        })
        .collect()
}

/// The `Exemplar` message in field `number` of `fields`, if any: labels,
/// value, and its `google.protobuf.Timestamp` as seconds.
#[allow(clippy::cast_precision_loss)]
fn exemplar(fields: &Fields<'_>, number: u64) -> Result<Option<Exemplar>, String> {
    let Some(exemplar) = message(fields, number)? else {
        return Ok(None);
    };
    let labels = label_pairs(&exemplar, 1)?;
    let timestamp =
        message(&exemplar, 3)?.map(|time| uint(&time, 1) as f64 + uint(&time, 2) as f64 / 1e9);
    Ok(Some(Exemplar {
        labels,
        value: double(&exemplar, 2),
        timestamp,
    }))
}

/// Every sample of a delimited `MetricFamily` stream, named as in the text
/// format 0.0.4 (histograms: `_bucket` with `le` as Rust prints the bound,
/// `+Inf` from the count, `_sum`, `_count`), with each family's name and
/// type (0 counter, 1 gauge, 2 summary, 3 untyped, 4 histogram).
///
/// # Errors
/// What is malformed.
#[allow(clippy::cast_precision_loss)]
pub fn decode_delimited(bytes: &[u8]) -> Result<Vec<(String, u64, Vec<Sample>)>, String> {
    let mut decoded = Vec::new();
    for family in families(bytes)? {
        let name = text(&family, 1)?.to_owned();
        let kind = uint(&family, 3);
        let mut samples = Vec::new();
        for (labels, metric) in metrics(&family)? {
            let mut push = |suffix: &str,
                            extra: Option<(&str, String)>,
                            value: f64,
                            exemplar: Option<Exemplar>| {
                let mut labels = labels.clone();
                if let Some((label, label_value)) = extra {
                    labels.insert(label.to_owned(), label_value);
                }
                samples.push(Sample {
                    name: format!("{name}{suffix}"),
                    labels,
                    value,
                    exemplar,
                });
            };
            match kind {
                0 | 1 | 3 => {
                    let field = [3, 2, 0, 5][usize::try_from(kind).unwrap_or(0)];
                    let value = message(&metric, field)?;
                    let sample_exemplar = match &value {
                        Some(counter) if kind == 0 => exemplar(counter, 2)?,
                        _ => None,
                    };
                    push(
                        "",
                        None,
                        value.map_or(0.0, |m| double(&m, 1)),
                        sample_exemplar,
                    );
                }
                4 => {
                    let histogram = message(&metric, 7)?.ok_or("histogram missing")?;
                    let count = uint(&histogram, 1);
                    let mut inf_exemplar = None;
                    for bucket in all(&histogram, 3) {
                        let Field::Bytes(raw) = bucket else {
                            return Err("bucket is not a message".into());
                        };
                        let bucket = decode(raw)?;
                        let bound = double(&bucket, 2);
                        let bucket_exemplar = exemplar(&bucket, 3)?;
                        if bound.is_finite() {
                            let le = Some(("le", bound.to_string()));
                            push("_bucket", le, uint(&bucket, 1) as f64, bucket_exemplar);
                        } else {
                            inf_exemplar = bucket_exemplar;
                        }
                    }
                    let inf = Some(("le", "+Inf".into()));
                    push("_bucket", inf, count as f64, inf_exemplar);
                    push("_sum", None, double(&histogram, 2), None);
                    push("_count", None, count as f64, None);
                }
                2 => {
                    let summary = message(&metric, 4)?.ok_or("summary missing")?;
                    for quantile in all(&summary, 3) {
                        let Field::Bytes(raw) = quantile else {
                            return Err("quantile is not a message".into());
                        };
                        let quantile = decode(raw)?;
                        let q = Some(("quantile", double(&quantile, 1).to_string()));
                        push("", q, double(&quantile, 2), None);
                    }
                    push("_sum", None, double(&summary, 2), None);
                    push("_count", None, uint(&summary, 1) as f64, None);
                }
                other => return Err(format!("metric type {other}")),
            }
        }
        decoded.push((name, kind, samples));
    }
    Ok(decoded)
}

/// A native histogram as read from the wire.
#[derive(Clone, Debug, PartialEq)]
pub struct NativeHistogram {
    /// The sample's labels.
    pub labels: BTreeMap<String, String>,
    /// Observations in all.
    pub count: u64,
    /// The schema.
    pub schema: i64,
    /// The zero bucket's width and count.
    pub zero_threshold: f64,
    /// Observations in the zero bucket.
    pub zero_count: u64,
    /// Populated positive buckets: `(index, count)`, from spans and deltas.
    pub buckets: Vec<(i64, u64)>,
    /// Whether the message had at least one positive span (a native
    /// histogram always has, even when empty).
    pub has_spans: bool,
}

fn unzigzag(value: u64) -> i64 {
    let half = i64::try_from(value >> 1).unwrap_or(i64::MAX);
    if value & 1 == 1 { -half - 1 } else { half }
}

/// Every native histogram of family `family` in a delimited stream.
///
/// # Errors
/// What is malformed.
pub fn native_histograms(bytes: &[u8], family: &str) -> Result<Vec<NativeHistogram>, String> {
    let mut found = Vec::new();
    for decoded in families(bytes)? {
        if text(&decoded, 1)? != family {
            continue;
        }
        for (labels, metric) in metrics(&decoded)? {
            let histogram = message(&metric, 7)?.ok_or("histogram missing")?;
            let mut spans = Vec::new();
            for span in all(&histogram, 12) {
                let Field::Bytes(raw) = span else {
                    return Err("span is not a message".into());
                };
                let span = decode(raw)?;
                spans.push((unzigzag(uint(&span, 1)), uint(&span, 2)));
            }
            // sint64 deltas, packed or one per field.
            let mut deltas = Vec::new();
            for field in all(&histogram, 13) {
                match field {
                    Field::Varint(value) => deltas.push(unzigzag(value)),
                    Field::Bytes(raw) => {
                        let mut at = 0;
                        while at < raw.len() {
                            deltas.push(unzigzag(varint(raw, &mut at)?));
                        }
                    }
                    _ => return Err("delta of the wrong wire type".into()),
                }
            }
            let mut buckets = Vec::new();
            let (mut count, mut deltas) = (0_i64, deltas.into_iter());
            // The first span starts at its offset; each later one `offset`
            // buckets after the end of the previous.
            let mut after_previous = 0_i64;
            for (number, &(offset, length)) in spans.iter().enumerate() {
                let start = if number == 0 {
                    offset
                } else {
                    after_previous + offset
                };
                for step in 0..i64::try_from(length).map_err(|e| e.to_string())? {
                    count += deltas.next().ok_or("fewer deltas than buckets")?;
                    let bucket_count = u64::try_from(count).map_err(|_| "negative count")?;
                    buckets.push((start + step, bucket_count));
                }
                after_previous = start + i64::try_from(length).map_err(|e| e.to_string())?;
            }
            found.push(NativeHistogram {
                labels,
                count: uint(&histogram, 1),
                schema: unzigzag(uint(&histogram, 5)),
                zero_threshold: double(&histogram, 6),
                zero_count: uint(&histogram, 7),
                buckets,
                has_spans: !spans.is_empty(),
            });
        }
    }
    Ok(found)
}
