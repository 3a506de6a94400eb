//! The RusToK platform's business gauges: how many entities of each kind
//! exist. They are the platform's, not part of metering; a service of your
//! own defines its gauges with [`prometheus`] and [`registry()`](crate::by_hand::registry).
//!
//! A platform module's call counts and durations are those of every
//! module: `#[metered(module = "content", ..)]`, or by hand through
//! [`module_metrics("content")`](crate::module::module_metrics).

mod entity_gauge;

pub use entity_gauge::EntityGauge;

/// The content module's gauges: `rustok_content_*`.
pub mod content {
    use std::sync::LazyLock;

    use super::EntityGauge;

    static NODES: LazyLock<EntityGauge> = LazyLock::new(|| {
        EntityGauge::new("rustok_content_nodes", "Content nodes that exist, by kind.")
    });

    /// `rustok_content_nodes{kind}`: content nodes that exist, by kind.
    ///
    /// ```
    /// rustok_metrics::platform::content::nodes().set("page", 3);
    /// ```
    #[must_use]
    pub fn nodes() -> &'static EntityGauge {
        &NODES
    }
}

/// The commerce module's gauges: `rustok_commerce_*`.
pub mod commerce {
    use std::sync::LazyLock;

    use super::EntityGauge;

    static PRODUCTS: LazyLock<EntityGauge> = LazyLock::new(|| {
        EntityGauge::new("rustok_commerce_products", "Products that exist, by kind.")
    });
    static ORDERS: LazyLock<EntityGauge> =
        LazyLock::new(|| EntityGauge::new("rustok_commerce_orders", "Orders that exist, by kind."));

    /// `rustok_commerce_products{kind}`: products that exist, by kind.
    ///
    /// ```
    /// rustok_metrics::platform::commerce::products().set("physical", 40);
    /// ```
    #[must_use]
    pub fn products() -> &'static EntityGauge {
        &PRODUCTS
    }

    /// `rustok_commerce_orders{kind}`: orders that exist, by kind.
    ///
    /// ```
    /// rustok_metrics::platform::commerce::orders().inc("subscription");
    /// ```
    #[must_use]
    pub fn orders() -> &'static EntityGauge {
        &ORDERS
    }
}
