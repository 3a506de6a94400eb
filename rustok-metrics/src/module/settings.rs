//! What can be set about a module before its families exist: duration
//! buckets, native histograms and the label cap. Both are fixed at the module's first use, so
//! every series of a family shares one bucket layout, as Prometheus
//! aggregation requires.

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
/// use rustok_metrics::settings::{ModuleSettings, NativeHistograms, declare};
///
/// // Coarser and smaller: buckets 19% apart, at most 40 per series.
/// declare!(
///     ModuleSettings::new("docs_native")
///         .native_histograms(NativeHistograms::new().schema(2).max_buckets(40))
/// );
/// // Classic buckets only.
/// declare!(ModuleSettings::new("docs_classic").classic_only());
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

    /// What makes these settings unusable, if anything.
    pub(super) const fn problem(self) -> Option<&'static str> {
        if self.schema < MIN_SCHEMA || self.schema > MAX_SCHEMA {
            Some("the schema must be -4 to 8")
        } else if self.max_buckets < MIN_MAX_BUCKETS {
            Some(
                "max_buckets must be at least 3: at the lowest schema, -4, the range still has 3 buckets",
            )
        } else {
            None
        }
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

/// The largest label cap a module may declare ([`ModuleSettings::label_cap`](super::ModuleSettings::label_cap)).
pub const MAX_LABEL_CAP: usize = 1024;

pub(super) fn bucket_problem(buckets: &[f64]) -> Option<&'static str> {
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
    fn bucket_rules() {
        assert_eq!(bucket_problem(&[0.1, 1.0]), None);
        assert!(bucket_problem(&[]).is_some());
        assert!(bucket_problem(&[0.0]).is_some());
        assert!(bucket_problem(&[f64::INFINITY]).is_some());
        assert!(bucket_problem(&[1.0, 0.5]).is_some());
    }
}
