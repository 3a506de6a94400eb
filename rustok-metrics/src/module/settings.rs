//! What can be set about a module before its families exist: duration
//! buckets and the label cap. Both are fixed at the module's first use, so
//! every series of a family shares one bucket layout, as Prometheus
//! aggregation requires.

use super::directory::configure;
use super::name::checked;
use crate::TelemetryError;

/// A module's settings.
#[derive(Clone, Debug)]
pub(super) struct Settings {
    /// Finite upper bounds of the duration buckets, in seconds.
    pub(super) buckets: Vec<f64>,
    /// Distinct computed `kind` values a call site keeps.
    pub(super) label_cap: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            buckets: prometheus::DEFAULT_BUCKETS.to_vec(),
            label_cap: DEFAULT_LABEL_CAP,
        }
    }
}

impl Settings {
    /// Adds `bound` to the duration buckets unless it is there already.
    pub(super) fn add_bound(&mut self, bound: f64) {
        if let Err(index) = self
            .buckets
            .binary_search_by(|known| known.total_cmp(&bound))
        {
            self.buckets.insert(index, bound);
        }
    }
}

/// Distinct computed `kind` values a call site keeps unless configured.
pub const DEFAULT_LABEL_CAP: usize = 64;

/// The largest label cap [`set_label_cap`] accepts.
pub const MAX_LABEL_CAP: usize = 1024;

/// The histogram buckets (upper bounds in seconds) of
/// `rustok_<module>_operation_duration_seconds`. Call it at start-up: once the
/// module's families exist, the buckets can no longer change. Modules without
/// a setting use Prometheus' standard buckets, `0.005` to `10` seconds.
///
/// ```
/// rustok_metrics::set_duration_buckets("docs_search", vec![0.001, 0.01, 0.1])?;
///
/// #[rustok_metrics::metered(module = "docs_search", op = "query")]
/// fn query() {}
/// query();
///
/// let err = rustok_metrics::set_duration_buckets("docs_search", vec![1.0]).unwrap_err();
/// assert!(matches!(err, rustok_metrics::TelemetryError::ModuleInUse { .. }));
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] for a bad name,
/// [`TelemetryError::InvalidBuckets`] unless the bounds are finite, positive
/// and strictly increasing, and [`TelemetryError::ModuleInUse`] when the
/// module's families already exist.
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

/// How many distinct values a call site with a computed `kind` keeps before
/// counting new ones as `kind="other"` (and in
/// `rustok_metrics_label_overflow_total`). [`DEFAULT_LABEL_CAP`] unless set;
/// set it at start-up, before the module's first use.
///
/// ```
/// rustok_metrics::set_label_cap("docs_cap", 8)?;
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] for a bad name,
/// [`TelemetryError::InvalidLabelCap`] for 0 or more than [`MAX_LABEL_CAP`],
/// and [`TelemetryError::ModuleInUse`] when the module's families already
/// exist.
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

fn bucket_problem(buckets: &[f64]) -> Option<&'static str> {
    if buckets.is_empty() {
        Some("give at least one upper bound")
    } else if !buckets.iter().all(|b| b.is_finite() && *b > 0.0) {
        Some("every bound must be a finite number of seconds above zero")
    } else if !buckets.windows(2).all(|pair| pair[0] < pair[1]) {
        Some("bounds must be strictly increasing")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::bucket_problem;

    #[test]
    fn an_objective_threshold_joins_the_buckets_once_and_in_order() {
        let mut settings = super::Settings {
            buckets: vec![0.1, 0.5, 1.0],
            label_cap: 1,
        };
        settings.add_bound(0.25);
        settings.add_bound(0.5);
        settings.add_bound(0.25);
        assert_eq!(settings.buckets, [0.1, 0.25, 0.5, 1.0]);
        assert_eq!(bucket_problem(&settings.buckets), None);
    }

    #[test]
    fn bucket_rules() {
        assert_eq!(bucket_problem(&[0.1, 1.0]), None);
        assert!(bucket_problem(&[]).is_some());
        assert!(bucket_problem(&[0.0]).is_some());
        assert!(bucket_problem(&[f64::INFINITY]).is_some());
        assert!(bucket_problem(&[1.0, 0.5]).is_some());
    }
}
