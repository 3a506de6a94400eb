//! The counts of one series: a stripe per thread slot, summed when read.
//!
//! A stripe holds the count of each [`Status`], the sum of durations in
//! nanoseconds, the calls started, and one count per histogram bucket (not
//! cumulative; `+Inf`'s is counted, so that a call needs no test for it, and
//! never read). The histogram's `_count` is the sum of the end counts, so it
//! always matches them in a render; calls in flight are the calls started
//! less those ended.
//!
//! Ordering: a writer bumps the end count (`Release`) before the bucket
//! count (`Release`); a reader loads every stripe's buckets, then every
//! stripe's ends (`Acquire`), then every stripe's starts. So a read never
//! shows a call in a bucket but not in `_count`, which would make a finite
//! bucket exceed `+Inf`, and never an end without its start (the start
//! happened before the end, even on another thread), so calls in flight are
//! never negative. Tags are counted after the stripe and read before it, for
//! the same reason: tagged calls never exceed the calls.
//!
//! With native histograms, a thread's stripe also counts each call in its
//! exponential bucket ([`NativeLayout`]), in a window of 16-bit counters
//! over the range its calls took ([`NativeWindow`]); the shared stripe keeps
//! the whole range. The native counter comes from a table lookup
//! ([`NativeLayout::counter`]), no scan.
//!
//! A call only notes its native counter in its stripe ([`NativeNotes`]),
//! and counts the one its thread's call there before last noted, whose
//! address has long been known. Counting its own cost 7-10 ns a call on AMD
//! EPYC under KVM (the counter's address depends on the second clock
//! reading, and the next reading waits until that address is known),
//! counting the previous call's 2-3.5 ns (its address then waits on that
//! call's lookup). A reader adds the noted counters (see [`NativeNotes`]
//! for why never twice).
//!
//! A call that ends inside a trace
//! ([`trace::current`]) leaves an exemplar in the slot of its bucket and in
//! that of its end (or its tag): shared slots, written without waiting
//! ([`ExemplarSlot`]).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use super::clock::{self, Ticks};
use super::exemplar_slot::ExemplarSlot;
use super::native::NativeLayout;
use super::native_notes::NativeNotes;
use super::native_window::{FULL_COUNTER, Missed};
use super::stripe::{Stripe, add_owned};
use super::tags::Tags;
use super::thread_slot::{self, EXCLUSIVE_SLOTS};
use crate::lock::lock;
use crate::outcome::Status;
use crate::trace::{self, Exemplar};

const SUM: usize = Status::COUNT;
const STARTED: usize = SUM + 1;
/// A thread's own stripe: native counters of calls that ended and are not
/// counted there yet, only ever used through [`NativeNotes`].
const NATIVE_NOTES: usize = STARTED + 1;
const FIRST_BUCKET: usize = NATIVE_NOTES + 1;

/// The counts of one series.
pub(crate) struct Recorder {
    /// Bucket upper bounds, in nanoseconds: the finite ones, then
    /// `u64::MAX` for `+Inf`, which ends every scan.
    bounds_nanos: Box<[u64]>,
    /// Exponential buckets, after the classic ones in each stripe.
    native: Option<&'static NativeLayout>,
    /// For threads without a slot, made on first need; updated with `fetch_add`.
    shared: OnceLock<Stripe>,
    /// One per slot, made on the slot's first call here; one writer each.
    owned: [OnceLock<Stripe>; EXCLUSIVE_SLOTS],
    /// Slots below this may have a stripe: readers look no further.
    owned_end: AtomicUsize,
    /// Tagged calls, made on the first call that has a tag.
    tags: OnceLock<Box<Tags>>,
    /// One slot per classic bucket (`+Inf` last), then one per end; made on
    /// the first call inside a trace.
    exemplars: OnceLock<Box<[ExemplarSlot]>>,
    /// Held while native windows are read, and while one is widened or a
    /// full counter of one is moved to the shared stripe (see
    /// [`NativeWindow`]), so a read never sees those half done.
    native_lock: Mutex<()>,
}

/// The stripe of the thread a call started on, while the call is known to
/// be on that thread still (every sync call, an async call never suspended):
/// it ends in that stripe without looking up its thread's slot. `None`: the
/// thread had no slot, or the call may have moved ([`StartedOn::ANYWHERE`]).
#[derive(Clone, Copy)]
pub(crate) struct StartedOn<'r>(Option<&'r Stripe>);

impl<'r> StartedOn<'r> {
    /// A call that may end on any thread: its end looks up the stripe of the
    /// thread it ends on.
    pub(crate) const ANYWHERE: StartedOn<'static> = StartedOn(None);

    /// The stripe, if known.
    #[inline(always)]
    pub(super) fn stripe(self) -> Option<&'r Stripe> {
        self.0
    }
}

/// What a call counted in its thread's stripe ([`Recorder::record_in`])
/// left to do: count a native counter its window could not, its tag and
/// exemplars. One word (the counter plus one, 0 for none, and the call's
/// status above it), so that it is passed in one register and the call that
/// does it takes no argument on the stack.
#[derive(Clone, Copy)]
pub(super) struct Leftover(u64);

impl Leftover {
    #[inline(always)]
    fn new(uncounted: Option<usize>, status: Status) -> Self {
        let uncounted = uncounted.map_or(0, |counter| counter as u64 + 1);
        Leftover(uncounted | (status.index() as u64) << 32)
    }

    /// The native counter not counted yet, if any.
    fn uncounted(self) -> Option<usize> {
        #[allow(clippy::cast_possible_truncation)]
        (self.0 as u32)
            .checked_sub(1)
            .map(|counter| counter as usize)
    }

    fn status(self) -> Status {
        Status::ALL[(self.0 >> 32) as usize]
    }
}

/// A consistent read of a recorder (or several, added up).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Snapshot {
    /// Calls by [`Status::index`].
    pub(crate) by_status: [u64; Status::COUNT],
    /// Calls started: those not ended are in flight.
    pub(crate) started: u64,
    pub(crate) sum_nanos: u64,
    /// Per finite bucket, not cumulative.
    pub(crate) buckets: Vec<u64>,
    /// Calls that ended with a tag, by end and tag: a part of `by_status`.
    pub(crate) tagged: Vec<(Status, &'static str, u64)>,
    /// Per native-histogram counter (the zero bucket first), when the
    /// recorder has them.
    pub(crate) native: Vec<u64>,
    /// The latest exemplar per classic bucket, `+Inf` last (empty until one
    /// was recorded).
    pub(crate) bucket_exemplars: Vec<Option<Exemplar>>,
    /// The latest exemplar per end of the untagged calls.
    pub(crate) status_exemplars: [Option<Exemplar>; Status::COUNT],
    /// The latest exemplar per tagged (status, tag).
    pub(crate) tagged_exemplars: Vec<(Status, &'static str, Exemplar)>,
}

impl Snapshot {
    /// Calls that ended with `end`.
    pub(crate) fn calls(&self, status: Status) -> u64 {
        self.by_status[status.index()]
    }

    /// Every call, however it ended: the histogram's `_count`.
    pub(crate) fn total(&self) -> u64 {
        self.by_status.iter().sum()
    }

    /// Calls that ended with `end` and no tag.
    pub(crate) fn untagged(&self, status: Status) -> u64 {
        let tagged: u64 = self
            .tagged
            .iter()
            .filter(|(tagged_status, _, _)| *tagged_status == status)
            .map(|(_, _, count)| count)
            .sum();
        self.calls(status).saturating_sub(tagged)
    }

    /// The latest exemplar of the calls that ended with `end` and `tag`
    /// (`None`: untagged).
    pub(crate) fn exemplar(&self, status: Status, tag: Option<&str>) -> Option<Exemplar> {
        match tag {
            None => self.status_exemplars[status.index()],
            Some(tag) => self
                .tagged_exemplars
                .iter()
                .find(|(tagged_status, tagged, _)| *tagged_status == status && *tagged == tag)
                .map(|(_, _, exemplar)| *exemplar),
        }
    }

    /// Adds `other`'s durations (buckets, native buckets, sum, count and
    /// bucket exemplars) to these, leaving the statuses' exemplars and tags
    /// as they are: how durations observed by hand join a call site's.
    pub(crate) fn add_durations(&mut self, other: &Snapshot) {
        // Either may have read no recorder yet (a series only observed by
        // hand): the longer layout holds both.
        self.buckets
            .resize(self.buckets.len().max(other.buckets.len()), 0);
        self.native
            .resize(self.native.len().max(other.native.len()), 0);
        for (total, count) in self.buckets.iter_mut().zip(&other.buckets) {
            *total += count;
        }
        for (total, count) in self.native.iter_mut().zip(&other.native) {
            *total += count;
        }
        self.sum_nanos += other.sum_nanos;
        for (total, count) in self.by_status.iter_mut().zip(other.by_status) {
            *total += count;
        }
        self.started += other.total();
        if self.bucket_exemplars.len() < other.bucket_exemplars.len() {
            self.bucket_exemplars
                .resize(other.bucket_exemplars.len(), None);
        }
        for (kept, exemplar) in self
            .bucket_exemplars
            .iter_mut()
            .zip(&other.bucket_exemplars)
        {
            *kept = Exemplar::latest(*kept, *exemplar);
        }
    }

    /// Back to a reading of nothing, keeping the buffers: a render reads
    /// thousands of series through one snapshot without allocating for each.
    pub(crate) fn clear(&mut self) {
        self.by_status = [0; Status::COUNT];
        self.started = 0;
        self.sum_nanos = 0;
        self.buckets.clear();
        self.tagged.clear();
        self.native.clear();
        self.bucket_exemplars.clear();
        self.status_exemplars = [None; Status::COUNT];
        self.tagged_exemplars.clear();
    }

    /// Whether it holds tags or exemplars.
    pub(crate) fn has_tags_or_exemplars(&self) -> bool {
        !self.tagged.is_empty()
            || !self.bucket_exemplars.is_empty()
            || !self.tagged_exemplars.is_empty()
            || self.status_exemplars.iter().any(Option::is_some)
    }

    /// Calls started and not ended yet.
    pub(crate) fn in_flight(&self) -> u64 {
        self.started.saturating_sub(self.total())
    }
}

impl Recorder {
    /// `bounds` are the histogram's finite upper bounds in seconds; with
    /// `native`, calls are also counted in exponential buckets.
    pub(crate) fn new(bounds: &[f64], native: Option<&'static NativeLayout>) -> Self {
        let bounds_nanos: Box<[u64]> = bounds
            .iter()
            .map(|&b| seconds_to_nanos(b))
            .chain([u64::MAX])
            .collect();
        Recorder {
            bounds_nanos,
            native,
            shared: OnceLock::new(),
            owned: std::array::from_fn(|_| OnceLock::new()),
            owned_end: AtomicUsize::new(0),
            tags: OnceLock::new(),
            exemplars: OnceLock::new(),
            native_lock: Mutex::new(()),
        }
    }

    /// Counts one call as started (in flight until [`record`](Self::record)).
    #[inline(always)]
    pub(crate) fn start(&self) -> StartedOn<'_> {
        match thread_slot::current() {
            Some(slot) => {
                let stripe = self.owned_stripe(slot);
                // This thread is the stripe's only writer.
                add_owned(&stripe.counters().head()[STARTED], 1, Ordering::Relaxed);
                StartedOn(Some(stripe))
            }
            None => {
                self.shared_stripe()
                    .cell(STARTED)
                    .fetch_add(1, Ordering::Relaxed);
                StartedOn(None)
            }
        }
    }

    /// Records one call that ended with `status` at `ended_at`, with an
    /// optional tag, after `nanos` (`ticks` of the clock, when the clock
    /// measured it).
    /// `on` is the stripe of the thread it ends on, if known.
    #[inline(always)]
    pub(crate) fn record(
        &self,
        on: StartedOn<'_>,
        status: Status,
        tag: Option<&'static str>,
        (nanos, ticks): (u64, Option<u64>),
        ended_at: Ticks,
    ) {
        let stripe =
            on.0.or_else(|| thread_slot::current().map(|slot| self.owned_stripe(slot)));
        let bucket = match stripe {
            Some(stripe) => {
                let (bucket, uncounted) = self.record_owned(stripe, status, nanos, ticks);
                if let Some(counter) = uncounted {
                    self.count_native_slowly(stripe, counter);
                }
                bucket
            }
            None => self.record_shared(status, nanos, ticks),
        };
        if tag.is_some() || trace::may_be_traced() {
            self.record_tag_and_exemplars(bucket, status, tag, nanos, Some(ended_at));
        }
    }

    /// [`record`](Self::record) for a call timed by the clock that ended on
    /// the thread it started on, in that thread's stripe. Returns what is
    /// left to do, if anything: rare, and out of line
    /// ([`record_leftover`](Self::record_leftover)), so that the caller
    /// calls nothing otherwise.
    #[inline(always)]
    pub(super) fn record_in(
        &self,
        stripe: &Stripe,
        status: Status,
        tag: Option<&'static str>,
        nanos: u64,
        ticks: u64,
    ) -> Option<Leftover> {
        let (_, uncounted) = self.record_owned(stripe, status, nanos, Some(ticks));
        (uncounted.is_some() || tag.is_some() || trace::may_be_traced())
            .then(|| Leftover::new(uncounted, status))
    }

    /// Does what [`record_in`](Self::record_in) left to do.
    #[cold]
    #[inline(never)]
    pub(super) fn record_leftover(
        &self,
        stripe: &Stripe,
        leftover: Leftover,
        tag: Option<&'static str>,
        nanos: u64,
    ) {
        if tag.is_some() || trace::may_be_traced() {
            // The end's reading is not passed down (it would not fit in
            // registers): an exemplar reads the clock again, a few
            // nanoseconds after the end.
            let bucket = self.bucket_of(nanos);
            self.record_tag_and_exemplars(bucket, leftover.status(), tag, nanos, None);
        }
        if let Some(counter) = leftover.uncounted() {
            self.count_native_slowly(stripe, counter);
        }
    }

    /// Counts a tagged call, and leaves the call's exemplars when it ended
    /// inside a trace, at `ended_at` (`None`: now). Out of line: most calls
    /// have neither.
    #[inline(never)]
    fn record_tag_and_exemplars(
        &self,
        bucket: usize,
        status: Status,
        tag: Option<&'static str>,
        nanos: u64,
        ended_at: Option<Ticks>,
    ) {
        let tagged = tag.map(|tag| {
            self.tags
                .get_or_init(|| Box::new(Tags::new()))
                .count(status, tag)
        });
        // A call from a destructor while the thread exits leaves no exemplar:
        // the trace source's thread-locals may be gone.
        let trace = if thread_slot::exiting() {
            None
        } else {
            trace::current()
        };
        if let Some(trace) = trace {
            let ended_at = ended_at.unwrap_or_else(clock::now);
            let slots = self.exemplar_slots();
            slots[bucket].write(&trace, nanos, ended_at);
            let end_slot = tagged.unwrap_or(&slots[self.bounds_nanos.len() + status.index()]);
            end_slot.write(&trace, nanos, ended_at);
        }
    }

    /// Records a duration measured elsewhere (a duration observed by hand):
    /// a call that ended fine, with no start counted here.
    pub(crate) fn observe(&self, nanos: u64) {
        self.record(
            StartedOn::ANYWHERE,
            Status::Success,
            None,
            (nanos, None),
            clock::now(),
        );
    }

    /// Counts a call in this thread's own stripe (a plain load and store per
    /// counter: it is their only writer). Returns its classic bucket (the
    /// last for `+Inf`), and the native counter it was to count and its
    /// window could not, if any (for [`count_native_slowly`](Self::count_native_slowly)).
    #[inline(always)]
    fn record_owned(
        &self,
        stripe: &Stripe,
        status: Status,
        nanos: u64,
        ticks: Option<u64>,
    ) -> (usize, Option<usize>) {
        let bucket = self.bucket_of(nanos);
        let counters = stripe.counters();
        let head = counters.head();
        add_owned(&head[SUM], nanos, Ordering::Relaxed);
        add_owned(&head[status.index()], 1, Ordering::Release);
        // SAFETY: a stripe has a cell per bucket, `+Inf` included.
        add_owned(
            unsafe { counters.get_unchecked(FIRST_BUCKET + bucket) },
            1,
            Ordering::Release,
        );
        if let Some(layout) = self.native {
            let counter = native_counter(layout, nanos, ticks);
            if let Some(noted_before) = notes(head).push(counter)
                && stripe.native().try_increment(noted_before).is_err()
            {
                return (bucket, Some(noted_before));
            }
        }
        (bucket, None)
    }

    /// Counts a call of a thread without a stripe of its own, with atomic
    /// adds, and returns its classic bucket.
    #[cold]
    #[inline(never)]
    fn record_shared(&self, status: Status, nanos: u64, ticks: Option<u64>) -> usize {
        let bucket = self.bucket_of(nanos);
        let stripe = self.shared_stripe();
        stripe.cell(SUM).fetch_add(nanos, Ordering::Relaxed);
        stripe.cell(status.index()).fetch_add(1, Ordering::Release);
        stripe
            .cell(FIRST_BUCKET + bucket)
            .fetch_add(1, Ordering::Release);
        if let Some(layout) = self.native {
            stripe
                .cell(self.native_start() + native_counter(layout, nanos, ticks))
                .fetch_add(1, Ordering::Release);
        }
        bucket
    }

    /// A call this thread's native window could not count (in the zero
    /// bucket, outside the window, or in a full counter of it): count a
    /// zero, or widen the window, or move the full count to the shared
    /// stripe, and count it.
    #[cold]
    #[inline(never)]
    fn count_native_slowly(&self, stripe: &Stripe, counter: usize) {
        let Some(layout) = self.native else { return };
        let window = stripe.native();
        if counter == 0 && window.try_count_zero().is_ok() {
            return;
        }
        let _readers_wait = lock(&self.native_lock);
        if counter == 0 {
            // The thread's first call here: a window with no counters yet.
            window.widen(0..0);
            let _counted = window.try_count_zero();
            return;
        }
        while let Err(missed) = window.try_increment(counter) {
            match missed {
                Missed::OutOfRange => window.widen(layout.neighbourhood(counter)),
                Missed::Full => {
                    self.shared_stripe()
                        .cell(self.native_start() + counter)
                        .fetch_add(FULL_COUNTER, Ordering::Release);
                    window.take_full(counter);
                }
            }
        }
    }

    /// The first classic bucket that holds `nanos`, the last for `+Inf`.
    #[inline]
    fn bucket_of(&self, nanos: u64) -> usize {
        let mut bucket = 0;
        // SAFETY: the last bound is `u64::MAX`, which every `nanos` is within.
        while nanos > unsafe { *self.bounds_nanos.get_unchecked(bucket) } {
            bucket += 1;
        }
        bucket
    }

    /// Buckets with a finite bound: all but `+Inf`.
    #[inline]
    fn finite_buckets(&self) -> usize {
        self.bounds_nanos.len() - 1
    }

    /// The exemplar slots, made on the first call inside a trace.
    #[inline]
    fn exemplar_slots(&self) -> &[ExemplarSlot] {
        self.exemplars.get_or_init(|| {
            (0..self.bounds_nanos.len() + Status::COUNT)
                .map(|_| ExemplarSlot::default())
                .collect()
        })
    }

    /// Where the native counters start in a stripe: after a cell per
    /// bucket, `+Inf` included.
    #[inline]
    fn native_start(&self) -> usize {
        FIRST_BUCKET + self.bounds_nanos.len()
    }

    #[inline]
    fn owned_stripe(&self, slot: usize) -> &Stripe {
        self.owned[slot].get_or_init(|| {
            self.owned_end.fetch_max(slot + 1, Ordering::Relaxed);
            Stripe::new(self.owned_counters())
        })
    }

    #[inline]
    fn shared_stripe(&self) -> &Stripe {
        self.shared
            .get_or_init(|| Stripe::new(self.shared_counters()))
    }

    /// Counters of a thread's own stripe: the native ones are in its window.
    fn owned_counters(&self) -> usize {
        self.native_start()
    }

    /// Counters of the shared stripe, the whole native range included.
    fn shared_counters(&self) -> usize {
        self.native_start() + self.native.map_or(0, NativeLayout::counters)
    }

    /// Loads a counter from each cache line [`add_to`](Self::add_to) reads,
    /// and returns their sum (for `black_box`). A render touches a batch of
    /// recorders this way before reading them: the touches are independent,
    /// so the processor waits for their memory together rather than once
    /// per recorder, and the reads then find it in cache.
    pub(crate) fn touch(&self) -> u64 {
        let optional = u64::from(self.tags.get().is_some() || self.exemplars.get().is_some());
        let owned = &self.owned[..self.owned_end.load(Ordering::Relaxed)];
        optional
            + std::iter::once(&self.shared)
                .chain(owned)
                .filter_map(OnceLock::get)
                .map(|stripe| {
                    (0..self.native_start())
                        .step_by(8)
                        .map(|index| stripe.cell(index).load(Ordering::Relaxed))
                        .sum::<u64>()
                })
                .sum::<u64>()
    }

    /// Adds this recorder's counts into `into`, which must have as many
    /// buckets (all recorders of a family do); the native buckets only
    /// `with_native` (the text formats have no use for them).
    pub(crate) fn add_to(&self, into: &mut Snapshot, with_native: bool) {
        if let Some(tags) = self.tags.get() {
            tags.add_to(&mut into.tagged, &mut into.tagged_exemplars);
        }
        if let Some(slots) = self.exemplars.get() {
            self.add_exemplars(slots, into);
        }
        into.buckets.resize(self.finite_buckets(), 0);
        let native_counters = self
            .native
            .filter(|_| with_native)
            .map_or(0, NativeLayout::counters);
        into.native.resize(native_counters, 0);
        let native_start = self.native_start();
        // A call that finished before this read happened-before it, and so did
        // the `fetch_max` of its slot: `Relaxed` cannot miss that stripe.
        let owned = &self.owned[..self.owned_end.load(Ordering::Relaxed)];
        let stripes = || {
            std::iter::once(&self.shared)
                .chain(owned)
                .filter_map(OnceLock::get)
        };
        for stripe in stripes() {
            for (index, bucket) in into.buckets.iter_mut().enumerate() {
                *bucket += stripe.cell(FIRST_BUCKET + index).load(Ordering::Acquire);
            }
        }
        if native_counters > 0 {
            let _windows_stay = lock(&self.native_lock);
            if let Some(shared) = self.shared.get() {
                for (index, count) in into.native.iter_mut().enumerate() {
                    *count += shared.cell(native_start + index).load(Ordering::Acquire);
                }
            }
            for stripe in owned.iter().filter_map(OnceLock::get) {
                stripe.native().add_to(&mut into.native);
                // After the counters: see `NativeNotes`.
                for counter in notes(stripe.counters().head()).read() {
                    into.native[counter] += 1;
                }
            }
        }
        for stripe in stripes() {
            for (index, count) in into.by_status.iter_mut().enumerate() {
                *count += stripe.cell(index).load(Ordering::Acquire);
            }
            into.sum_nanos += stripe.cell(SUM).load(Ordering::Relaxed);
        }
        // Again, for the stripes made meanwhile: a call whose end was read
        // above made its stripe before that end, so its start is seen too.
        let owned = &self.owned[..self.owned_end.load(Ordering::Relaxed)];
        let stripes = std::iter::once(&self.shared)
            .chain(owned)
            .filter_map(OnceLock::get);
        for stripe in stripes {
            into.started += stripe.cell(STARTED).load(Ordering::Relaxed);
        }
    }
}

impl Recorder {
    /// Keeps the later of each exemplar in `into` and this recorder's.
    fn add_exemplars(&self, slots: &[ExemplarSlot], into: &mut Snapshot) {
        let buckets = self.bounds_nanos.len();
        into.bucket_exemplars.resize(buckets, None);
        for (kept, slot) in into.bucket_exemplars.iter_mut().zip(&slots[..buckets]) {
            *kept = Exemplar::latest(*kept, slot.read());
        }
        for (kept, slot) in into.status_exemplars.iter_mut().zip(&slots[buckets..]) {
            *kept = Exemplar::latest(*kept, slot.read());
        }
    }
}

/// The native counters a thread's stripe noted and has not counted yet,
/// from its first counters.
#[inline(always)]
fn notes(head: &[AtomicU64; 8]) -> NativeNotes<'_> {
    NativeNotes::in_cell(&head[NATIVE_NOTES])
}

/// A call's native counter: from its ticks when the clock measured it,
/// from its nanoseconds otherwise.
#[inline(always)]
fn native_counter(layout: &NativeLayout, nanos: u64, ticks: Option<u64>) -> usize {
    match ticks {
        Some(ticks) => layout.counter(ticks),
        None => layout.counter_of_nanos(nanos),
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn seconds_to_nanos(seconds: f64) -> u64 {
    // Bounds are validated finite and positive; `as` saturates regardless.
    (seconds * 1e9).round() as u64
}

#[cfg(test)]
mod tests {
    use super::{Recorder, Snapshot, StartedOn, Status};
    use crate::record::clock;

    /// Records a call of `nanos` that ends now, on any thread.
    fn record(recorder: &Recorder, status: Status, tag: Option<&'static str>, nanos: u64) {
        recorder.record(
            StartedOn::ANYWHERE,
            status,
            tag,
            (nanos, None),
            clock::now(),
        );
    }

    fn snapshot(recorder: &Recorder) -> Snapshot {
        let mut snapshot = Snapshot::default();
        recorder.add_to(&mut snapshot, true);
        snapshot
    }

    #[test]
    fn records_into_the_first_bucket_that_holds_the_value() {
        let recorder = Recorder::new(&[0.001, 0.01], None);
        record(&recorder, Status::Success, None, 1_000_000); // exactly 1 ms: le="0.001"
        record(&recorder, Status::Error, None, 1_000_001);
        record(&recorder, Status::Panic, None, 20_000_000); // only in +Inf
        let snapshot = snapshot(&recorder);
        assert_eq!(snapshot.by_status, [1, 1, 1, 0]);
        assert_eq!(snapshot.buckets, [1, 1]);
        assert_eq!(snapshot.sum_nanos, 22_000_001);
    }

    #[test]
    fn native_buckets_count_each_call_once_whatever_thread_records_it() {
        use crate::record::NativeLayout;
        static LAYOUT: std::sync::LazyLock<NativeLayout> =
            std::sync::LazyLock::new(|| NativeLayout::new(3, 160));
        let recorder = Recorder::new(&[0.001], Some(&LAYOUT));
        record(&recorder, Status::Success, None, 1_000_000_000); // 1 s: index 0
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| record(&recorder, Status::Error, None, 2_000_000_000));
            }
        });
        record(&recorder, Status::Success, None, 0); // the zero bucket
        let snapshot = snapshot(&recorder);
        let native = LAYOUT.buckets(&snapshot.native);
        assert_eq!(native.zero_count, 1);
        assert_eq!(native.buckets, [(0, 1), (8, 3)]);
        assert_eq!(snapshot.total(), 5);
        assert_eq!(snapshot.buckets, [1]); // only the 0 ns call is within 1 ms
    }

    #[test]
    fn native_windows_widen_and_overflow_without_losing_a_call() {
        use crate::record::NativeLayout;
        static LAYOUT: std::sync::LazyLock<NativeLayout> =
            std::sync::LazyLock::new(|| NativeLayout::new(3, 160));
        let recorder = Recorder::new(&[0.001], Some(&LAYOUT));
        // Twelve powers of two, up and down again: the window widens both ways.
        let durations: Vec<u64> = (0..12).map(|power| 64 << power).collect();
        for &nanos in durations.iter().chain(durations.iter().rev()) {
            record(&recorder, Status::Success, None, nanos);
        }
        // One counter past what 16 bits hold: its calls move to the shared
        // stripe, and the total stays exact.
        let full = u64::from(u16::MAX) + 10;
        for _ in 0..full {
            record(&recorder, Status::Success, None, 5_000);
        }
        let snapshot = snapshot(&recorder);
        let mut expected = vec![0_u64; LAYOUT.counters()];
        for &nanos in durations.iter().chain(durations.iter().rev()) {
            expected[LAYOUT.counter_of_nanos(nanos)] += 1;
        }
        expected[LAYOUT.counter_of_nanos(5_000)] += full;
        assert_eq!(snapshot.native, expected);
        assert_eq!(snapshot.total(), 24 + full);
        // The window spans the powers of two the calls took, not the layout.
        let stripe = recorder.owned_stripe(crate::record::thread_slot::current().unwrap());
        let spanned = LAYOUT.counter_of_nanos(64 << 11) - LAYOUT.counter_of_nanos(64) + 1;
        assert!(
            stripe.native().len() <= spanned + 16,
            "{}",
            stripe.native().len()
        );
    }

    #[test]
    fn zero_durations_are_counted_exactly_without_widening_the_window() {
        use crate::record::NativeLayout;
        static LAYOUT: std::sync::LazyLock<NativeLayout> =
            std::sync::LazyLock::new(|| NativeLayout::new(3, 160));
        let recorder = Recorder::new(&[0.001], Some(&LAYOUT));
        // A clock coarser than the call (a zero duration) over and over.
        for _ in 0..1_000 {
            record(&recorder, Status::Success, None, 0);
        }
        // Three more, so that a call of 5 µs is counted, not only noted.
        for _ in 0..3 {
            record(&recorder, Status::Success, None, 5_000);
        }
        let snapshot = snapshot(&recorder);
        assert_eq!(snapshot.native[0], 1_000);
        assert_eq!(snapshot.native.iter().sum::<u64>(), 1_003);
        // The window holds the 5 µs calls' neighbourhood only: the zero
        // bucket is counted apart, not by stretching the window down to it.
        let stripe = recorder.owned_stripe(crate::record::thread_slot::current().unwrap());
        let around = LAYOUT.neighbourhood(LAYOUT.counter_of_nanos(5_000));
        assert_eq!(stripe.native().len(), around.len());
    }

    #[test]
    fn threads_with_and_without_slots_add_up() {
        let recorder = Recorder::new(&[1.0], None);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..1_000 {
                        record(&recorder, Status::Success, None, 5);
                    }
                });
            }
        });
        let snapshot = snapshot(&recorder);
        assert_eq!(snapshot.calls(Status::Success), 4_000);
        assert_eq!(snapshot.buckets, [4_000]);
    }

    #[test]
    fn calls_started_and_not_ended_are_in_flight_whatever_thread_ends_them() {
        let recorder = Recorder::new(&[1.0], None);
        recorder.start();
        recorder.start();
        recorder.start();
        record(&recorder, Status::Success, None, 1);
        // Started here, ended on another thread: an async call that resumed
        // on another worker.
        std::thread::scope(|scope| {
            scope.spawn(|| record(&recorder, Status::Cancelled, None, 1));
        });
        let snapshot = snapshot(&recorder);
        assert_eq!(snapshot.started, 3);
        assert_eq!(snapshot.total(), 2);
        assert_eq!(snapshot.in_flight(), 1);
    }

    #[test]
    fn tags_are_counted_per_end_up_to_a_cap() {
        let recorder = Recorder::new(&[1.0], None);
        record(&recorder, Status::Error, Some("not_found"), 1);
        record(&recorder, Status::Error, Some("not_found"), 1);
        record(&recorder, Status::Success, Some("not_found"), 1);
        record(&recorder, Status::Error, None, 1);
        let tags: Vec<&'static str> = (0..100)
            .map(|n| &*Box::leak(format!("tag_{n}").into_boxed_str()))
            .collect();
        for tag in &tags {
            record(&recorder, Status::Error, Some(tag), 1);
        }
        let snapshot = snapshot(&recorder);
        assert_eq!(snapshot.calls(Status::Error), 103);
        assert!(snapshot.tagged.contains(&(Status::Error, "not_found", 2)));
        assert!(snapshot.tagged.contains(&(Status::Success, "not_found", 1)));
        // 2 pairs + 62 tags kept, 38 past the cap counted as `other`.
        assert_eq!(snapshot.tagged.len(), 65);
        assert!(snapshot.tagged.contains(&(Status::Error, "other", 38)));
        assert_eq!(snapshot.untagged(Status::Error), 1);
    }
}
