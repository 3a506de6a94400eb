//! The runtime setters of earlier releases, kept in `compat`: each checks
//! its value and files it in the directory, unless the module's settings
//! are declared or its families already exist. Their success depends on
//! call order, which is why `settings::declare!` replaced them.

use super::directory::configure;
use super::name::checked;
use super::settings::{MAX_LABEL_CAP, NativeHistograms, bucket_problem};
use crate::TelemetryError;

/// The histogram buckets (upper bounds in seconds) of
/// `rustok_<module>_operation_duration_seconds`. Call it at start-up: once the
/// module's families exist, the buckets can no longer change. Modules without
/// a setting use [`DEFAULT_DURATION_BUCKETS`](super::DEFAULT_DURATION_BUCKETS), `0.0001` to `10` seconds.
///
/// ```
/// # #![allow(deprecated)]
/// rustok_metrics::compat::set_duration_buckets("docs_search", vec![0.001, 0.01, 0.1])?;
///
/// #[rustok_metrics::metered(module = "docs_search", op = "query")]
/// fn query() {}
/// query();
///
/// let err = rustok_metrics::compat::set_duration_buckets("docs_search", vec![1.0]).unwrap_err();
/// assert!(matches!(err, rustok_metrics::TelemetryError::ModuleInUse { .. }));
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] for a bad name,
/// [`TelemetryError::InvalidBuckets`] unless the bounds are finite, positive
/// and strictly increasing, and [`TelemetryError::ModuleInUse`] when the
/// module's families already exist.
#[deprecated(note = "declare the module's settings once with `rustok_metrics::settings::declare!`")]
pub fn set_duration_buckets(module: &str, buckets: Vec<f64>) -> Result<(), TelemetryError> {
    let module = checked(module)?;
    if let Some(reason) = bucket_problem(&buckets) {
        return Err(TelemetryError::InvalidBuckets {
            module: module.to_owned(),
            reason,
        });
    }
    configure(module, |settings| settings.buckets = buckets)
}

/// Whether and how `rustok_<module>_operation_duration_seconds` records
/// native histograms (`None`: classic buckets only). Call it at start-up,
/// like [`set_duration_buckets`].
///
/// ```
/// # #![allow(deprecated)]
/// rustok_metrics::compat::set_native_histograms("docs_native_off", None)?;
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] for a bad name,
/// [`TelemetryError::InvalidNativeHistograms`] for a schema outside -4 to 8
/// or `max_buckets` below 3, and [`TelemetryError::ModuleInUse`] when the
/// module's families already exist.
#[deprecated(note = "declare the module's settings once with `rustok_metrics::settings::declare!`")]
pub fn set_native_histograms(
    module: &str,
    native: Option<NativeHistograms>,
) -> Result<(), TelemetryError> {
    let module = checked(module)?;
    if let Some(reason) = native.and_then(NativeHistograms::problem) {
        return Err(TelemetryError::InvalidNativeHistograms {
            module: module.to_owned(),
            reason,
        });
    }
    configure(module, |settings| settings.native = native)
}

/// How many distinct values a call site with a computed `kind` keeps before
/// counting new ones as `kind="other"` (and in
/// `rustok_metrics_label_overflow_total`). [`DEFAULT_LABEL_CAP`](super::DEFAULT_LABEL_CAP) unless set;
/// set it at start-up, before the module's first use.
///
/// ```
/// # #![allow(deprecated)]
/// rustok_metrics::compat::set_label_cap("docs_cap", 8)?;
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] for a bad name,
/// [`TelemetryError::InvalidLabelCap`] for 0 or more than [`MAX_LABEL_CAP`],
/// and [`TelemetryError::ModuleInUse`] when the module's families already
/// exist.
#[deprecated(note = "declare the module's settings once with `rustok_metrics::settings::declare!`")]
pub fn set_label_cap(module: &str, cap: usize) -> Result<(), TelemetryError> {
    let module = checked(module)?;
    if cap == 0 || cap > MAX_LABEL_CAP {
        return Err(TelemetryError::InvalidLabelCap {
            module: module.to_owned(),
            cap,
            max: MAX_LABEL_CAP,
        });
    }
    configure(module, |settings| settings.label_cap = cap)
}

#[cfg(test)]
#[allow(deprecated)]
mod tests {
    #[test]
    fn native_settings_are_checked() {
        use super::set_native_histograms;
        use crate::TelemetryError;
        use crate::module::NativeHistograms;
        let bad_schema =
            set_native_histograms("unit_native_a", Some(NativeHistograms::new().schema(9)));
        assert!(matches!(
            bad_schema,
            Err(TelemetryError::InvalidNativeHistograms { .. })
        ));
        let no_buckets = set_native_histograms(
            "unit_native_b",
            Some(NativeHistograms::new().max_buckets(2)),
        );
        assert!(matches!(
            no_buckets,
            Err(TelemetryError::InvalidNativeHistograms { .. })
        ));
        assert!(
            set_native_histograms("unit_native_c", Some(NativeHistograms::new().schema(-4)))
                .is_ok()
        );
    }
}
