//! The seed platform's static names, kept so existing code compiles and
//! counts into the same series as `#[metered]`. The operation families are
//! now [`OperationsTotal`] and [`OperationDurations`], whose
//! `with_label_values(&[..]).inc()` / `.observe(..)` read as before.
//!
//! | old static | now | metric |
//! |---|---|---|
//! | `CONTENT_OPERATIONS_TOTAL` | [`content::operations_total()`](crate::content::operations_total) | `rustok_content_operations_total` |
//! | `CONTENT_OPERATION_DURATION_SECONDS` | [`content::operation_duration_seconds()`](crate::content::operation_duration_seconds) | `rustok_content_operation_duration_seconds` |
//! | `CONTENT_NODES_TOTAL` | [`content::nodes()`](crate::content::nodes) | `rustok_content_nodes` (was `_total`) |
//! | `COMMERCE_OPERATIONS_TOTAL` | [`commerce::operations_total()`](crate::commerce::operations_total) | `rustok_commerce_operations_total` |
//! | `COMMERCE_OPERATION_DURATION_SECONDS` | [`commerce::operation_duration_seconds()`](crate::commerce::operation_duration_seconds) | `rustok_commerce_operation_duration_seconds` |
//! | `COMMERCE_PRODUCTS_TOTAL` | [`commerce::products()`](crate::commerce::products) | `rustok_commerce_products` (was `_total`) |
//! | `COMMERCE_ORDERS_TOTAL` | [`commerce::orders()`](crate::commerce::orders) | `rustok_commerce_orders` (was `_total`) |

use std::ops::Deref;

use prometheus::IntGaugeVec;

use crate::by_hand::{OperationDurations, OperationsTotal};

use crate::{commerce, content};

/// An old static name that dereferences to the family the typed API returns.
///
/// ```
/// use rustok_metrics::CONTENT_OPERATIONS_TOTAL;
///
/// CONTENT_OPERATIONS_TOTAL.with_label_values(&["create", "post", "success"]).inc();
/// assert!(std::ptr::eq(&*CONTENT_OPERATIONS_TOTAL, rustok_metrics::content::operations_total()));
/// ```
pub struct Alias<T: 'static>(fn() -> &'static T);

impl<T> Deref for Alias<T> {
    type Target = T;

    fn deref(&self) -> &T {
        (self.0)()
    }
}

/// Old name of [`content::operations_total()`].
pub static CONTENT_OPERATIONS_TOTAL: Alias<OperationsTotal> = Alias(content::operations_total);
/// Old name of [`content::operation_duration_seconds()`].
pub static CONTENT_OPERATION_DURATION_SECONDS: Alias<OperationDurations> =
    Alias(content::operation_duration_seconds);
/// Old name of [`content::nodes()`]; the gauge now has a `kind` label and no `_total`.
pub static CONTENT_NODES_TOTAL: Alias<IntGaugeVec> = Alias(|| content::nodes().family());
/// Old name of [`commerce::operations_total()`].
pub static COMMERCE_OPERATIONS_TOTAL: Alias<OperationsTotal> = Alias(commerce::operations_total);
/// Old name of [`commerce::operation_duration_seconds()`].
pub static COMMERCE_OPERATION_DURATION_SECONDS: Alias<OperationDurations> =
    Alias(commerce::operation_duration_seconds);
/// Old name of [`commerce::products()`]; the gauge now has a `kind` label and no `_total`.
pub static COMMERCE_PRODUCTS_TOTAL: Alias<IntGaugeVec> = Alias(|| commerce::products().family());
/// Old name of [`commerce::orders()`]; the gauge now has a `kind` label and no `_total`.
pub static COMMERCE_ORDERS_TOTAL: Alias<IntGaugeVec> = Alias(|| commerce::orders().family());
