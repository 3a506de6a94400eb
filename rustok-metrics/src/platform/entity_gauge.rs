//! A gauge of entities by kind, with the crate's bounded-label rule.

use prometheus::{IntGaugeVec, Opts};

use crate::MetricLabel;
use crate::proto::valid;
use crate::registry::{Adopted, adopt};

/// A gauge family with one label, `kind`: how many entities of each kind
/// exist. Kinds are [`MetricLabel`] values (an enum, or a `&'static str`),
/// never strings from data, so the series stay few.
///
/// ```
/// let nodes = rustok_metrics::platform::content::nodes();
/// nodes.set("post", 12);
/// nodes.inc("post");
/// assert_eq!(nodes.get("post"), 13);
/// ```
#[derive(Debug)]
pub struct EntityGauge {
    family: IntGaugeVec,
}

impl EntityGauge {
    pub(super) fn new(name: &str, help: &str) -> Self {
        let family = valid(IntGaugeVec::new(Opts::new(name, help), &["kind"]));
        adopt(Adopted::Prometheus(Box::leak(Box::new(family.clone()))));
        EntityGauge { family }
    }

    /// Sets the count of `kind`.
    pub fn set(&self, kind: impl MetricLabel, value: i64) {
        self.family
            .with_label_values(&[kind.metric_label()])
            .set(value);
    }

    /// Adds one to the count of `kind`.
    pub fn inc(&self, kind: impl MetricLabel) {
        self.family.with_label_values(&[kind.metric_label()]).inc();
    }

    /// Subtracts one from the count of `kind`.
    pub fn dec(&self, kind: impl MetricLabel) {
        self.family.with_label_values(&[kind.metric_label()]).dec();
    }

    /// The current count of `kind` (0 if never set).
    #[must_use]
    pub fn get(&self, kind: impl MetricLabel) -> i64 {
        self.family.with_label_values(&[kind.metric_label()]).get()
    }

    /// The underlying family, for code written against `prometheus` directly.
    #[must_use]
    pub fn family(&self) -> &IntGaugeVec {
        &self.family
    }
}
