//! A module's families and everything that feeds them.

use std::sync::{Arc, Mutex};

use prometheus::core::Desc;

use super::by_hand::{OperationDurations, OperationsTotal};
// The one circle in this folder: a module lists its call sites (to render
// their series at zero before their first call) and a call site records into
// its module's settings. `call_site` reaches this file only through that.
use super::call_site::{CallSite, SiteEntry};
use super::series_index::{Counts, SeriesIndex};
use super::settings::Settings;
use crate::lock::lock;
use crate::model::Bounds;
use crate::proto::desc;
use crate::record::{NativeLayout, Recorder};

/// The families every module has:
/// `rustok_<module>_operations_total{operation, kind, status, error_kind}`,
/// `rustok_<module>_operation_duration_seconds{operation, kind}` and
/// `rustok_<module>_operations_in_flight{operation, kind}`.
///
/// Metered calls are counted by their call sites; [`operations_total`] and
/// [`operation_duration_seconds`] are for code that records by hand. Both
/// add up into one series per label set.
///
/// [`operations_total`]: Self::operations_total
/// [`operation_duration_seconds`]: Self::operation_duration_seconds
///
/// ```
/// let families = rustok_metrics::by_hand::module_metrics("docs_families")?;
/// families.operations_total().with_label_values(&["import", "", "success"]).inc();
/// assert_eq!(families.name(), "docs_families");
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
#[derive(Debug)]
pub struct ModuleMetrics {
    name: String,
    operations_desc: Desc,
    durations_desc: Desc,
    in_flight_desc: Desc,
    operations_total: OperationsTotal,
    operation_duration_seconds: OperationDurations,
    settings: Settings,
    /// The duration buckets' bounds with their `le` labels.
    bounds: Bounds,
    /// The native buckets of every series, when the module records them.
    native: Option<&'static NativeLayout>,
    /// Every call site of the module: those registered before `main`, and
    /// any other (built at run time) from its first call on.
    sites: Mutex<Vec<&'static CallSite>>,
    /// The call sites' label sets in label order, as the last render found
    /// them.
    series_index: Mutex<Option<Arc<SeriesIndex>>>,
}

impl ModuleMetrics {
    /// Makes a module's families and adopts them into the registry.
    pub(super) fn create(module: &str, mut settings: Settings) -> &'static ModuleMetrics {
        let sites: Vec<&'static CallSite> = inventory::iter::<SiteEntry>()
            .map(|entry| entry.0)
            .filter(|site| site.operation().module() == module)
            .collect();
        // Every latency threshold is a bucket bound, so the rules count the
        // calls within it exactly.
        let thresholds = sites
            .iter()
            .filter_map(|site| site.operation().objective()?.latency_objective());
        for latency in thresholds {
            settings.add_bound(latency.threshold().as_secs_f64());
        }
        let operations_desc = desc(
            format!("rustok_{module}_operations_total"),
            format!(
                "Calls of {module} operations, by operation, kind, how they ended (status: success, error, panic, cancelled) and error kind."
            ),
            &["operation", "kind", "status", "error_kind"],
        );
        let durations_desc = desc(
            format!("rustok_{module}_operation_duration_seconds"),
            format!(
                "Duration in seconds of {module} operations, including time suspended, by operation and kind."
            ),
            &["operation", "kind"],
        );
        let in_flight_desc = desc(
            format!("rustok_{module}_operations_in_flight"),
            format!(
                "Calls of {module} operations started and not ended yet, by operation and kind."
            ),
            &["operation", "kind"],
        );
        let native = settings.native.map(|native| {
            &*Box::leak(Box::new(NativeLayout::new(
                native.schema_value(),
                native.max_buckets_value(),
            )))
        });
        let metrics: &'static ModuleMetrics = Box::leak(Box::new(ModuleMetrics {
            name: module.to_owned(),
            operations_desc,
            durations_desc,
            in_flight_desc,
            operations_total: OperationsTotal::default(),
            operation_duration_seconds: OperationDurations::new(&settings.buckets, native),
            bounds: Bounds::new(&settings.buckets),
            native,
            settings,
            sites: Mutex::new(sites),
            series_index: Mutex::new(None),
        }));
        metrics
    }

    /// The module name, as in `rustok_<name>_operations_total`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `rustok_<module>_operations_total{operation, kind, status}`, to count by
    /// hand (rendered with `error_kind=""`).
    #[must_use]
    pub fn operations_total(&self) -> &OperationsTotal {
        &self.operations_total
    }

    /// `rustok_<module>_operation_duration_seconds{operation, kind}`, to observe by hand.
    #[must_use]
    pub fn operation_duration_seconds(&self) -> &OperationDurations {
        &self.operation_duration_seconds
    }

    /// The descriptions of the families: calls, durations and calls in
    /// flight.
    pub(super) fn descs(&self) -> [&Desc; 3] {
        [
            &self.operations_desc,
            &self.durations_desc,
            &self.in_flight_desc,
        ]
    }

    /// A recorder for one more series of this module.
    pub(super) fn new_recorder(&self) -> Recorder {
        Recorder::new(&self.settings.buckets, self.native)
    }

    /// The native-bucket layout of every series, if the module has one.
    pub(super) fn native_layout(&self) -> Option<&'static NativeLayout> {
        self.native
    }

    /// The same bounds with their `le` labels, for rendering.
    pub(super) fn labelled_bounds(&self) -> &Bounds {
        &self.bounds
    }

    pub(super) fn label_cap(&self) -> usize {
        self.settings.label_cap
    }

    /// Every call site of this module, called yet or not.
    pub(super) fn sites(&self) -> Vec<&'static CallSite> {
        lock(&self.sites).clone()
    }

    /// The call sites' label sets in label order, made again only when a
    /// site, a kind or a recorder was added since the last render (all
    /// only ever grow, so unchanged counts mean unchanged sets).
    pub(super) fn series_index(&self) -> Arc<SeriesIndex> {
        let sites = self.sites();
        let mut counts = Counts::default();
        for site in &sites {
            counts.add_site(site.kinds_and_recorders());
        }
        let mut kept = lock(&self.series_index);
        if let Some(index) = kept.as_ref().filter(|index| index.counts() == counts) {
            return Arc::clone(index);
        }
        let mut label_sets = Vec::new();
        for site in &sites {
            let operation = site.operation().operation();
            site.for_each_kind(|kind, recorder| label_sets.push((kind, operation, recorder)));
        }
        let index = Arc::new(SeriesIndex::new(counts, label_sets));
        *kept = Some(Arc::clone(&index));
        index
    }

    /// Makes sure `site` is rendered. The sites `inventory` registered are
    /// known from the start; this is for a call site built at run time (the
    /// render benchmark builds a thousand).
    pub(super) fn join(&self, site: &'static CallSite) {
        let mut sites = lock(&self.sites);
        if !sites.iter().any(|known| std::ptr::eq(*known, site)) {
            sites.push(site);
        }
    }
}
