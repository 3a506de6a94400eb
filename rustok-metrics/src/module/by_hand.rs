//! A module's families for code that records by hand
//! ([`ModuleMetrics::operations_total`](super::ModuleMetrics::operations_total)).
//!
//! They read like `prometheus`' `with_label_values(..)`, but the label count
//! is part of the type (`&[&str; 3]`), so a wrong count is a compile error
//! instead of a panic at run time. What is recorded here is added to the
//! call sites' counts of the same labels.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::lock::lock;
use crate::record::{NativeLayout, Recorder};

/// Series by label values, found without allocating once they exist: code
/// that records by hand tends to call `with_label_values` on every increment.
#[derive(Debug)]
struct LabelMap<const N: usize, V> {
    hasher: RandomState,
    /// By the hash of the label values; a `Vec` for the rare collision.
    series: Mutex<HashMap<u64, Vec<Series<N, V>>>>,
}

type Series<const N: usize, V> = ([String; N], V);

impl<const N: usize, V> Default for LabelMap<N, V> {
    fn default() -> Self {
        LabelMap {
            hasher: RandomState::new(),
            series: Mutex::default(),
        }
    }
}

impl<const N: usize, V: Clone> LabelMap<N, V> {
    fn get_or_insert(&self, values: &[&str; N], make: impl FnOnce() -> V) -> V {
        let hash = self.hasher.hash_one(values);
        let mut series = lock(&self.series);
        let bucket = series.entry(hash).or_default();
        if let Some((_, value)) = bucket
            .iter()
            .find(|(labels, _)| labels.iter().eq(values.iter()))
        {
            return value.clone();
        }
        let value = make();
        bucket.push((values.map(str::to_owned), value.clone()));
        value
    }

    fn snapshot<T>(&self, read: impl Fn(&V) -> T) -> Vec<([String; N], T)> {
        lock(&self.series)
            .values()
            .flatten()
            .map(|(labels, value)| (labels.clone(), read(value)))
            .collect()
    }
}

/// `rustok_<module>_operations_total{operation, kind, status}`, by hand (rendered
/// with `error_kind=""`).
///
/// ```
/// let calls = rustok_metrics::by_hand::module_metrics("docs_by_hand")?.operations_total();
/// let imported = calls.with_label_values(&["import", "post", "success"]);
/// imported.inc();
/// imported.inc_by(2);
/// assert_eq!(imported.get(), 3);
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
#[derive(Debug, Default)]
pub struct OperationsTotal {
    series: LabelMap<3, OperationCounter>,
}

/// One series of [`OperationsTotal`]: cheap to clone and keep.
#[derive(Clone, Debug, Default)]
pub struct OperationCounter(Arc<AtomicU64>);

impl OperationsTotal {
    /// The series with these `[operation, kind, status]` values.
    #[must_use]
    pub fn with_label_values(&self, values: &[&str; 3]) -> OperationCounter {
        self.series.get_or_insert(values, OperationCounter::default)
    }

    /// Every series and its count.
    pub(crate) fn snapshot(&self) -> Vec<([String; 3], u64)> {
        self.series.snapshot(OperationCounter::get)
    }
}

impl OperationCounter {
    /// Adds one.
    pub fn inc(&self) {
        self.inc_by(1);
    }

    /// Adds `n`.
    pub fn inc_by(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    /// The count so far, from this handle alone (not the call sites').
    #[must_use]
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// `rustok_<module>_operation_duration_seconds{operation, kind}`, by hand.
///
/// ```
/// let durations = rustok_metrics::by_hand::module_metrics("docs_by_hand")?.operation_duration_seconds();
/// durations.with_label_values(&["import", "post"]).observe(0.25);
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
#[derive(Debug)]
pub struct OperationDurations {
    bounds: Box<[f64]>,
    native: Option<&'static NativeLayout>,
    series: LabelMap<2, DurationObserver>,
}

/// One series of [`OperationDurations`]: cheap to clone and keep. Its
/// durations are recorded as a metered call's are (classic and native
/// buckets, per-thread counters), by the same recorder.
#[derive(Clone)]
pub struct DurationObserver(Arc<Recorder>);

impl std::fmt::Debug for DurationObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DurationObserver").finish_non_exhaustive()
    }
}

impl OperationDurations {
    pub(crate) fn new(bounds: &[f64], native: Option<&'static NativeLayout>) -> Self {
        OperationDurations {
            bounds: bounds.into(),
            native,
            series: LabelMap::default(),
        }
    }

    /// The series of `[operation, kind]`, made on first use.
    #[must_use]
    pub fn with_label_values(&self, values: &[&str; 2]) -> DurationObserver {
        self.series.get_or_insert(values, || {
            DurationObserver(Arc::new(Recorder::new(&self.bounds, self.native)))
        })
    }

    /// Each series' labels and recorder.
    pub(crate) fn recorders(&self) -> Vec<([String; 2], Arc<Recorder>)> {
        self.series.snapshot(|observer| Arc::clone(&observer.0))
    }
}

impl DurationObserver {
    /// Records one duration in seconds. A negative or NaN duration counts
    /// as zero.
    pub fn observe(&self, seconds: f64) {
        // `as` saturates, and takes NaN to zero.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let nanos = (seconds * 1e9) as u64;
        self.0.observe(nanos);
    }
}
