//! Recording without `#[metered]`: a module's families for code the
//! attribute cannot wrap, your own collectors, and the build-info gauge.
//!
//! [`module_metrics`] gives the same families `#[metered]` records into, so
//! a call counted by hand (a batch job's items, a callback API) lands in
//! the same series as the metered ones. [`registry`] takes collectors of
//! your own, rendered with everything else. [`build_info!`] registers
//! `rustok_build_info{version, revision} 1` for dashboards that mark
//! deployments.
//!
//! ```
//! use rustok_metrics::by_hand::module_metrics;
//!
//! let content = module_metrics("docs_by_hand")?;
//! content
//!     .operations_total()
//!     .with_label_values(&["import", "post", "success"])
//!     .inc();
//! let text = rustok_metrics::render_metrics()?;
//! assert!(text.contains(
//!     r#"rustok_docs_by_hand_operations_total{error_kind="",kind="post",operation="import",status="success"} 1"#
//! ));
//! # Ok::<(), rustok_metrics::TelemetryError>(())
//! ```

pub use crate::__rustok_metrics_build_info as build_info;
pub use crate::module::{
    DurationObserver, ModuleMetrics, OperationCounter, OperationDurations, OperationsTotal,
    module_metrics,
};
pub use crate::outcome::Status;
pub use crate::registry::registry;
