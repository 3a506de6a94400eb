//! Reading values back from the rendered exposition, parsed.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// One sample line: `name{labels} value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// A parsed render of the registry.
pub struct Scrape {
    pub text: String,
    pub samples: Vec<Sample>,
}

/// The native histograms of `family` in a protobuf render of the registry.
pub fn native_histograms(family: &str) -> Vec<rustok_metrics_testkit::protobuf::NativeHistogram> {
    let mut body = Vec::new();
    rustok_metrics::MetricsHandle::new()
        .render_into(rustok_metrics::Format::Protobuf, &mut body)
        .unwrap();
    rustok_metrics_testkit::protobuf::native_histograms(&body, family).unwrap()
}

/// Renders the global registry and parses it.
pub fn scrape() -> Scrape {
    let text = rustok_metrics::render_metrics().expect("render_metrics");
    let samples = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| parse_sample(line).unwrap_or_else(|| panic!("unparsable line {line:?}")))
        .collect();
    Scrape { text, samples }
}

impl Scrape {
    /// The value of the sample with exactly this name and label set.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let wanted: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels == wanted)
            .map(|s| s.value)
    }

    /// `rustok_<module>_operations_total{operation,kind,status,error_kind=""}`,
    /// or `None` when the series does not exist.
    pub fn calls(&self, module: &str, op: &str, kind: &str, status: &str) -> Option<u64> {
        self.errors_of_kind(module, op, kind, status, "")
    }

    /// `rustok_<module>_operations_total` with an explicit `error_kind`.
    pub fn errors_of_kind(
        &self,
        module: &str,
        op: &str,
        kind: &str,
        status: &str,
        error_kind: &str,
    ) -> Option<u64> {
        self.value(
            &format!("rustok_{module}_operations_total"),
            &[
                ("operation", op),
                ("kind", kind),
                ("status", status),
                ("error_kind", error_kind),
            ],
        )
        .map(to_count)
    }

    /// The four status counts of an operation with an empty kind:
    /// `[success, error, panic, cancelled]`.
    pub fn statuses(&self, module: &str, op: &str) -> [u64; 4] {
        ["success", "error", "panic", "cancelled"]
            .map(|status| self.calls(module, op, "", status).unwrap_or(0))
    }

    /// `_count` of the duration histogram of an operation.
    pub fn observed(&self, module: &str, op: &str, kind: &str) -> Option<u64> {
        self.value(
            &format!("rustok_{module}_operation_duration_seconds_count"),
            &[("operation", op), ("kind", kind)],
        )
        .map(to_count)
    }

    /// `_sum` of the duration histogram of an operation with an empty kind:
    /// the seconds its calls took, all together.
    pub fn duration_sum(&self, module: &str, op: &str) -> Option<f64> {
        self.value(
            &format!("rustok_{module}_operation_duration_seconds_sum"),
            &[("operation", op), ("kind", "")],
        )
    }

    /// How many calls of an operation with an empty kind took at most `le`
    /// seconds (the histogram's bucket).
    pub fn calls_within(&self, module: &str, op: &str, le: &str) -> Option<u64> {
        self.value(
            &format!("rustok_{module}_operation_duration_seconds_bucket"),
            &[("operation", op), ("kind", ""), ("le", le)],
        )
        .map(to_count)
    }

    /// Names of all families that have a sample.
    pub fn has_family(&self, name: &str) -> bool {
        self.samples.iter().any(|s| s.name == name)
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn to_count(value: f64) -> u64 {
    assert!(value >= 0.0 && value.fract() == 0.0, "not a count: {value}");
    value as u64
}

fn parse_sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let name = line[..name_end].to_owned();
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(after_brace) = rest.strip_prefix('{') {
        let mut chars = after_brace.char_indices().peekable();
        loop {
            let (start, c) = chars.next()?;
            if c == '}' {
                rest = &after_brace[start + 1..];
                break;
            }
            if c == ',' {
                continue;
            }
            let eq = after_brace[start..].find('=')? + start;
            let key = after_brace[start..eq].to_owned();
            while chars.peek()?.0 <= eq + 1 {
                chars.next();
            }
            let mut value = String::new();
            loop {
                let (_, c) = chars.next()?;
                match c {
                    '"' => break,
                    '\\' => match chars.next()?.1 {
                        'n' => value.push('\n'),
                        other => value.push(other),
                    },
                    other => value.push(other),
                }
            }
            labels.insert(key, value);
        }
    }
    let value = rest.trim().split(' ').next()?.parse().ok()?;
    Some(Sample {
        name,
        labels,
        value,
    })
}

/// Polls a future to completion on this thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

/// A future that is pending on its first poll and ready on the second.
pub struct YieldOnce(pub bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[test]
fn parser_reads_escaped_labels() {
    let sample = parse_sample(r#"m{a="x\"y",b="1\\2\n"} 3"#).unwrap();
    assert_eq!(sample.labels["a"], "x\"y");
    assert_eq!(sample.labels["b"], "1\\2\n");
    assert!((sample.value - 3.0).abs() < f64::EPSILON);
}
