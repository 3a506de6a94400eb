//! The `rustok_http_*` families: one recorder per (method, route), the same
//! per-thread recording as `#[metered]`. A request that got a response ends
//! [`Status::Success`] tagged with the response status (an error from the
//! inner service: [`Status::Error`] tagged `500`); one whose handler panicked
//! ends [`Status::Panic`] and renders as `500`; one the client abandoned
//! ends [`Status::Cancelled`] and renders as `499`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::http::{Method, StatusCode};
use prometheus::core::Desc;
use prometheus::{IntGauge, Opts};

use crate::model::{Bounds, FamilyType, Head, Histogram, Labels, Scalar, Sink, Value};
use crate::module::DEFAULT_DURATION_BUCKETS;
use crate::outcome::Status;
use crate::proto::{desc, valid};
use crate::record::{BoundedTable, NativeLayout, Recorder, Snapshot};
use crate::registry::{Adopted, OwnFamily, adopt};
use crate::same_text::same_text;
use crate::trace::Exemplar;

/// (method, route) pairs kept; the rest are counted under `route="other"`.
const MAX_ROUTES: usize = 512;

/// Request durations in native buckets too, with a module's defaults.
static NATIVE: LazyLock<NativeLayout> = LazyLock::new(|| NativeLayout::new(3, 160));

fn new_recorder() -> Recorder {
    Recorder::new(&DEFAULT_DURATION_BUCKETS, Some(&NATIVE))
}

pub(crate) struct HttpSeries {
    requests: Desc,
    durations: Desc,
    routes: BoundedTable<(&'static str, &'static str), Recorder>,
    other_routes: Recorder,
    pub(crate) in_flight: IntGauge,
}

static HTTP: LazyLock<&'static HttpSeries> = LazyLock::new(|| {
    let series: &'static HttpSeries = Box::leak(Box::new(HttpSeries::new()));
    adopt(Adopted::Prometheus(Box::leak(Box::new(
        series.in_flight.clone(),
    ))));
    adopt(Adopted::Ours(Box::leak(Box::new(HttpFamilies(series)))));
    series
});

/// The HTTP families, registered on first use.
pub(crate) fn http_series() -> &'static HttpSeries {
    &HTTP
}

impl HttpSeries {
    fn new() -> Self {
        let desc = |name: &str, help: &str, labels: &[&str]| {
            desc(name.to_owned(), help.to_owned(), labels)
        };
        HttpSeries {
            requests: desc(
                "rustok_http_requests_total",
                "HTTP requests by method, matched route template and response status (499: the client went away first).",
                &["method", "route", "status"],
            ),
            durations: desc(
                "rustok_http_request_duration_seconds",
                "Duration in seconds of HTTP requests until the response head, by method and matched route template.",
                &["method", "route"],
            ),
            routes: BoundedTable::new(MAX_ROUTES),
            other_routes: new_recorder(),
            in_flight: valid(IntGauge::with_opts(Opts::new(
                "rustok_http_requests_in_flight",
                "HTTP requests being served now.",
            ))),
        }
    }

    /// The recorder of `(method, route)`; `route` is a matched route template
    /// or `unmatched`, so the set is bounded by the application's routes.
    pub(crate) fn recorder(
        &'static self,
        method: &Method,
        route: Option<&str>,
    ) -> &'static Recorder {
        let method = method_label(method);
        let route = route.unwrap_or("unmatched");
        self.routes
            .get_or_add(
                |(known_method, known_route)| {
                    same_text(known_method, method) && same_text(known_route, route)
                },
                || {
                    let route: &'static str = Box::leak(route.into());
                    ((method, route), new_recorder())
                },
            )
            .unwrap_or(&self.other_routes)
    }
}

/// The standard methods by name; anything else is `other`.
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::CONNECT, "CONNECT"),
        (Method::TRACE, "TRACE"),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| known == method)
        .map_or("other", |(_, label)| label)
}

/// The label of a response status: `"200"`, ..., `"599"`, else `"other"`.
pub(crate) fn status_label(status: StatusCode) -> &'static str {
    static LABELS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        (100..600)
            .map(|code: u16| &*Box::leak(code.to_string().into_boxed_str()))
            .collect()
    });
    LABELS
        .get(usize::from(status.as_u16()).wrapping_sub(100))
        .copied()
        .unwrap_or("other")
}

struct HttpFamilies(&'static HttpSeries);

impl OwnFamily for HttpFamilies {
    fn descs(&self) -> Vec<&Desc> {
        vec![&self.0.durations, &self.0.requests]
    }

    /// Both families from one read of each recorder, so a route's request
    /// counts always add up to its histogram's `_count`.
    fn write(&self, sink: &mut dyn Sink) {
        static BOUNDS: LazyLock<Bounds> = LazyLock::new(|| Bounds::new(&DEFAULT_DURATION_BUCKETS));
        let series = self.0;
        let routes = series
            .routes
            .iter()
            .map(|((method, route), recorder)| (*method, *route, recorder));
        let other = ("other", "other", &series.other_routes);
        let with_native = sink.wants_native();
        let snapshots: Vec<(&str, &str, Snapshot)> = routes
            .chain([other])
            .map(|(method, route, recorder)| {
                let mut snapshot = Snapshot::default();
                recorder.add_to(&mut snapshot, with_native);
                (method, route, snapshot)
            })
            .filter(|(_, route, snapshot)| snapshot.total() > 0 || *route != "other")
            .collect();
        if snapshots.is_empty() {
            return;
        }
        let head = |desc: &'static Desc, family_type, unit| Head {
            name: &desc.fq_name,
            help: &desc.help,
            family_type,
            unit,
        };
        sink.begin_family(&head(&series.durations, FamilyType::Histogram, "seconds"));
        let mut cumulative = Vec::with_capacity(BOUNDS.len());
        for (method, route, snapshot) in &snapshots {
            cumulative.clear();
            cumulative.extend(snapshot.buckets.iter().scan(0, |running, count| {
                *running += count;
                Some(*running)
            }));
            cumulative.resize(BOUNDS.len(), snapshot.buckets.iter().sum());
            let native = with_native.then(|| NATIVE.buckets(&snapshot.native));
            sink.histogram(
                Labels::new(&[("method", method), ("route", route)]),
                &Histogram {
                    bounds: &BOUNDS,
                    cumulative: &cumulative,
                    count: snapshot.total(),
                    sum: Value::Nanos(snapshot.sum_nanos),
                    timestamp_ms: None,
                    exemplars: &snapshot.bucket_exemplars,
                    native: native.as_ref(),
                },
            );
        }
        sink.end_family();
        sink.begin_family(&head(&series.requests, FamilyType::Counter, ""));
        for (method, route, snapshot) in &snapshots {
            for (status, (count, exemplar)) in by_response_status(snapshot) {
                sink.scalar(
                    Labels::new(&[("method", method), ("route", route), ("status", status)]),
                    &Scalar {
                        value: Value::Count(count),
                        timestamp_ms: None,
                        exemplar,
                    },
                );
            }
        }
        sink.end_family();
    }
}

/// Requests by response status, with the latest exemplar of each: the
/// status codes they were tagged with, plus requests the client abandoned
/// (`499`) and handlers that panicked (`500`).
fn by_response_status(snapshot: &Snapshot) -> BTreeMap<&'static str, (u64, Option<Exemplar>)> {
    let mut counts: BTreeMap<&'static str, (u64, Option<Exemplar>)> = BTreeMap::new();
    let mut add = |status, count, exemplar| {
        let (total, latest) = counts.entry(status).or_default();
        *total += count;
        *latest = Exemplar::latest(*latest, exemplar);
    };
    for &(end, status, count) in &snapshot.tagged {
        add(status, count, snapshot.exemplar(end, Some(status)));
    }
    for (end, status) in [(Status::Cancelled, "499"), (Status::Panic, "500")] {
        let count = snapshot.calls(end);
        if count > 0 {
            add(status, count, snapshot.exemplar(end, None));
        }
    }
    counts
}
