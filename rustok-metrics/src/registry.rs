//! The process-wide registry, and rendering it for a scrape.

use std::sync::{LazyLock, Mutex, Once};

use prometheus::core::Collector;
use prometheus::{IntCounterVec, Opts, Registry, TextEncoder};

use crate::TelemetryError;
use crate::lock::lock;
use crate::module::{live, valid};

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let registry = Registry::new();
    #[cfg(target_os = "linux")]
    register_into(
        &registry,
        Box::new(prometheus::process_collector::ProcessCollector::for_self()),
        "process metrics",
    );
    registry
});

/// Families that failed to register. Kept, not panicked on, because they are
/// found on a caller's path; every render reports them until fixed.
static REGISTRATION_PROBLEMS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The registry every `#[metered]` function records into.
///
/// It also holds the process metrics on Linux (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, ...). Register your own collectors here
/// to have them rendered by [`render_metrics`].
///
/// ```
/// use rustok_metrics::prometheus::{IntCounter, Opts};
///
/// let jobs = IntCounter::with_opts(Opts::new("docs_jobs_total", "Jobs run.")).unwrap();
/// rustok_metrics::registry().register(Box::new(jobs.clone())).unwrap();
/// jobs.inc();
/// assert!(rustok_metrics::render_metrics().unwrap().contains("docs_jobs_total 1"));
/// ```
#[must_use]
pub fn registry() -> &'static Registry {
    &REGISTRY
}

static LABEL_OVERFLOW_TOTAL: LazyLock<IntCounterVec> = LazyLock::new(|| {
    let family = valid(IntCounterVec::new(
        Opts::new(
            "rustok_metrics_label_overflow_total",
            "Calls counted as kind=\"other\" because their call site already kept its cap of distinct computed kinds, by module and operation.",
        ),
        &["module", "operation"],
    ));
    register(
        Box::new(family.clone()),
        "rustok_metrics_label_overflow_total",
    );
    family
});

/// `rustok_metrics_label_overflow_total{module, operation}`.
pub(crate) fn label_overflow_total() -> &'static IntCounterVec {
    &LABEL_OVERFLOW_TOTAL
}

/// Creates the families of every module that has a metered function, so
/// their series exist, at zero, from the first render on.
fn register_catalogue() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for operation in crate::operations() {
            live(operation.module());
        }
    });
}

/// Registers a family of ours; a failure is kept for the next render.
pub(crate) fn register(collector: Box<dyn Collector>, what: &str) {
    register_into(&REGISTRY, collector, what);
}

fn register_into(registry: &Registry, collector: Box<dyn Collector>, what: &str) {
    if let Err(error) = registry.register(collector) {
        lock(&REGISTRATION_PROBLEMS).push(format!("{what}: {error}"));
    }
}

/// Renders every metric in [`registry()`] in the Prometheus text format 0.0.4,
/// the body a `/metrics` endpoint serves.
///
/// # Errors
/// [`TelemetryError::Registration`] when one of our families could not be
/// registered (its series would be missing), and
/// [`TelemetryError::Prometheus`] when encoding fails.
///
/// ```
/// #[rustok_metrics::metered(module = "docs_render", op = "ping")]
/// fn ping() {}
///
/// ping();
/// let text = rustok_metrics::render_metrics()?;
/// assert!(text.contains(
///     r#"rustok_docs_render_operations_total{error_kind="",kind="",operation="ping",status="success"} 1"#
/// ));
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
pub fn render_metrics() -> Result<String, TelemetryError> {
    MetricsHandle::new().render()
}

/// A cheap, copyable handle to the process-wide registry, for code that
/// passes its telemetry around (application state, a metrics controller).
///
/// ```
/// use rustok_metrics::MetricsHandle;
///
/// let handle = MetricsHandle::new();
/// assert!(std::ptr::eq(handle.registry(), rustok_metrics::registry()));
/// let _text: String = handle.render()?;
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct MetricsHandle {
    _private: (),
}

impl MetricsHandle {
    /// A handle to the process-wide registry.
    #[must_use]
    pub fn new() -> Self {
        MetricsHandle { _private: () }
    }

    /// The registry behind this handle: [`registry()`].
    #[must_use]
    pub fn registry(&self) -> &'static Registry {
        registry()
    }

    /// The text exposition of the registry: see [`render_metrics`].
    ///
    /// # Errors
    /// As [`render_metrics`].
    pub fn render(&self) -> Result<String, TelemetryError> {
        register_catalogue();
        let problems = lock(&REGISTRATION_PROBLEMS).clone();
        if !problems.is_empty() {
            return Err(TelemetryError::Registration { problems });
        }
        let mut text = String::new();
        TextEncoder::new().encode_utf8(&self.registry().gather(), &mut text)?;
        Ok(text)
    }
}
