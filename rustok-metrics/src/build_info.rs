//! `rustok_build_info{version, revision} 1`: which build of the application
//! is running, for dashboards that mark deployments.

use std::sync::OnceLock;

use prometheus::{IntGaugeVec, Opts};

use crate::proto::valid;
use crate::registry::{Adopted, adopt};

/// Registers `rustok_build_info{version, revision} 1` with the application's
/// version (its `CARGO_PKG_VERSION`) and the revision in the environment
/// variable `RUSTOK_BUILD_REVISION` when the application was built
/// (`unknown` without it). Call it once, from the application's own crate,
/// so the version is the application's, not this library's; later calls
/// change nothing.
///
/// ```
/// rustok_metrics::by_hand::build_info!();
/// let text = rustok_metrics::render_metrics()?;
/// assert!(text.contains("rustok_build_info{revision="));
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __rustok_metrics_build_info {
    () => {
        $crate::__private::register_build_info(
            ::core::env!("CARGO_PKG_VERSION"),
            ::core::option_env!("RUSTOK_BUILD_REVISION"),
        )
    };
}

/// What [`build_info!`](crate::by_hand::build_info) calls: registers the series once.
pub fn register_build_info(version: &'static str, revision: Option<&'static str>) {
    static BUILD_INFO: OnceLock<IntGaugeVec> = OnceLock::new();
    BUILD_INFO.get_or_init(|| {
        let family = valid(IntGaugeVec::new(
            Opts::new(
                "rustok_build_info",
                "The running build of the application: 1, labelled with its version and source revision.",
            ),
            &["version", "revision"],
        ));
        family
            .with_label_values(&[version, revision.unwrap_or("unknown")])
            .set(1);
        adopt(Adopted::Prometheus(Box::leak(Box::new(family.clone()))));
        family
    });
}
