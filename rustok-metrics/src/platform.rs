//! The RusToK platform's own families, with a typed API.

use std::sync::{LazyLock, OnceLock};

use prometheus::{IntGaugeVec, Opts};

use crate::module::{ModuleMetrics, live, valid};
use crate::registry::register;

/// A gauge family with one label, `kind`: how many entities of each kind exist.
///
/// ```
/// let nodes = rustok_metrics::content::nodes();
/// nodes.set("post", 12);
/// nodes.inc("post");
/// assert_eq!(nodes.get("post"), 13);
/// ```
#[derive(Debug)]
pub struct KindGauge {
    family: IntGaugeVec,
}

impl KindGauge {
    fn new(name: &str, help: &str) -> Self {
        let family = valid(IntGaugeVec::new(Opts::new(name, help), &["kind"]));
        register(Box::new(family.clone()), name);
        KindGauge { family }
    }

    /// Sets the count of `kind`.
    pub fn set(&self, kind: &str, value: i64) {
        self.family.with_label_values(&[kind]).set(value);
    }

    /// Adds one to the count of `kind`.
    pub fn inc(&self, kind: &str) {
        self.family.with_label_values(&[kind]).inc();
    }

    /// Subtracts one from the count of `kind`.
    pub fn dec(&self, kind: &str) {
        self.family.with_label_values(&[kind]).dec();
    }

    /// The current count of `kind` (0 if never set).
    #[must_use]
    pub fn get(&self, kind: &str) -> i64 {
        self.family.with_label_values(&[kind]).get()
    }

    /// The underlying family, for code written against `prometheus` directly.
    #[must_use]
    pub fn family(&self) -> &IntGaugeVec {
        &self.family
    }
}

/// A platform module's families, looked up once: the typed API and the old
/// statics are called on every hand-written increment.
fn platform_module(
    slot: &'static OnceLock<&'static ModuleMetrics>,
    name: &str,
) -> &'static ModuleMetrics {
    slot.get_or_init(|| live(name))
}

/// The content module: `rustok_content_*`.
pub mod content {
    use super::{KindGauge, LazyLock, ModuleMetrics, OnceLock, platform_module};
    use crate::by_hand::{OperationDurations, OperationsTotal};

    static MODULE: OnceLock<&'static ModuleMetrics> = OnceLock::new();
    static NODES: LazyLock<KindGauge> = LazyLock::new(|| {
        KindGauge::new("rustok_content_nodes", "Content nodes that exist, by kind.")
    });

    /// `rustok_content_operations_total{operation, kind, status}` (by hand;
    /// rendered with `error_kind=""`): what
    /// `#[metered(module = "content", ..)]` counts into.
    ///
    /// ```
    /// rustok_metrics::content::operations_total()
    ///     .with_label_values(&["import", "post", "success"])
    ///     .inc();
    /// ```
    #[must_use]
    pub fn operations_total() -> &'static OperationsTotal {
        platform_module(&MODULE, "content").operations_total()
    }

    /// `rustok_content_operation_duration_seconds{operation, kind}`.
    ///
    /// ```
    /// let family = rustok_metrics::content::operation_duration_seconds();
    /// family.with_label_values(&["import", "post"]).observe(0.25);
    /// ```
    #[must_use]
    pub fn operation_duration_seconds() -> &'static OperationDurations {
        platform_module(&MODULE, "content").operation_duration_seconds()
    }

    /// `rustok_content_nodes{kind}`: content nodes that exist, by kind.
    ///
    /// ```
    /// rustok_metrics::content::nodes().set("page", 3);
    /// ```
    #[must_use]
    pub fn nodes() -> &'static KindGauge {
        &NODES
    }
}

/// The commerce module: `rustok_commerce_*`.
pub mod commerce {
    use super::{KindGauge, LazyLock, ModuleMetrics, OnceLock, platform_module};
    use crate::by_hand::{OperationDurations, OperationsTotal};

    static MODULE: OnceLock<&'static ModuleMetrics> = OnceLock::new();
    static PRODUCTS: LazyLock<KindGauge> = LazyLock::new(|| {
        KindGauge::new("rustok_commerce_products", "Products that exist, by kind.")
    });
    static ORDERS: LazyLock<KindGauge> =
        LazyLock::new(|| KindGauge::new("rustok_commerce_orders", "Orders that exist, by kind."));

    /// `rustok_commerce_operations_total{operation, kind, status}` (by hand;
    /// rendered with `error_kind=""`): what
    /// `#[metered(module = "commerce", ..)]` counts into.
    ///
    /// ```
    /// rustok_metrics::commerce::operations_total()
    ///     .with_label_values(&["refund", "", "error"])
    ///     .inc();
    /// ```
    #[must_use]
    pub fn operations_total() -> &'static OperationsTotal {
        platform_module(&MODULE, "commerce").operations_total()
    }

    /// `rustok_commerce_operation_duration_seconds{operation, kind}`.
    ///
    /// ```
    /// let family = rustok_metrics::commerce::operation_duration_seconds();
    /// family.with_label_values(&["refund", ""]).observe(0.1);
    /// ```
    #[must_use]
    pub fn operation_duration_seconds() -> &'static OperationDurations {
        platform_module(&MODULE, "commerce").operation_duration_seconds()
    }

    /// `rustok_commerce_products{kind}`: products that exist, by kind.
    ///
    /// ```
    /// rustok_metrics::commerce::products().set("physical", 40);
    /// ```
    #[must_use]
    pub fn products() -> &'static KindGauge {
        &PRODUCTS
    }

    /// `rustok_commerce_orders{kind}`: orders that exist, by kind.
    ///
    /// ```
    /// rustok_metrics::commerce::orders().inc("subscription");
    /// ```
    #[must_use]
    pub fn orders() -> &'static KindGauge {
        &ORDERS
    }
}
