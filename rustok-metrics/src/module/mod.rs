//! Modules: the families a module's metered calls feed, the call sites that
//! feed them, the catalogue of every metered operation, and the settings
//! fixed at a module's first use.
//!
//! A module `content` owns `rustok_content_operations_total{operation, kind,
//! status, error_kind}` and `rustok_content_operation_duration_seconds{operation,
//! kind}`, made the first time a metered call, an accessor or a render
//! touches it. A call site needs its module's settings and a module lists
//! its call sites: that one back-reference stays inside this folder.

mod by_hand;
mod call_site;
mod catalogue;
mod computed_kinds;
mod configure;
mod declared;
mod directory;
mod exit;
mod families;
mod label_set;
mod name;
mod operation;
mod series;
mod series_index;
mod settings;
mod writer;

pub use by_hand::{DurationObserver, OperationCounter, OperationDurations, OperationsTotal};
pub use call_site::{CallGuard, CallSite, SiteEntry};
pub use catalogue::{duplicate_operations, operations};
#[allow(deprecated)]
pub use configure::{set_duration_buckets, set_label_cap, set_native_histograms};
pub use declared::{DeclaredSettings, ModuleSettings};
pub use directory::module_metrics;
pub use exit::{Exit, Suspended, awaiting};
pub use families::ModuleMetrics;
pub use operation::Operation;
pub use settings::{DEFAULT_DURATION_BUCKETS, DEFAULT_LABEL_CAP, MAX_LABEL_CAP, NativeHistograms};

pub(crate) use catalogue::make_catalogue_live;
pub(crate) use declared::duplicate_declarations;
pub(crate) use directory::live;
