//! Process-wide choices, made once at start-up, before the calls they shape.
//!
//! Every metered function records with defaults that suit a web service:
//! [`DEFAULT_DURATION_BUCKETS`] (100 µs to 10 s, with Prometheus' own
//! bounds among them), native histograms on ([`NativeHistograms::new`]),
//! at most [`DEFAULT_LABEL_CAP`] computed `kind` values per call site. A
//! module that needs others declares them, once, anywhere in the binary's
//! crates, with [`declare!`] and a [`ModuleSettings`]: declarations are
//! collected before `main`, so they hold from the module's first call
//! whatever runs first (a static initialiser, a test), and a value
//! Prometheus cannot use is a compile error. There is no other way to
//! configure a module; the runtime setters of earlier releases are in
//! [`compat`](crate::compat).
//!
//! Exemplars name the trace a call ran in. With the `opentelemetry` feature
//! that is the current OpenTelemetry context; any other tracer plugs in
//! through [`set_trace_source`].
//!
//! ```
//! use rustok_metrics::settings::{ModuleSettings, declare};
//!
//! declare!(
//!     ModuleSettings::new("docs_settings")
//!         .duration_buckets(&[0.001, 0.01, 0.1, 1.0])
//!         .classic_only()
//! );
//!
//! #[rustok_metrics::metered(module = "docs_settings", op = "ping")]
//! fn ping() {}
//! ping();
//! let text = rustok_metrics::render_metrics()?;
//! assert!(text.contains(r#"rustok_docs_settings_operation_duration_seconds_bucket{kind="",operation="ping",le="0.01"}"#));
//! # Ok::<(), rustok_metrics::TelemetryError>(())
//! ```

pub use crate::__rustok_metrics_declare as declare;
pub use crate::module::{
    DEFAULT_DURATION_BUCKETS, DEFAULT_LABEL_CAP, MAX_LABEL_CAP, ModuleSettings, NativeHistograms,
};
pub use crate::trace::{TraceContext, TraceSource, set_trace_source};
