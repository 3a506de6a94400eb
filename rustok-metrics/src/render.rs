//! Rendering the registry for a scrape.

use prometheus::{Registry, TextEncoder};

use crate::TelemetryError;
use crate::module::make_catalogue_live;
use crate::registry::{claim_names, problems, registry};

/// Renders every metric in [`registry()`] in the Prometheus text format 0.0.4,
/// the body a `/metrics` endpoint serves.
///
/// # Errors
/// [`TelemetryError::Registration`] when one of our families could not be
/// registered (another collector took its name), and
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
        make_catalogue_live();
        claim_names();
        let problems = problems();
        if !problems.is_empty() {
            return Err(TelemetryError::Registration { problems });
        }
        let mut text = String::new();
        TextEncoder::new().encode_utf8(&self.registry().gather(), &mut text)?;
        Ok(text)
    }
}
