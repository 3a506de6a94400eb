//! The label sets of a module's call sites in label order, each with its
//! recorders, and their label values and text side by side in one string
//! ([`LabelsAt`]): made when a render finds a set it has not seen, and kept
//! while none is added.
//!
//! A render then neither sorts nor compares label values, and reads them
//! from one string rather than from a string per kind scattered over the
//! heap (a computed kind keeps its own copy per call site): with 5,000
//! series, sorting and reading those scattered strings was most of a
//! render's time. Call sites, their kinds and their recorders are only ever
//! added, so counting them tells whether the index still holds.

use std::ops::Range;

use super::label_set::LabelsAt;
use crate::record::Recorder;

/// How many sites, kinds and recorders an index was made from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Counts {
    sites: usize,
    kinds: usize,
    recorders: usize,
}

impl Counts {
    /// Counts one more site, with its kinds and recorders.
    pub(super) fn add_site(&mut self, (kinds, recorders): (usize, usize)) {
        self.sites += 1;
        self.kinds += kinds;
        self.recorders += recorders;
    }
}

/// A label set of a call site, `(kind, operation)`, and its recorder (none
/// before the site's first call).
pub(super) type LabelSet = (&'static str, &'static str, Option<&'static Recorder>);

/// The call sites' label sets, sorted by `(kind, operation)`.
pub(super) struct SeriesIndex {
    counts: Counts,
    /// Every label set's values and text, back to back.
    text: String,
    entries: Vec<Entry>,
    /// Each entry's recorders (sites that share labels add up), in entry order.
    recorders: Vec<&'static Recorder>,
}

/// One label set: where it is in the text, and its recorders.
struct Entry {
    labels_at: LabelsAt,
    recorders_end: usize,
}

impl SeriesIndex {
    /// The index of `label_sets`, walked after `counts` were taken: a kind
    /// added meanwhile is walked but not counted, so the next render makes
    /// the index again (counted after, it could be counted and never walked).
    pub(super) fn new(counts: Counts, mut label_sets: Vec<LabelSet>) -> SeriesIndex {
        label_sets.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut index = SeriesIndex {
            counts,
            text: String::new(),
            entries: Vec::new(),
            recorders: Vec::new(),
        };
        let mut previous: Option<(&str, &str)> = None;
        for (kind, operation, recorder) in label_sets {
            if previous != Some((kind, operation)) {
                previous = Some((kind, operation));
                index.entries.push(Entry {
                    labels_at: LabelsAt::push(&mut index.text, kind, operation),
                    recorders_end: index.recorders.len(),
                });
            }
            if let (Some(recorder), Some(entry)) = (recorder, index.entries.last_mut()) {
                index.recorders.push(recorder);
                entry.recorders_end = index.recorders.len();
            }
        }
        index
    }

    /// What it was made from.
    pub(super) fn counts(&self) -> Counts {
        self.counts
    }

    /// How many label sets it has.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Every label set's values and text, back to back.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// Every label set's recorders, in label order.
    pub(super) fn recorders(&self) -> &[&'static Recorder] {
        &self.recorders
    }

    /// Each label set: where it is in [`text`](Self::text), and where its
    /// recorders are in [`recorders`](Self::recorders).
    pub(super) fn entries(&self) -> impl Iterator<Item = (LabelsAt, Range<usize>)> {
        let mut start = 0;
        self.entries.iter().map(move |entry| {
            let recorders = start..entry.recorders_end;
            start = entry.recorders_end;
            (entry.labels_at, recorders)
        })
    }
}

impl std::fmt::Debug for SeriesIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeriesIndex")
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}
