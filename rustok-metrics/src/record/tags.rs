//! Calls counted by a tag: a label value that comes with some ends of a
//! call (a metered call's error kind, an HTTP response's status code).
//!
//! Shared counters: tagged calls are the rarer path (errors) or come with
//! far costlier work (HTTP requests).

use std::sync::atomic::{AtomicU64, Ordering};

use super::bounded_table::BoundedTable;
use super::recorder::End;

/// Distinct (end, tag) pairs a recorder keeps; more are counted as `other`.
const MAX_TAGS: usize = 64;

/// The tag that stands for every tag past [`MAX_TAGS`].
pub(super) const OVERFLOW_TAG: &str = "other";

pub(super) struct Tags {
    kept: BoundedTable<(End, &'static str), AtomicU64>,
    /// Past the cap, by end.
    overflow: [AtomicU64; End::COUNT],
}

impl Tags {
    pub(super) fn new() -> Self {
        Tags {
            kept: BoundedTable::new(MAX_TAGS),
            overflow: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    pub(super) fn count(&self, end: End, tag: &'static str) {
        let counter = self
            .kept
            .get_or_add(
                |(known_end, known_tag)| *known_end == end && *known_tag == tag,
                || ((end, tag), AtomicU64::new(0)),
            )
            .unwrap_or(&self.overflow[end.index()]);
        counter.fetch_add(1, Ordering::Release);
    }

    /// Adds every non-zero count into `into`, merging equal (end, tag) pairs.
    pub(super) fn add_to(&self, into: &mut Vec<(End, &'static str, u64)>) {
        let kept = self
            .kept
            .iter()
            .map(|((end, tag), counter)| (*end, *tag, counter));
        let overflow = End::ALL
            .into_iter()
            .map(|end| (end, OVERFLOW_TAG, &self.overflow[end.index()]));
        for (end, tag, counter) in kept.chain(overflow) {
            let count = counter.load(Ordering::Acquire);
            match into
                .iter_mut()
                .find(|(known_end, known_tag, _)| *known_end == end && *known_tag == tag)
            {
                Some((_, _, total)) => *total += count,
                None if count > 0 => into.push((end, tag, count)),
                None => {}
            }
        }
    }
}
