//! What can be set about a module before its families exist: duration
//! buckets, native histograms and the label cap. Both are fixed at the module's first use, so
//! every series of a family shares one bucket layout, as Prometheus
//! aggregation requires.

use super::directory::configure;
use super::name::checked;
use crate::TelemetryError;
use crate::record::{MAX_SCHEMA, MIN_SCHEMA};

/// A module's settings.
#[derive(Clone, Debug)]
pub(super) struct Settings {
    /// Finite upper bounds of the duration buckets, in seconds.
    pub(super) buckets: Vec<f64>,
    /// Distinct computed `kind` values a call site keeps.
    pub(super) label_cap: usize,
    /// Exponential buckets besides the classic ones, or none.
    pub(super) native: Option<NativeHistograms>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            buckets: DEFAULT_DURATION_BUCKETS.to_vec(),
            label_cap: DEFAULT_LABEL_CAP,
            native: Some(NativeHistograms::new()),
        }
    }
}

/// The duration buckets of a module without a setting, in seconds:
/// Prometheus' standard service buckets (`0.005` to `10`) with five
/// sub-millisecond to millisecond bounds below them, `0.0001` to `0.0025`,
/// where service methods that do not wait on the network spend their time.
///
/// ```
/// // Every standard bound is kept, so queries on le="0.5" keep working.
/// assert!(rustok_metrics::settings::DEFAULT_DURATION_BUCKETS.contains(&0.5));
/// assert_eq!(rustok_metrics::settings::DEFAULT_DURATION_BUCKETS[0], 0.0001);
/// ```
pub const DEFAULT_DURATION_BUCKETS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// How a module's duration histograms record native (exponential)
/// buckets, which Prometheus scrapes with `--enable-feature=native-histograms`
/// over the protobuf format; the classic buckets stay for every other
/// scraper. On by default: schema 3 (each bucket 9% wider than the last, so
/// any quantile within about 4.4%), at most 160 buckets per series.
///
/// ```
/// use rustok_metrics::settings::NativeHistograms;
///
/// // Coarser and smaller: buckets 19% apart, at most 40 per series.
/// rustok_metrics::settings::set_native_histograms(
///     "docs_native",
///     Some(NativeHistograms::new().schema(2).max_buckets(40)),
/// )?;
/// // Classic buckets only.
/// rustok_metrics::settings::set_native_histograms("docs_classic", None)?;
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NativeHistograms {
    schema: i8,
    max_buckets: u16,
}

impl NativeHistograms {
    /// Schema 3, at most 160 buckets.
    #[must_use]
    pub const fn new() -> Self {
        NativeHistograms {
            schema: 3,
            max_buckets: 160,
        }
    }

    /// The resolution, -4 to 8: each power of two is split into
    /// `2^schema` buckets. Memory per series and thread grows with it (see
    /// the guide).
    #[must_use]
    pub const fn schema(mut self, schema: i8) -> Self {
        self.schema = schema;
        self
    }

    /// The most buckets a series exposes, at least 3: past it, neighbouring
    /// buckets are merged (the schema lowered) in what is rendered, as
    /// Prometheus does.
    #[must_use]
    pub const fn max_buckets(mut self, max_buckets: u16) -> Self {
        self.max_buckets = max_buckets;
        self
    }

    pub(super) fn schema_value(self) -> i8 {
        self.schema
    }

    pub(super) fn max_buckets_value(self) -> usize {
        usize::from(self.max_buckets)
    }
}

/// The fewest buckets a native histogram can be reduced to: schema -4 splits
/// the recorded range (2^-32 to 2^16 s) into 3.
const MIN_MAX_BUCKETS: u16 = 3;

impl Default for NativeHistograms {
    fn default() -> Self {
        NativeHistograms::new()
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
/// a setting use [`DEFAULT_DURATION_BUCKETS`], `0.0001` to `10` seconds.
///
/// ```
/// rustok_metrics::settings::set_duration_buckets("docs_search", vec![0.001, 0.01, 0.1])?;
///
/// #[rustok_metrics::metered(module = "docs_search", op = "query")]
/// fn query() {}
/// query();
///
/// let err = rustok_metrics::settings::set_duration_buckets("docs_search", vec![1.0]).unwrap_err();
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

/// Whether and how `rustok_<module>_operation_duration_seconds` records
/// native histograms (`None`: classic buckets only). Call it at start-up,
/// like [`set_duration_buckets`].
///
/// ```
/// rustok_metrics::settings::set_native_histograms("docs_native_off", None)?;
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::InvalidModule`] for a bad name,
/// [`TelemetryError::InvalidNativeHistograms`] for a schema outside -4 to 8
/// or `max_buckets` below 3, and [`TelemetryError::ModuleInUse`] when the
/// module's families already exist.
pub fn set_native_histograms(
    module: &str,
    native: Option<NativeHistograms>,
) -> Result<(), TelemetryError> {
    let module = checked(module)?;
    if let Some(native) = native {
        let reason = if !(MIN_SCHEMA..=MAX_SCHEMA).contains(&native.schema) {
            Some("the schema must be -4 to 8")
        } else if native.max_buckets < MIN_MAX_BUCKETS {
            Some(
                "max_buckets must be at least 3: at the lowest schema, -4, the range still has 3 buckets",
            )
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(TelemetryError::InvalidNativeHistograms {
                module: module.to_owned(),
                reason,
            });
        }
    }
    configure(module, |settings| settings.native = native)
}

/// How many distinct values a call site with a computed `kind` keeps before
/// counting new ones as `kind="other"` (and in
/// `rustok_metrics_label_overflow_total`). [`DEFAULT_LABEL_CAP`] unless set;
/// set it at start-up, before the module's first use.
///
/// ```
/// rustok_metrics::settings::set_label_cap("docs_cap", 8)?;
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
            native: None,
        };
        settings.add_bound(0.25);
        settings.add_bound(0.5);
        settings.add_bound(0.25);
        assert_eq!(settings.buckets, [0.1, 0.25, 0.5, 1.0]);
        assert_eq!(bucket_problem(&settings.buckets), None);
    }

    #[test]
    fn the_default_buckets_keep_every_standard_bound() {
        for bound in prometheus::DEFAULT_BUCKETS {
            assert!(super::DEFAULT_DURATION_BUCKETS.contains(bound), "{bound}");
        }
        assert_eq!(bucket_problem(&super::DEFAULT_DURATION_BUCKETS), None);
    }

    #[test]
    fn native_settings_are_checked() {
        use super::{NativeHistograms, set_native_histograms};
        use crate::TelemetryError;
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

    #[test]
    fn bucket_rules() {
        assert_eq!(bucket_problem(&[0.1, 1.0]), None);
        assert!(bucket_problem(&[]).is_some());
        assert!(bucket_problem(&[0.0]).is_some());
        assert!(bucket_problem(&[f64::INFINITY]).is_some());
        assert!(bucket_problem(&[1.0, 0.5]).is_some());
    }
}
