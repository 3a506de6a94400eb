//! The metric families of one module, created on first use.
//!
//! `rustok_<module>_operations_total{operation,kind,status}` and
//! `rustok_<module>_operation_duration_seconds{operation,kind}` are made the
//! first time a metered call or an accessor touches the module. Until then
//! its duration buckets may be set; after, they are fixed, so every series of
//! a family shares one bucket layout, as Prometheus aggregation requires.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use prometheus::core::Desc;

use crate::TelemetryError;
use crate::by_hand::{OperationDurations, OperationsTotal};
use crate::call_site::{CallSite, SiteEntry};
use crate::collector::ModuleCollector;
use crate::lock::lock;
use crate::registry::register;

/// The two families every module has.
///
/// Metered calls are counted by their call sites; [`operations_total`] and
/// [`operation_duration_seconds`] are for code that records by hand (or
/// through the old static names). The module's collector adds both up into
/// one series per label set.
///
/// [`operations_total`]: Self::operations_total
/// [`operation_duration_seconds`]: Self::operation_duration_seconds
///
/// ```
/// let families = rustok_metrics::module_metrics("docs_module")?;
/// families.operations_total().with_label_values(&["import", "", "success"]).inc();
/// assert_eq!(families.name(), "docs_module");
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
#[derive(Debug)]
pub struct ModuleMetrics {
    name: String,
    operations_desc: Desc,
    durations_desc: Desc,
    operations_total: OperationsTotal,
    operation_duration_seconds: OperationDurations,
    /// Finite upper bounds of the duration buckets, in seconds.
    bounds: Vec<f64>,
    /// Distinct computed `kind` values a call site keeps.
    label_cap: usize,
    /// Every call site of the module: those registered before `main`, and
    /// any other (made at run time) from its first call on.
    sites: Mutex<Vec<&'static CallSite>>,
}

impl ModuleMetrics {
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

    /// The descriptions of the two families: names, help and labels.
    pub(crate) fn descs(&self) -> [&Desc; 2] {
        [&self.operations_desc, &self.durations_desc]
    }

    /// This module's two families as [`registry()`](crate::registry)
    /// gathers them: every call site's counts plus what was recorded by hand
    /// into the families above, one series per label set. For rendering one
    /// module alone; [`render_metrics`](crate::render_metrics) includes it.
    ///
    /// ```
    /// let families = rustok_metrics::module_metrics("docs_collect")?.collect();
    /// assert_eq!(families[0].name(), "rustok_docs_collect_operations_total");
    /// # Ok::<(), rustok_metrics::TelemetryError>(())
    /// ```
    #[must_use]
    pub fn collect(&self) -> Vec<prometheus::proto::MetricFamily> {
        crate::collector::collect(self)
    }

    pub(crate) fn bounds(&self) -> &[f64] {
        &self.bounds
    }

    pub(crate) fn label_cap(&self) -> usize {
        self.label_cap
    }

    /// Every call site of this module, called yet or not.
    pub(crate) fn sites(&self) -> Vec<&'static CallSite> {
        lock(&self.sites).clone()
    }

    /// Makes sure `site` is rendered: a no-op for the sites `inventory`
    /// registered, needed for one built at run time.
    pub(crate) fn include(&self, site: &'static CallSite) {
        let mut sites = lock(&self.sites);
        if !sites.iter().any(|known| std::ptr::eq(*known, site)) {
            sites.push(site);
        }
    }
}

/// What can be set about a module before its families exist.
#[derive(Clone)]
struct Settings {
    buckets: Vec<f64>,
    label_cap: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            buckets: prometheus::DEFAULT_BUCKETS.to_vec(),
            label_cap: DEFAULT_LABEL_CAP,
        }
    }
}

/// Distinct computed `kind` values a call site keeps unless configured.
pub const DEFAULT_LABEL_CAP: usize = 64;

/// The largest label cap [`set_label_cap`] accepts.
pub const MAX_LABEL_CAP: usize = 1024;

enum Slot {
    /// Settings chosen, families not made yet.
    Configured(Settings),
    Live(&'static ModuleMetrics),
}

static MODULES: LazyLock<Mutex<HashMap<String, Slot>>> = LazyLock::new(Mutex::default);

/// The families of `module`, created (and registered in
/// [`registry()`](crate::registry)) on first use.
///
/// # Errors
/// [`TelemetryError::InvalidModule`] when `module` is not `[a-z][a-z0-9_]*`.
pub fn module_metrics(module: &str) -> Result<&'static ModuleMetrics, TelemetryError> {
    if is_metric_name_segment(module) {
        Ok(live(module))
    } else {
        Err(TelemetryError::InvalidModule {
            module: module.to_owned(),
        })
    }
}

/// The histogram buckets (upper bounds in seconds) of
/// `rustok_<module>_operation_duration_seconds`. Call it at start-up: once the
/// module's families exist, the buckets can no longer change. Modules without
/// a setting use Prometheus' standard buckets, `0.005` to `10` seconds.
///
/// ```
/// rustok_metrics::set_duration_buckets("docs_search", vec![0.001, 0.01, 0.1])?;
///
/// #[rustok_metrics::metered(module = "docs_search", op = "query")]
/// fn query() {}
/// query();
///
/// let err = rustok_metrics::set_duration_buckets("docs_search", vec![1.0]).unwrap_err();
/// assert!(matches!(err, rustok_metrics::TelemetryError::ModuleInUse { .. }));
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] for a bad name,
/// [`TelemetryError::InvalidBuckets`] unless the bounds are finite, positive
/// and strictly increasing, and [`TelemetryError::ModuleInUse`] when the
/// module's families already exist.
pub fn set_duration_buckets(module: &str, buckets: Vec<f64>) -> Result<(), TelemetryError> {
    if !is_metric_name_segment(module) {
        return Err(TelemetryError::InvalidModule {
            module: module.to_owned(),
        });
    }
    if let Some(reason) = bucket_problem(&buckets) {
        return Err(TelemetryError::InvalidBuckets {
            module: module.to_owned(),
            reason,
        });
    }
    configure(module, |settings| settings.buckets = buckets)
}

/// How many distinct values a call site with a computed `kind` keeps before
/// counting new ones as `kind="other"` (and in
/// `rustok_metrics_label_overflow_total`). 64 unless set; set it at start-up,
/// before the module's first use.
///
/// ```
/// rustok_metrics::set_label_cap("docs_cap", 8)?;
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] for a bad name,
/// [`TelemetryError::InvalidLabelCap`] for 0 or more than [`MAX_LABEL_CAP`],
/// and [`TelemetryError::ModuleInUse`] when the module's families already
/// exist.
pub fn set_label_cap(module: &str, cap: usize) -> Result<(), TelemetryError> {
    if !is_metric_name_segment(module) {
        return Err(TelemetryError::InvalidModule {
            module: module.to_owned(),
        });
    }
    if cap == 0 || cap > MAX_LABEL_CAP {
        return Err(TelemetryError::InvalidLabelCap {
            module: module.to_owned(),
            cap,
        });
    }
    configure(module, |settings| settings.label_cap = cap)
}

fn configure(module: &str, change: impl FnOnce(&mut Settings)) -> Result<(), TelemetryError> {
    let mut modules = lock(&MODULES);
    let slot = modules
        .entry(module.to_owned())
        .or_insert_with(|| Slot::Configured(Settings::default()));
    match slot {
        Slot::Live(_) => Err(TelemetryError::ModuleInUse {
            module: module.to_owned(),
        }),
        Slot::Configured(settings) => {
            change(settings);
            Ok(())
        }
    }
}

fn bucket_problem(buckets: &[f64]) -> Option<&'static str> {
    if buckets.is_empty() {
        Some("give at least one upper bound")
    } else if !buckets.iter().all(|b| b.is_finite() && *b > 0.0) {
        Some("every bound must be a finite number of seconds above zero")
    } else if !buckets.windows(2).all(|pair| pair[0] < pair[1]) {
        Some("bounds must be strictly increasing")
    } else {
        None
    }
}

/// The families of a module whose name is already known to be valid.
pub(crate) fn live(module: &str) -> &'static ModuleMetrics {
    let mut modules = lock(&MODULES);
    let settings = match modules.get(module) {
        Some(Slot::Live(metrics)) => return metrics,
        Some(Slot::Configured(settings)) => settings.clone(),
        None => Settings::default(),
    };
    let metrics: &'static ModuleMetrics = Box::leak(Box::new(create(module, settings)));
    register(Box::new(ModuleCollector::new(metrics)), module);
    modules.insert(module.to_owned(), Slot::Live(metrics));
    metrics
}

fn create(module: &str, settings: Settings) -> ModuleMetrics {
    let Settings { buckets, label_cap } = settings;
    let operations_desc = valid(Desc::new(
        format!("rustok_{module}_operations_total"),
        format!(
            "Calls of {module} operations, by operation, kind and how they ended (status: success, error, panic, cancelled)."
        ),
        vec![
            "operation".into(),
            "kind".into(),
            "status".into(),
            "error_kind".into(),
        ],
        HashMap::new(),
    ));
    let durations_desc = valid(Desc::new(
        format!("rustok_{module}_operation_duration_seconds"),
        format!(
            "Duration in seconds of {module} operations, including time suspended, by operation and kind."
        ),
        vec!["operation".into(), "kind".into()],
        HashMap::new(),
    ));
    ModuleMetrics {
        name: module.to_owned(),
        operations_desc,
        durations_desc,
        operations_total: OperationsTotal::default(),
        operation_duration_seconds: OperationDurations::new(&buckets),
        bounds: buckets,
        label_cap,
        sites: Mutex::new(
            inventory::iter::<SiteEntry>()
                .map(|entry| entry.0)
                .filter(|site| site.module() == module)
                .collect(),
        ),
    }
}

/// Prometheus only rejects a family for an invalid name, empty help or bad
/// label names; ours are checked before this point (`is_metric_name_segment`,
/// fixed help and labels, validated buckets), so this cannot fail.
pub(crate) fn valid<T>(family: prometheus::Result<T>) -> T {
    match family {
        Ok(family) => family,
        Err(error) => unreachable!("rustok-metrics built an invalid family: {error}"),
    }
}

/// `[a-z][a-z0-9_]*`: what may stand between `rustok_` and `_operations_total`.
pub(crate) const fn is_metric_name_segment(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_lowercase() {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{bucket_problem, is_metric_name_segment};

    #[test]
    fn metric_name_segments() {
        for good in ["content", "a", "http2", "order_items"] {
            assert!(is_metric_name_segment(good), "{good}");
        }
        for bad in ["", "Content", "2fa", "_x", "a-b", "a b", "é"] {
            assert!(!is_metric_name_segment(bad), "{bad}");
        }
    }

    #[test]
    fn bucket_rules() {
        assert_eq!(bucket_problem(&[0.1, 1.0]), None);
        assert!(bucket_problem(&[]).is_some());
        assert!(bucket_problem(&[0.0]).is_some());
        assert!(bucket_problem(&[f64::INFINITY]).is_some());
        assert!(bucket_problem(&[1.0, 0.5]).is_some());
    }
}
