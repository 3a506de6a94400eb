//! A module's series for one render: every label set of its call sites and
//! of what was recorded by hand, in label order, each read once.
//!
//! Most series hold nothing but counts (no tags, exemplars, native buckets
//! or counts by hand). Those are kept in place, their cumulative bucket
//! counts side by side in one buffer, and read through one reused
//! [`Snapshot`]: reading 5,000 series allocates a few growing buffers, not
//! a snapshot per series. The rest keep their whole reading.

use std::borrow::Cow;
use std::sync::Arc;

use super::families::ModuleMetrics;
use crate::outcome::Status;
use crate::record::{NativeBuckets, Recorder, Snapshot};
use crate::trace::Exemplar;

/// A label value: a call site's are `'static`, those recorded by hand owned.
pub(super) type Label = Cow<'static, str>;

/// Every series of a module, read once, sorted by `(kind, operation)`: the
/// order of the labels' names.
pub(super) struct Readings {
    series: Vec<Series>,
    /// Each series' cumulative counts, one per finite bound, back to back.
    cumulative: Vec<u64>,
    bounds: usize,
}

/// One label set's counts.
pub(super) struct Series {
    pub(super) kind: Label,
    pub(super) operation: Label,
    /// Calls by status (`Status::ALL` order) without a tag, those counted
    /// by hand included.
    pub(super) untagged: [u64; Status::COUNT],
    pub(super) in_flight: u64,
    /// The histogram's `_count`: every call, however it ended, and every
    /// duration observed by hand.
    pub(super) count: u64,
    pub(super) sum_seconds: f64,
    /// Where its cumulative counts start in [`Readings::cumulative`].
    cumulative_at: usize,
    /// Whatever more than counts it has.
    more: Option<Box<More>>,
}

/// What few series have: tags, exemplars, native buckets, statuses of the
/// caller's choosing.
struct More {
    /// The whole reading, durations observed by hand added.
    snapshot: Snapshot,
    native: Option<NativeBuckets>,
    /// Counted by hand under a `status` none of ours is.
    other_statuses: Vec<(String, u64)>,
}

/// Where counts of one label set come from.
enum Feed<'m> {
    /// A call site's recorder (none before its first call).
    Site(Option<&'m Recorder>),
    /// Counted by hand under `status`.
    Counted(String, u64),
    /// Durations observed by hand.
    Observed(Arc<Recorder>),
}

struct Source<'m> {
    kind: Label,
    operation: Label,
    feed: Feed<'m>,
}

impl Readings {
    /// Reads every series of `module` (sites that share labels, two
    /// functions with one `op`, add up); native buckets only `with_native`.
    pub(super) fn read(module: &ModuleMetrics, with_native: bool) -> Readings {
        let sources = sources(module);
        let bounds = module.labelled_bounds().len();
        let native = module.native_layout().filter(|_| with_native);
        let mut readings = Readings {
            series: Vec::with_capacity(sources.len()),
            cumulative: Vec::with_capacity(sources.len() * bounds),
            bounds,
        };
        let mut sites = Snapshot::default();
        let mut observed = Snapshot::default();
        let mut rest = sources.as_slice();
        while let Some(first) = rest.first() {
            let same = rest
                .iter()
                .take_while(|source| {
                    source.kind == first.kind && source.operation == first.operation
                })
                .count();
            let (group, after) = rest.split_at(same);
            rest = after;
            sites.clear();
            observed.clear();
            let mut by_hand = [0; Status::COUNT];
            let mut other_statuses = Vec::new();
            for source in group {
                match &source.feed {
                    Feed::Site(Some(recorder)) => recorder.add_to(&mut sites, with_native),
                    Feed::Site(None) => {}
                    Feed::Counted(status, count) => {
                        match Status::ALL.iter().position(|ours| ours.as_str() == status) {
                            Some(index) => by_hand[index] += count,
                            None => other_statuses.push((status.clone(), *count)),
                        }
                    }
                    Feed::Observed(recorder) => recorder.add_to(&mut observed, with_native),
                }
            }
            let mut untagged = by_hand;
            for (count, status) in untagged.iter_mut().zip(Status::ALL) {
                *count += sites.untagged(status);
            }
            let in_flight = sites.in_flight();
            // For call sites `_count` is the number of calls however they
            // ended, so it always matches the statuses in a render;
            // durations observed by hand add theirs.
            if observed.total() > 0 {
                sites.add_durations(&observed);
            }
            let cumulative_at = readings.cumulative.len();
            let mut running = 0;
            for index in 0..bounds {
                running += sites.buckets.get(index).copied().unwrap_or(0);
                readings.cumulative.push(running);
            }
            let (count, sum_seconds) = (sites.total(), sites.sum_seconds());
            let more = (sites.has_more_than_counts() || !other_statuses.is_empty()).then(|| {
                let snapshot = std::mem::take(&mut sites);
                Box::new(More {
                    native: native.map(|layout| layout.buckets(&snapshot.native)),
                    snapshot,
                    other_statuses,
                })
            });
            readings.series.push(Series {
                kind: first.kind.clone(),
                operation: first.operation.clone(),
                untagged,
                in_flight,
                count,
                sum_seconds,
                cumulative_at,
                more,
            });
        }
        readings
    }

    /// Whether the module has no series yet.
    pub(super) fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Every series, in label order.
    pub(super) fn series(&self) -> &[Series] {
        &self.series
    }

    /// `series`' cumulative bucket counts, one per finite bound.
    pub(super) fn cumulative(&self, series: &Series) -> &[u64] {
        &self.cumulative[series.cumulative_at..series.cumulative_at + self.bounds]
    }
}

impl Series {
    /// Calls that ended with a tag (an error kind): `(status, tag, calls)`.
    pub(super) fn tagged(&self) -> &[(Status, &'static str, u64)] {
        self.more
            .as_deref()
            .map_or(&[], |more| &more.snapshot.tagged)
    }

    /// The latest exemplar of the calls that ended with `status` and `tag`
    /// (`None`: untagged).
    pub(super) fn exemplar(&self, status: Status, tag: Option<&str>) -> Option<Exemplar> {
        self.more.as_deref()?.snapshot.exemplar(status, tag)
    }

    /// The latest exemplar per classic bucket, `+Inf` last; empty when none.
    pub(super) fn bucket_exemplars(&self) -> &[Option<Exemplar>] {
        self.more
            .as_deref()
            .map_or(&[], |more| &more.snapshot.bucket_exemplars)
    }

    /// The native buckets, when read.
    pub(super) fn native(&self) -> Option<&NativeBuckets> {
        self.more.as_deref()?.native.as_ref()
    }

    /// Counts by hand under a `status` none of ours is.
    pub(super) fn other_statuses(&self) -> &[(String, u64)] {
        self.more
            .as_deref()
            .map_or(&[], |more| &more.other_statuses)
    }
}

/// Every label set's feeds, sorted by `(kind, operation)`.
fn sources(module: &ModuleMetrics) -> Vec<Source<'static>> {
    let mut sources = Vec::new();
    for site in module.sites() {
        let operation = site.operation().operation();
        site.for_each_kind(|kind, recorder| {
            sources.push(Source {
                kind: Cow::Borrowed(kind),
                operation: Cow::Borrowed(operation),
                feed: Feed::Site(recorder),
            });
        });
    }
    for ([operation, kind, status], count) in module.operations_total().snapshot() {
        sources.push(Source {
            kind: kind.into(),
            operation: operation.into(),
            feed: Feed::Counted(status, count),
        });
    }
    for ([operation, kind], recorder) in module.operation_duration_seconds().recorders() {
        sources.push(Source {
            kind: kind.into(),
            operation: operation.into(),
            feed: Feed::Observed(recorder),
        });
    }
    sources.sort_by(|a, b| (&a.kind, &a.operation).cmp(&(&b.kind, &b.operation)));
    sources
}
