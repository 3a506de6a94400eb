//! Process-wide choices, made once at start-up, before the calls they shape.
//!
//! Every metered function records with defaults that suit a web service:
//! [`DEFAULT_DURATION_BUCKETS`] (5 ms to 10 s, with Prometheus' own bounds
//! among them), native histograms on ([`NativeHistograms::new`]), at most
//! [`DEFAULT_LABEL_CAP`] computed `kind` values per call site. A module
//! that needs other buckets or another cap says so here, before its first
//! call: a module's layout is fixed by that call, and a setter called later
//! returns [`TelemetryError::ModuleInUse`](crate::TelemetryError::ModuleInUse)
//! instead of changing series already scraped.
//!
//! Exemplars name the trace a call ran in. With the `opentelemetry` feature
//! that is the current OpenTelemetry context; any other tracer plugs in
//! through [`set_trace_source`].
//!
//! ```
//! use rustok_metrics::settings::{set_duration_buckets, set_native_histograms};
//!
//! // In main, before the module's first call:
//! set_duration_buckets("docs_settings", vec![0.001, 0.01, 0.1, 1.0])?;
//! set_native_histograms("docs_settings", None)?; // classic buckets only
//! # Ok::<(), rustok_metrics::TelemetryError>(())
//! ```

pub use crate::module::{
    DEFAULT_DURATION_BUCKETS, DEFAULT_LABEL_CAP, MAX_LABEL_CAP, NativeHistograms,
    set_duration_buckets, set_label_cap, set_native_histograms,
};
pub use crate::trace::{TraceContext, TraceSource, set_trace_source};
