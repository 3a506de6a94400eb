//! Rendering for a scrape: every family of the registry, in any format
//! Prometheus reads, written straight into the caller's buffer.
//!
//! - `format`: the formats and choosing one from an `Accept` header;
//! - `text`: Prometheus text 0.0.4 and OpenMetrics 1.0 text;
//! - `protobuf`: delimited `io.prometheus.client.MetricFamily` messages;
//! - `foreign`: what other collectors gather, into the model;
//! - `numbers`: numbers as the text formats write them.
//!
//! Our families write themselves into an encoder from their recorders
//! (`registry::OwnFamily`); families are written in name order (a module's
//! families as one block, placed by its first name), ours
//! interleaved with the others', as `prometheus`' own gather orders them.

mod foreign;
mod format;
mod numbers;
mod protobuf;
mod text;

use std::sync::atomic::{AtomicUsize, Ordering};

use prometheus::Registry;
use prometheus::proto::MetricFamily;

pub use format::Format;

use crate::TelemetryError;
use crate::model::Sink;
use crate::module::{duplicate_declarations, make_catalogue_live};
use crate::registry::{
    Adopted, OwnFamily, adopted, claim_names, gather_others, problems, registry,
};
use protobuf::ProtobufEncoder;
use text::{Flavor, TextEncoder};

/// Renders every metric in [`registry()`] in the Prometheus text format 0.0.4,
/// the body a `/metrics` endpoint serves.
///
/// # Errors
/// [`TelemetryError::Registration`] when one of our families could not be
/// registered (another collector took its name).
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
/// assert!(std::ptr::eq(handle.registry(), rustok_metrics::by_hand::registry()));
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
        // The last render's size: this one grows its buffer at most once.
        static LAST_LENGTH: AtomicUsize = AtomicUsize::new(0);
        let last = LAST_LENGTH.load(Ordering::Relaxed);
        let mut out = String::with_capacity(last + last / 16);
        let others = prepare()?;
        let families = Families::read(&others);
        encode_text(Flavor::Prometheus004, &mut out, |sink| families.write(sink));
        LAST_LENGTH.store(out.len(), Ordering::Relaxed);
        Ok(out)
    }

    /// Renders every metric in the registry in `format`, appended to `out`.
    ///
    /// One pass writes every line straight into `out`: keep the buffer
    /// between scrapes and a render allocates little beyond what it first
    /// grew to. [`Format::from_accept`] picks the format a scraper asked
    /// for, and [`Format::content_type`] labels the response.
    ///
    /// # Errors
    /// As [`render_metrics`]; `out` is left as it was.
    ///
    /// ```
    /// use rustok_metrics::{Format, MetricsHandle};
    ///
    /// #[rustok_metrics::metered(module = "docs_render_into", op = "ping")]
    /// fn ping() {}
    ///
    /// ping();
    /// let mut body = Vec::new();
    /// MetricsHandle::new().render_into(Format::OpenMetrics, &mut body)?;
    /// let text = String::from_utf8(body).unwrap();
    /// assert!(text.contains("# TYPE rustok_docs_render_into_operations counter\n"));
    /// assert!(text.contains(
    ///     r#"rustok_docs_render_into_operations_total{error_kind="",kind="",operation="ping",status="success"} 1"#
    /// ));
    /// assert!(text.ends_with("# EOF\n"));
    /// # Ok::<(), rustok_metrics::TelemetryError>(())
    /// ```
    pub fn render_into(&self, format: Format, out: &mut Vec<u8>) -> Result<(), TelemetryError> {
        let others = prepare()?;
        let families = Families::read(&others);
        encode(format, out, |sink| families.write(sink));
        Ok(())
    }
}

/// What a render does before it writes: every module live, names claimed,
/// no registration problem; then the other collectors' families.
fn prepare() -> Result<Vec<MetricFamily>, TelemetryError> {
    make_catalogue_live();
    claim_names();
    let modules = duplicate_declarations();
    if !modules.is_empty() {
        return Err(TelemetryError::DuplicateSettings { modules });
    }
    let problems = problems();
    if !problems.is_empty() {
        return Err(TelemetryError::Registration { problems });
    }
    Ok(gather_others())
}

impl crate::module::ModuleMetrics {
    /// This module's families alone, in `format`, appended to `out`:
    /// for an endpoint per module, or to measure one module's render.
    /// [`MetricsHandle::render_into`] includes them with everything else.
    ///
    /// ```
    /// use rustok_metrics::Format;
    ///
    /// let module = rustok_metrics::by_hand::module_metrics("docs_module_render")?;
    /// module.operations_total().with_label_values(&["import", "", "success"]).inc();
    /// let mut text = Vec::new();
    /// module.render_into(Format::Text, &mut text);
    /// assert!(String::from_utf8(text).unwrap().contains(
    ///     r#"rustok_docs_module_render_operations_total{error_kind="",kind="",operation="import",status="success"} 1"#
    /// ));
    /// # Ok::<(), rustok_metrics::TelemetryError>(())
    /// ```
    pub fn render_into(&self, format: Format, out: &mut Vec<u8>) {
        encode(format, out, |sink| self.write(sink));
    }
}

/// Writes what `write` writes in `format` into `out`, ended as the format
/// requires.
fn encode(format: Format, out: &mut Vec<u8>, write: impl FnOnce(&mut dyn Sink)) {
    let flavor = match format {
        Format::Text => Flavor::Prometheus004,
        Format::OpenMetrics => Flavor::OpenMetrics,
        Format::Protobuf => return write(&mut ProtobufEncoder::new(out)),
    };
    if out.is_empty() {
        // An empty buffer is valid UTF-8 at no cost: the text is written
        // into its allocation, which a scrape loop keeps from one render to
        // the next.
        let mut text = String::from_utf8(std::mem::take(out)).unwrap_or_default();
        encode_text(flavor, &mut text, write);
        *out = text.into_bytes();
    } else {
        let mut text = String::new();
        encode_text(flavor, &mut text, write);
        out.extend_from_slice(text.as_bytes());
    }
}

/// Writes what `write` writes as text in `flavor`, appended to `out`.
fn encode_text(flavor: Flavor, out: &mut String, write: impl FnOnce(&mut dyn Sink)) {
    let mut encoder = TextEncoder::new(out, flavor);
    write(&mut encoder);
    encoder.finish();
}

/// Everything one render writes, in name order.
struct Families<'a> {
    ours: Vec<(String, &'static dyn OwnFamily)>,
    /// Gathered `prometheus` families: others', and our gauges.
    gathered: Vec<MetricFamily>,
    others: &'a [MetricFamily],
}

enum Next<'a> {
    Ours(&'static dyn OwnFamily),
    Gathered(&'a MetricFamily),
}

impl<'a> Families<'a> {
    fn read(others: &'a [MetricFamily]) -> Self {
        let mut ours = Vec::new();
        let mut gathered = Vec::new();
        for family in adopted() {
            match family {
                Adopted::Ours(family) => {
                    let name = family
                        .descs()
                        .first()
                        .map(|desc| desc.fq_name.clone())
                        .unwrap_or_default();
                    ours.push((name, family));
                }
                Adopted::Prometheus(collector) => gathered.extend(
                    collector
                        .collect()
                        .into_iter()
                        .filter(|family| !family.get_metric().is_empty()),
                ),
            }
        }
        Families {
            ours,
            gathered,
            others,
        }
    }

    fn write(&self, sink: &mut dyn Sink) {
        let mut next: Vec<(&str, Next<'_>)> = self
            .ours
            .iter()
            .map(|(name, family)| (name.as_str(), Next::Ours(*family)))
            .chain(
                self.gathered
                    .iter()
                    .chain(self.others)
                    .map(|family| (family.name(), Next::Gathered(family))),
            )
            .collect();
        next.sort_by_key(|(name, _)| *name);
        for (_, family) in next {
            match family {
                Next::Ours(family) => family.write(sink),
                Next::Gathered(family) => foreign::write(std::slice::from_ref(family), sink),
            }
        }
    }
}
