//! Calls counted by a tag: a label value that comes with some ends of a
//! call (a metered call's error kind, an HTTP response's status code).
//!
//! Shared counters: tagged calls are the rarer path (errors) or come with
//! far costlier work (HTTP requests).

use std::sync::atomic::{AtomicU64, Ordering};

use super::bounded_table::BoundedTable;
use super::exemplar_slot::ExemplarSlot;
use crate::outcome::Status;
use crate::trace::Exemplar;

/// Distinct (status, tag) pairs a recorder keeps; more are counted as `other`.
const MAX_TAGS: usize = 64;

/// The tag that stands for every tag past [`MAX_TAGS`].
pub(super) const OVERFLOW_TAG: &str = "other";

pub(super) struct Tags {
    kept: BoundedTable<(Status, &'static str), Tagged>,
    /// Past the cap, by end.
    overflow: [Tagged; Status::COUNT],
}

/// The calls of one (status, tag), and the latest of them in a trace.
#[derive(Default)]
struct Tagged {
    calls: AtomicU64,
    exemplar: ExemplarSlot,
}

impl Tags {
    pub(super) fn new() -> Self {
        Tags {
            kept: BoundedTable::new(MAX_TAGS),
            overflow: std::array::from_fn(|_| Tagged::default()),
        }
    }

    /// Counts one call; returns the slot for its exemplar.
    pub(super) fn count(&self, status: Status, tag: &'static str) -> &ExemplarSlot {
        let tagged = self
            .kept
            .get_or_add(
                |(known_status, known_tag)| *known_status == status && *known_tag == tag,
                || ((status, tag), Tagged::default()),
            )
            .unwrap_or(&self.overflow[status.index()]);
        tagged.calls.fetch_add(1, Ordering::Release);
        &tagged.exemplar
    }

    /// Adds every non-zero count into `into`, merging equal (status, tag)
    /// pairs, and keeps the latest exemplar of each in `exemplars`.
    pub(super) fn add_to(
        &self,
        into: &mut Vec<(Status, &'static str, u64)>,
        exemplars: &mut Vec<(Status, &'static str, Exemplar)>,
    ) {
        let kept = self
            .kept
            .iter()
            .map(|((status, tag), tagged)| (*status, *tag, tagged));
        let overflow = Status::ALL
            .into_iter()
            .map(|status| (status, OVERFLOW_TAG, &self.overflow[status.index()]));
        for (status, tag, tagged) in kept.chain(overflow) {
            let count = tagged.calls.load(Ordering::Acquire);
            match into
                .iter_mut()
                .find(|(known_status, known_tag, _)| *known_status == status && *known_tag == tag)
            {
                Some((_, _, total)) => *total += count,
                None if count > 0 => into.push((status, tag, count)),
                None => {}
            }
            let Some(exemplar) = tagged.exemplar.read() else {
                continue;
            };
            match exemplars
                .iter_mut()
                .find(|(known_status, known_tag, _)| *known_status == status && *known_tag == tag)
            {
                Some((_, _, kept)) => {
                    *kept = Exemplar::latest(Some(*kept), Some(exemplar)).unwrap_or(exemplar);
                }
                None => exemplars.push((status, tag, exemplar)),
            }
        }
    }
}
