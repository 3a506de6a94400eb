//! A module's series for one render: every label set of its call sites (in
//! the order of their [`SeriesIndex`]) and of what was recorded by hand,
//! merged in label order, each read once.
//!
//! Most series hold nothing but counts (no tags, exemplars, native buckets
//! or counts by hand). Those are kept in place, their cumulative bucket
//! counts side by side in one buffer, and read through one reused
//! [`Snapshot`]: reading 5,000 series allocates a few growing buffers, not
//! a snapshot per series. The rest keep their whole reading.

use std::cmp::Ordering;
use std::sync::Arc;

use super::families::ModuleMetrics;
use super::label_set::LabelsAt;
use super::series_index::SeriesIndex;
use crate::outcome::Status;
use crate::record::{NativeBuckets, NativeLayout, Recorder, Snapshot};
use crate::trace::Exemplar;

/// How many recorders a render touches in a row before reading them, so
/// that it waits for their memory together rather than once per recorder
/// (5-10% of a render of 5,000 series on the machine of the render goal).
const TOUCHED_TOGETHER: usize = 8;

/// Every series of a module, read once, sorted by `(kind, operation)`: the
/// order of the labels' names.
pub(super) struct Readings {
    series: Vec<Series>,
    /// Each series' cumulative counts, one per finite bound, back to back.
    cumulative: Vec<u64>,
    bounds: usize,
    /// The call sites' label sets, where most series' labels are.
    index: Arc<SeriesIndex>,
    /// The label sets of what was recorded by hand alone, back to back.
    hand_labels: String,
}

/// Where a series' labels are.
#[derive(Clone, Copy)]
enum LabelsIn {
    /// In the index's text: nothing to copy at each render.
    Index(LabelsAt),
    /// In [`Readings::hand_labels`].
    ByHand(LabelsAt),
}

/// One label set's counts.
pub(super) struct Series {
    labels: LabelsIn,
    /// Calls by status (`Status::ALL` order) without a tag, those counted
    /// by hand included.
    pub(super) untagged: [u64; Status::COUNT],
    pub(super) in_flight: u64,
    /// The histogram's `_count`: every call, however it ended, and every
    /// duration observed by hand.
    pub(super) count: u64,
    pub(super) sum_nanos: u64,
    /// Where its cumulative counts start in [`Readings::cumulative`].
    cumulative_at: usize,
    /// Whatever more than counts it has.
    more: Option<Box<More>>,
}

/// What few series have: tags, exemplars, native buckets, statuses of the
/// caller's choosing.
struct More {
    /// The whole reading, durations observed by hand added, when it has
    /// tags or exemplars; empty otherwise.
    snapshot: Snapshot,
    native: Option<NativeBuckets>,
    /// Counted by hand under a `status` none of ours is.
    other_statuses: Vec<(String, u64)>,
}

/// What was recorded by hand under one label set.
enum ByHand {
    /// Counted under `status`.
    Counted(String, u64),
    /// Durations observed.
    Observed(Arc<Recorder>),
}

struct HandSource {
    kind: String,
    operation: String,
    feed: ByHand,
}

impl Readings {
    /// Reads every series of `module` (sites that share labels, two
    /// functions with one `op`, add up); native buckets only `with_native`.
    pub(super) fn read(module: &ModuleMetrics, with_native: bool) -> Readings {
        let index = module.series_index();
        let by_hand = by_hand(module);
        let bounds = module.labelled_bounds().len();
        let native = module.native_layout().filter(|_| with_native);
        let mut readings = Readings {
            series: Vec::with_capacity(index.len()),
            cumulative: Vec::with_capacity(index.len() * bounds),
            bounds,
            index: Arc::clone(&index),
            hand_labels: String::new(),
        };
        let mut reader = Reader {
            sites: Snapshot::default(),
            observed: Snapshot::default(),
            with_native,
            native,
        };
        let mut sites = index.entries().peekable();
        let all_recorders = index.recorders();
        // Recorders before this one were touched (`Recorder::touch`).
        let mut touched = 0;
        let mut hand = by_hand.as_slice();
        loop {
            let next_site = sites.peek().map(|&(at, _)| at.values(index.text()));
            let next_hand = hand.first().map(|first| (&*first.kind, &*first.operation));
            let order = match (next_site, next_hand) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(site), Some(hand)) => site.cmp(&hand),
            };
            let (labels, recorders) = match order {
                Ordering::Greater => {
                    let (kind, operation) = next_hand.unwrap_or_default();
                    let labels_at = LabelsAt::push(&mut readings.hand_labels, kind, operation);
                    (LabelsIn::ByHand(labels_at), &[][..])
                }
                _ => {
                    let Some((labels_at, recorders)) = sites.next() else {
                        break;
                    };
                    if recorders.end > touched {
                        let ahead = (recorders.start + TOUCHED_TOGETHER)
                            .min(all_recorders.len())
                            .max(recorders.end);
                        let batch = &all_recorders[recorders.start..ahead];
                        std::hint::black_box(batch.iter().map(|r| r.touch()).sum::<u64>());
                        touched = ahead;
                    }
                    (LabelsIn::Index(labels_at), &all_recorders[recorders])
                }
            };
            let same_hand = match order {
                Ordering::Less => 0,
                _ => {
                    let (kind, operation) = next_hand.unwrap_or_default();
                    hand.iter()
                        .take_while(|source| source.kind == kind && source.operation == operation)
                        .count()
                }
            };
            let (group, rest) = hand.split_at(same_hand);
            hand = rest;
            reader.read(&mut readings, labels, recorders, group);
        }
        readings
    }

    /// Where a series' labels are, and the text they are in.
    #[inline]
    fn labels_at(&self, series: &Series) -> (LabelsAt, &str) {
        match series.labels {
            LabelsIn::Index(at) => (at, self.index.text()),
            LabelsIn::ByHand(at) => (at, &self.hand_labels),
        }
    }

    /// A series' kind and operation values.
    #[inline]
    pub(super) fn labels(&self, series: &Series) -> (&str, &str) {
        let (at, text) = self.labels_at(series);
        at.values(text)
    }

    /// A series' [`label_set::pairs`](super::label_set::pairs) as text,
    /// from the `first`th on.
    #[inline]
    pub(super) fn label_text(&self, series: &Series, first: usize) -> &str {
        let (at, text) = self.labels_at(series);
        at.text(text, first)
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

/// Reads series one after another through the same snapshots.
struct Reader {
    sites: Snapshot,
    observed: Snapshot,
    with_native: bool,
    native: Option<&'static NativeLayout>,
}

impl Reader {
    /// Reads the series of `labels`: its call sites' `recorders` and
    /// what was recorded by hand under its labels.
    fn read(
        &mut self,
        readings: &mut Readings,
        labels: LabelsIn,
        recorders: &[&Recorder],
        by_hand: &[HandSource],
    ) {
        let Reader {
            sites, observed, ..
        } = self;
        sites.clear();
        observed.clear();
        for recorder in recorders {
            recorder.add_to(sites, self.with_native);
        }
        let mut counted = [0; Status::COUNT];
        let mut other_statuses = Vec::new();
        for source in by_hand {
            match &source.feed {
                ByHand::Counted(status, count) => {
                    match Status::ALL.iter().position(|ours| ours.as_str() == status) {
                        Some(index) => counted[index] += count,
                        None => other_statuses.push((status.clone(), *count)),
                    }
                }
                ByHand::Observed(recorder) => recorder.add_to(observed, self.with_native),
            }
        }
        let mut untagged = counted;
        for (count, status) in untagged.iter_mut().zip(Status::ALL) {
            *count += sites.untagged(status);
        }
        let in_flight = sites.in_flight();
        // For call sites `_count` is the number of calls however they
        // ended, so it always matches the statuses in a render; durations
        // observed by hand add theirs.
        if observed.total() > 0 {
            sites.add_durations(observed);
        }
        let cumulative_at = readings.cumulative.len();
        let mut running = 0;
        for index in 0..readings.bounds {
            running += sites.buckets.get(index).copied().unwrap_or(0);
            readings.cumulative.push(running);
        }
        let (count, sum_nanos) = (sites.total(), sites.sum_nanos);
        let native = self.native.map(|layout| layout.buckets(&sites.native));
        let whole = sites.has_tags_or_exemplars();
        let more = (whole || native.is_some() || !other_statuses.is_empty()).then(|| {
            // Only a reading with tags or exemplars is kept whole: the next
            // series is read into fresh buffers then.
            let snapshot = if whole {
                std::mem::take(sites)
            } else {
                Snapshot::default()
            };
            Box::new(More {
                snapshot,
                native,
                other_statuses,
            })
        });
        readings.series.push(Series {
            labels,
            untagged,
            in_flight,
            count,
            sum_nanos,
            cumulative_at,
            more,
        });
    }
}

/// What was recorded by hand, sorted by `(kind, operation)`.
fn by_hand(module: &ModuleMetrics) -> Vec<HandSource> {
    let mut sources = Vec::new();
    for ([operation, kind, status], count) in module.operations_total().snapshot() {
        sources.push(HandSource {
            kind,
            operation,
            feed: ByHand::Counted(status, count),
        });
    }
    for ([operation, kind], recorder) in module.operation_duration_seconds().recorders() {
        sources.push(HandSource {
            kind,
            operation,
            feed: ByHand::Observed(recorder),
        });
    }
    sources.sort_by(|a, b| (&a.kind, &a.operation).cmp(&(&b.kind, &b.operation)));
    sources
}

#[cfg(test)]
mod tests {
    use crate::__private::{CallSite, Exit, KindValue, Outcome};
    use crate::Format;
    use crate::by_hand::module_metrics;

    /// The sample lines of `family` in `text`, without the family name.
    fn samples<'t>(text: &'t str, family: &str) -> Vec<&'t str> {
        text.lines()
            .filter_map(|line| line.strip_prefix(family))
            .filter(|rest| rest.starts_with('{'))
            .collect()
    }

    #[test]
    fn call_sites_and_what_was_recorded_by_hand_merge_in_label_order() {
        const MODULE: &str = "unit_series_merge";
        let leak = |site: CallSite| -> &'static CallSite { Box::leak(Box::new(site)) };
        let computed = leak(CallSite::new(MODULE, "b_op", "", true, file!(), line!()));
        let fixed = leak(CallSite::new(MODULE, "b_op", "m", false, file!(), line!()));
        // Two sites under the same labels add up.
        let fixed_twin = leak(CallSite::new(MODULE, "b_op", "m", false, file!(), line!()));
        for kind in ["z", "a"] {
            Exit::new(computed.start_with(KindValue::Bounded(kind))).returns(Outcome::Success);
        }
        Exit::new(fixed.start()).returns(Outcome::Success);
        Exit::new(fixed_twin.start()).returns(Outcome::Success);
        let module = module_metrics(MODULE).unwrap();
        module
            .operations_total()
            .with_label_values(&["b_op", "m", "success"])
            .inc_by(2);
        module
            .operations_total()
            .with_label_values(&["a_op", "m", "timeout"])
            .inc();
        module
            .operation_duration_seconds()
            .with_label_values(&["c_op", "zz"])
            .observe(0.5);

        let mut text = Vec::new();
        module.render_into(Format::Text, &mut text);
        let text = String::from_utf8(text).unwrap();
        let in_flight = samples(&text, "rustok_unit_series_merge_operations_in_flight");
        assert_eq!(
            in_flight,
            [
                r#"{kind="a",operation="b_op"} 0"#,
                r#"{kind="m",operation="a_op"} 0"#,
                r#"{kind="m",operation="b_op"} 0"#,
                r#"{kind="z",operation="b_op"} 0"#,
                r#"{kind="zz",operation="c_op"} 0"#,
            ]
        );
        let calls = samples(&text, "rustok_unit_series_merge_operations_total");
        assert!(calls.contains(&r#"{error_kind="",kind="m",operation="b_op",status="success"} 4"#));
        assert!(calls.contains(&r#"{error_kind="",kind="m",operation="a_op",status="timeout"} 1"#));
        let statuses: Vec<&str> = calls
            .iter()
            .filter(|line| line.contains(r#"kind="m",operation="a_op""#))
            .map(|line| line.split("status=\"").nth(1).unwrap())
            .collect();
        assert_eq!(
            statuses,
            [
                "cancelled\"} 0",
                "error\"} 0",
                "panic\"} 0",
                "success\"} 0",
                "timeout\"} 1"
            ]
        );
        let counts = samples(
            &text,
            "rustok_unit_series_merge_operation_duration_seconds_count",
        );
        assert_eq!(counts[4], r#"{kind="zz",operation="c_op"} 1"#);
        assert_eq!(counts[2], r#"{kind="m",operation="b_op"} 2"#);
    }
}
