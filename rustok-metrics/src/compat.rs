//! The platform's static names from before `#[metered]`, kept so code that
//! uses them compiles (with a deprecation warning naming the new path) and
//! counts into the same series as `#[metered]`.
//!
//! | old static | now | metric |
//! |---|---|---|
//! | `CONTENT_OPERATIONS_TOTAL` | `module_metrics("content")?.operations_total()` | `rustok_content_operations_total` |
//! | `CONTENT_OPERATION_DURATION_SECONDS` | `module_metrics("content")?.operation_duration_seconds()` | `rustok_content_operation_duration_seconds` |
//! | `CONTENT_NODES_TOTAL` | [`platform::content::nodes()`](crate::platform::content::nodes) | `rustok_content_nodes` (was `_total`) |
//! | `COMMERCE_OPERATIONS_TOTAL` | `module_metrics("commerce")?.operations_total()` | `rustok_commerce_operations_total` |
//! | `COMMERCE_OPERATION_DURATION_SECONDS` | `module_metrics("commerce")?.operation_duration_seconds()` | `rustok_commerce_operation_duration_seconds` |
//! | `COMMERCE_PRODUCTS_TOTAL` | [`platform::commerce::products()`](crate::platform::commerce::products) | `rustok_commerce_products` (was `_total`) |
//! | `COMMERCE_ORDERS_TOTAL` | [`platform::commerce::orders()`](crate::platform::commerce::orders) | `rustok_commerce_orders` (was `_total`) |
//!
//! The runtime setters [`set_duration_buckets`], [`set_native_histograms`]
//! and [`set_label_cap`] are here too: declare a module's settings once
//! with [`settings::declare!`](crate::settings::declare) instead.
#![allow(deprecated)]

use std::ops::Deref;
use std::sync::OnceLock;

use prometheus::IntGaugeVec;

use crate::module::{ModuleMetrics, OperationDurations, OperationsTotal, live};
pub use crate::module::{set_duration_buckets, set_label_cap, set_native_histograms};
use crate::platform::{commerce, content};

/// The content module, looked up once: code using the old names calls them
/// on every increment.
fn content_module() -> &'static ModuleMetrics {
    static MODULE: OnceLock<&'static ModuleMetrics> = OnceLock::new();
    MODULE.get_or_init(|| live("content"))
}

/// The commerce module, looked up once.
fn commerce_module() -> &'static ModuleMetrics {
    static MODULE: OnceLock<&'static ModuleMetrics> = OnceLock::new();
    MODULE.get_or_init(|| live("commerce"))
}

/// An old static name that dereferences to the family it now names.
///
/// ```
/// # #![allow(deprecated)]
/// use rustok_metrics::compat::CONTENT_OPERATIONS_TOTAL;
///
/// CONTENT_OPERATIONS_TOTAL.with_label_values(&["create", "post", "success"]).inc();
/// let content = rustok_metrics::by_hand::module_metrics("content")?;
/// assert!(std::ptr::eq(&*CONTENT_OPERATIONS_TOTAL, content.operations_total()));
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
pub struct Alias<T: 'static>(fn() -> &'static T);

impl<T> Deref for Alias<T> {
    type Target = T;

    fn deref(&self) -> &T {
        (self.0)()
    }
}

impl<T> std::fmt::Debug for Alias<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alias").finish_non_exhaustive()
    }
}

/// Old name of `rustok_content_operations_total`.
#[deprecated(
    note = "use `rustok_metrics::by_hand::module_metrics(\"content\")?.operations_total()`"
)]
pub static CONTENT_OPERATIONS_TOTAL: Alias<OperationsTotal> =
    Alias(|| content_module().operations_total());

/// Old name of `rustok_content_operation_duration_seconds`.
#[deprecated(
    note = "use `rustok_metrics::by_hand::module_metrics(\"content\")?.operation_duration_seconds()`"
)]
pub static CONTENT_OPERATION_DURATION_SECONDS: Alias<OperationDurations> =
    Alias(|| content_module().operation_duration_seconds());

/// Old name of `rustok_content_nodes`; the gauge now has a `kind` label and no `_total`.
#[deprecated(note = "use `rustok_metrics::platform::content::nodes()`")]
pub static CONTENT_NODES_TOTAL: Alias<IntGaugeVec> = Alias(|| content::nodes().family());

/// Old name of `rustok_commerce_operations_total`.
#[deprecated(
    note = "use `rustok_metrics::by_hand::module_metrics(\"commerce\")?.operations_total()`"
)]
pub static COMMERCE_OPERATIONS_TOTAL: Alias<OperationsTotal> =
    Alias(|| commerce_module().operations_total());

/// Old name of `rustok_commerce_operation_duration_seconds`.
#[deprecated(
    note = "use `rustok_metrics::by_hand::module_metrics(\"commerce\")?.operation_duration_seconds()`"
)]
pub static COMMERCE_OPERATION_DURATION_SECONDS: Alias<OperationDurations> =
    Alias(|| commerce_module().operation_duration_seconds());

/// Old name of `rustok_commerce_products`; the gauge now has a `kind` label and no `_total`.
#[deprecated(note = "use `rustok_metrics::platform::commerce::products()`")]
pub static COMMERCE_PRODUCTS_TOTAL: Alias<IntGaugeVec> = Alias(|| commerce::products().family());

/// Old name of `rustok_commerce_orders`; the gauge now has a `kind` label and no `_total`.
#[deprecated(note = "use `rustok_metrics::platform::commerce::orders()`")]
pub static COMMERCE_ORDERS_TOTAL: Alias<IntGaugeVec> = Alias(|| commerce::orders().family());
