//! Exponential buckets of durations, as Prometheus' native histograms
//! define them: at schema `s`, bucket `i` holds the values in
//! `(2^((i-1)/2^s), 2^(i/2^s)]` seconds, so every power of two is split
//! into `2^s` buckets (for `s < 0`, one bucket spans `2^-s` powers).
//!
//! The layout covers `(2^MIN_EXPONENT, 2^MAX_EXPONENT]` seconds (0.23 ns
//! to 18 hours), plus a zero bucket for durations at or below
//! `2^MIN_EXPONENT`; a duration above the range is counted in its top
//! bucket (its `_sum` stays exact). A thread keeps counters only for the
//! part of that range its calls took (`native_window`). Reading reduces the
//! schema, merging neighbours, until at most `max_buckets` are populated.

use super::clock;

/// The lowest power of two kept: values at or below `2^MIN_EXPONENT`
/// seconds are in the zero bucket. Divisible by 16, so every schema down
/// to -4 has whole buckets at both ends.
const MIN_EXPONENT: i32 = -32;
/// The highest power of two kept, 2^16 s (about 18 hours).
const MAX_EXPONENT: i32 = 16;

/// Bits of a table cell that hold its counter (at most 48 * 256 + 2).
const COUNTER_BITS: u32 = 14;
/// The largest upper bound a table cell holds (50 bits: 31 hours in ticks of
/// a 10 GHz clock, past the top bound of 18 hours); only the top bucket's,
/// which is unbounded, is larger.
const CELL_UPPER_MAX: u64 = (1 << (64 - COUNTER_BITS)) - 1;

/// The lowest schema Prometheus knows, and the highest.
pub(crate) const MIN_SCHEMA: i8 = -4;
pub(crate) const MAX_SCHEMA: i8 = 8;

/// How a recorder lays out its native buckets.
///
/// A call finds its counter from the bits of its duration in integer
/// nanoseconds: the position of the highest set bit and the few bits below
/// it pick a cell of a table, narrower than any bucket, that names the
/// bucket where the cell starts; one comparison with that bucket's upper
/// bound says whether the duration is past it. No loop and no branch the
/// CPU could mispredict, so the counter's address is ready a few cycles
/// after the clock read, where a scan of the bounds took tens of
/// instructions and a misprediction whenever durations jittered across a
/// bucket boundary (measured: 20 ns a call on top of the classic buckets).
#[derive(Debug)]
pub(crate) struct NativeLayout {
    schema: i8,
    /// Per counter (the zero bucket first, at 0 ns), the largest duration in
    /// nanoseconds it holds: `floor(2^(i / 2^schema) * 1e9)` for bucket
    /// `i`, the last `u64::MAX`.
    upper_nanos: Box<[u64]>,
    /// Per cell (cells split each power of two of the unit into
    /// `2^cell_bits` parts, narrower than any bucket), the counter of the smallest duration in the cell (low
    /// [`COUNTER_BITS`]) and that counter's upper bound in the unit (the
    /// rest): a duration's counter is this one, or the next when it is past
    /// the bound. One load gives both. Cells come in blocks of
    /// `2^cell_bits`, one per power of two (power `p` in block `p + 1`);
    /// block 0 holds the zero duration.
    cells: Box<[u64]>,
    /// `52 - cell_bits`: shifts a duration's float bits (52 of mantissa)
    /// down to its exponent and the top `cell_bits` bits of mantissa, which
    /// pick its cell.
    mantissa_shift: u32,
    /// What those shifted bits exceed the cell's index by: the float
    /// exponent's bias (1023), less one for the zero block, in blocks.
    exponent_bias: usize,
    /// Counters per power of two of seconds (one for negative schemas).
    group: usize,
    /// The bucket index of counter 1 (counter 0 is the zero bucket).
    first_index: i32,
    max_buckets: usize,
}

/// A native histogram's populated buckets after reduction: what an
/// encoder writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct NativeBuckets {
    pub(crate) schema: i8,
    pub(crate) zero_threshold: f64,
    pub(crate) zero_count: u64,
    /// `(bucket index, count)`, ascending index, counts above zero.
    pub(crate) buckets: Vec<(i32, u64)>,
}

impl NativeLayout {
    /// `schema` in `MIN_SCHEMA..=MAX_SCHEMA`, `max_buckets` at least 1
    /// (the settings validate both); durations counted in the clock's ticks
    /// (see [`counter`](Self::counter)).
    pub(crate) fn new(schema: i8, max_buckets: usize) -> Self {
        Self::in_unit(schema, max_buckets, clock::ticks_within)
    }

    /// As [`new`](Self::new), durations counted in a unit of which
    /// `units_within(nanos)` is the most that are at most `nanos`.
    fn in_unit(schema: i8, max_buckets: usize, units_within: fn(u64) -> u64) -> Self {
        let schema = schema.clamp(MIN_SCHEMA, MAX_SCHEMA);
        let (first_index, last_index) = if schema >= 0 {
            let per_power = 1_i32 << schema;
            (MIN_EXPONENT * per_power + 1, MAX_EXPONENT * per_power)
        } else {
            let powers = 1_i32 << -schema;
            (MIN_EXPONENT / powers + 1, MAX_EXPONENT / powers)
        };
        let width = f64::from(schema).exp2();
        let upper_nanos: Box<[u64]> = std::iter::once(0)
            .chain((first_index..last_index).map(|index| {
                let seconds = (f64::from(index) / width).exp2();
                // Saturates at both ends; bounds below 1 ns are 0.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let nanos = (seconds * 1e9).floor() as u64;
                nanos
            }))
            .chain([u64::MAX])
            .collect();
        let group = 1_usize << schema.max(0);
        // A bucket spans at least a factor 2^(1/2^schema), more than 1 +
        // 1/2^(schema+1): cells of that width hold at most one boundary.
        let cell_bits = u32::try_from(i32::from(schema) + 1).unwrap_or(0).max(1);
        // The same bounds in the unit durations are counted in: a duration
        // is within a bound exactly when it is within its unit bound.
        let upper_units: Box<[u64]> = upper_nanos
            .iter()
            .map(|&nanos| units_within(nanos))
            .collect();
        let last = upper_units.len() - 1;
        let zero_block = (0..1_u64 << cell_bits).map(|_| 0);
        let power_blocks = (0..64_u32)
            .flat_map(|power| (0..1_u64 << cell_bits).map(move |cell| (power, cell)))
            .map(|(power, cell)| {
                // The smallest duration in the cell (cells narrower than a
                // nanosecond may hold none; they are never looked up).
                let start = (1_u128 << power) + ((u128::from(cell) << power) >> cell_bits);
                let start = u64::try_from(start).unwrap_or(u64::MAX);
                let counter = scan_counter(&upper_units, start);
                let upper = upper_units[counter];
                if counter == last || upper > CELL_UPPER_MAX {
                    // Past the largest bound a cell holds: the top counter,
                    // as the one below it with a bound every duration here
                    // is past.
                    last as u64 - 1
                } else {
                    (upper << COUNTER_BITS) | counter as u64
                }
            });
        let cells = zero_block.chain(power_blocks).collect();
        NativeLayout {
            schema,
            upper_nanos,
            cells,
            mantissa_shift: 52 - cell_bits,
            exponent_bias: 1022 << cell_bits,
            group,
            first_index,
            max_buckets: max_buckets.max(1),
        }
    }

    /// Counters a stripe needs: the zero bucket and the range.
    pub(crate) fn counters(&self) -> usize {
        self.upper_nanos.len()
    }

    /// The counter (0 for the zero bucket) a duration of `ticks` of the
    /// clock lands in (of the unit the layout was made [`in_unit`](Self::in_unit)).
    ///
    /// In ticks, not nanoseconds, so that the lookup starts from the clock
    /// readings' difference and runs beside their scaling to nanoseconds
    /// instead of after it: on AMD EPYC under KVM, the next clock reading
    /// waits for this chain to finish, so its length is what a call pays.
    #[inline]
    pub(crate) fn counter(&self, ticks: u64) -> usize {
        // As a float, the duration's exponent is its highest set bit, and
        // the mantissa's top bits are the bits below it: shifted down to
        // `cell_bits` of those, the float's bits are the cell's index within
        // the block of its power of two, plus the block's first index, plus
        // the exponent's bias; the zero duration's bits are all zero, and
        // the subtraction saturates to its cell, index 0. Four instructions
        // where the bit position, two shifts by it and an add were eleven.
        // Exact below 2^53; above (past the top bucket) a rounding up stays
        // in the top bucket, as does the clamp, which keeps the value
        // within the table and an `i64`.
        let duration = ticks.min(1 << 62);
        #[allow(clippy::cast_possible_wrap, clippy::cast_precision_loss)]
        let bits = (duration as i64 as f64).to_bits();
        #[allow(clippy::cast_possible_truncation)]
        let index = ((bits >> self.mantissa_shift) as usize).saturating_sub(self.exponent_bias);
        // SAFETY: the exponent is at most 62 (biased 1085), so `index` is
        // below `64 << cell_bits`, within the table's `65 << cell_bits`.
        let cell = unsafe { *self.cells.get_unchecked(index) };
        #[allow(clippy::cast_possible_truncation)]
        let candidate = (cell & ((1 << COUNTER_BITS) - 1)) as usize;
        candidate + usize::from(ticks > cell >> COUNTER_BITS)
    }

    /// The counter a duration of `nanos` lands in, by a binary search of
    /// the bounds: for durations not measured by the clock (observed by
    /// hand).
    pub(crate) fn counter_of_nanos(&self, nanos: u64) -> usize {
        self.upper_nanos.partition_point(|&upper| upper < nanos)
    }

    /// The counters of the power of two `counter` is in and of the powers
    /// of two on either side of it (the zero bucket excluded): what a
    /// thread's window takes in when a call lands outside it, so that a
    /// call has to be twice as fast or as slow as any before it to widen
    /// the window again.
    pub(crate) fn neighbourhood(&self, counter: usize) -> std::ops::Range<usize> {
        // Counters from 1 on come in runs of `group`, one power of two each.
        let first = 1 + counter.saturating_sub(1) / self.group * self.group;
        first.saturating_sub(self.group).max(1)..(first + 2 * self.group).min(self.counters())
    }

    /// The populated buckets of `counts` (as laid out by [`counter`](Self::counter)),
    /// reduced to at most `max_buckets`.
    pub(crate) fn buckets(&self, counts: &[u64]) -> NativeBuckets {
        let zero_count = counts.first().copied().unwrap_or(0);
        let mut buckets: Vec<(i32, u64)> = counts
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, count)| **count > 0)
            .map(|(counter, &count)| {
                let offset = i32::try_from(counter).unwrap_or(i32::MAX) - 1;
                (self.first_index + offset, count)
            })
            .collect();
        let mut schema = self.schema;
        while buckets.len() > self.max_buckets && schema > MIN_SCHEMA {
            schema -= 1;
            merge_pairs(&mut buckets);
        }
        NativeBuckets {
            schema,
            zero_threshold: f64::from(MIN_EXPONENT).exp2(),
            zero_count,
            buckets,
        }
    }
}

/// The counter holding `nanos`, found by scanning `upper_nanos` (whose last
/// bound is `u64::MAX`): how the lookup table is made.
fn scan_counter(upper_nanos: &[u64], nanos: u64) -> usize {
    upper_nanos
        .iter()
        .position(|&upper| nanos <= upper)
        .unwrap_or(upper_nanos.len() - 1)
}

/// One schema lower: bucket `i` becomes `ceil(i / 2)`, equal indexes add up.
fn merge_pairs(buckets: &mut Vec<(i32, u64)>) {
    let mut merged: Vec<(i32, u64)> = Vec::with_capacity(buckets.len());
    for &(index, count) in buckets.iter() {
        let index = (index + 1) >> 1;
        match merged.last_mut() {
            Some((last, total)) if *last == index => *total += count,
            _ => merged.push((index, count)),
        }
    }
    *buckets = merged;
}

#[cfg(test)]
mod tests {
    use super::{MAX_SCHEMA, MIN_SCHEMA, NativeLayout};

    /// The bucket index Prometheus' definition gives, computed the slow way.
    fn reference_index(seconds: f64, schema: i8) -> i32 {
        let per_power = f64::from(schema).exp2();
        #[allow(clippy::cast_possible_truncation)]
        let index = (seconds.log2() * per_power).ceil() as i32;
        index
    }

    /// A layout counting nanoseconds (the clock's unit is the OS's).
    fn layout_of(schema: i8) -> NativeLayout {
        NativeLayout::in_unit(schema, 160, |nanos| nanos)
    }

    fn index_of(layout: &NativeLayout, nanos: u64) -> i32 {
        let counter = layout.counter(nanos);
        assert!(counter > 0, "{nanos} ns is not in the zero bucket");
        layout.first_index + i32::try_from(counter).unwrap() - 1
    }

    #[test]
    fn every_schema_puts_values_where_the_definition_does() {
        for schema in MIN_SCHEMA..=MAX_SCHEMA {
            let layout = layout_of(schema);
            let mut nanos = 1_u64;
            while nanos < 3_600_000_000_000 {
                // Skip values within rounding of a bucket boundary.
                let seconds = nanos as f64 * 1e-9;
                let exact = seconds.log2() * f64::from(schema).exp2();
                if (exact - exact.round()).abs() > 1e-9 {
                    assert_eq!(
                        index_of(&layout, nanos),
                        reference_index(seconds, schema),
                        "{nanos} ns at schema {schema}"
                    );
                }
                nanos = nanos * 3 / 2 + 7;
            }
        }
    }

    #[test]
    fn the_lookup_agrees_with_a_scan_of_the_bounds_at_every_boundary() {
        for schema in MIN_SCHEMA..=MAX_SCHEMA {
            let layout = layout_of(schema);
            let check = |nanos: u64| {
                assert_eq!(
                    layout.counter(nanos),
                    super::scan_counter(&layout.upper_nanos, nanos),
                    "{nanos} ns at schema {schema}"
                );
            };
            for &upper in &layout.upper_nanos {
                for nanos in [upper.saturating_sub(1), upper, upper.saturating_add(1)] {
                    check(nanos);
                }
            }
            for power in 0..64 {
                let nanos = 1_u64 << power;
                for nanos in [nanos - 1, nanos, nanos + 1, nanos | (nanos >> 1)] {
                    check(nanos);
                }
            }
        }
    }

    /// The most 3/8 ns ticks (a 2.67 GHz clock) within `nanos`.
    fn fast_ticks_within(nanos: u64) -> u64 {
        let ticks = (8 * (u128::from(nanos) + 1)).div_ceil(3) - 1;
        u64::try_from(ticks).unwrap_or(u64::MAX)
    }

    /// The most 3 ns ticks within `nanos`.
    fn slow_ticks_within(nanos: u64) -> u64 {
        nanos / 3
    }

    #[test]
    fn counting_ticks_puts_durations_where_their_nanoseconds_go() {
        /// How many ticks are within some nanoseconds, and the reverse.
        type Unit = (fn(u64) -> u64, fn(u64) -> u64);
        let units: [Unit; 2] = [
            (fast_ticks_within, |ticks| ticks * 3 / 8),
            (slow_ticks_within, |ticks| ticks * 3),
        ];
        for schema in MIN_SCHEMA..=MAX_SCHEMA {
            for (ticks_within, nanos_of) in units {
                let layout = NativeLayout::in_unit(schema, 160, ticks_within);
                for &upper in layout.upper_nanos.iter().filter(|&&upper| upper < 1 << 40) {
                    let last = ticks_within(upper);
                    for ticks in [last.saturating_sub(1), last, last + 1, last + 2] {
                        assert_eq!(
                            layout.counter(ticks),
                            layout.counter_of_nanos(nanos_of(ticks)),
                            "{ticks} ticks at schema {schema}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn powers_of_two_are_upper_bounds() {
        // 2^-20 s is not a whole number of nanoseconds; 2^-9 s ... neither:
        // use the layout directly with durations of exactly 1 s and 2 s.
        let layout = layout_of(3);
        assert_eq!(index_of(&layout, 1_000_000_000), 0);
        assert_eq!(index_of(&layout, 1_000_000_001), 1);
        assert_eq!(index_of(&layout, 2_000_000_000), 8);
        let layout = layout_of(-1);
        assert_eq!(index_of(&layout, 1_000_000_000), 0);
        assert_eq!(index_of(&layout, 3_000_000_000), 1); // (1, 4]
        assert_eq!(index_of(&layout, 4_000_000_001), 2); // (4, 16]
    }

    #[test]
    fn zero_and_values_out_of_range() {
        let layout = layout_of(3);
        assert_eq!(layout.counter(0), 0);
        // Far above 2^16 s: the top bucket.
        assert_eq!(layout.counter(u64::MAX), layout.counters() - 1);
        assert_eq!(layout.counters(), 48 * 8 + 1);
    }

    #[test]
    fn too_many_buckets_lower_the_schema_until_they_fit() {
        let layout = NativeLayout::in_unit(3, 4, |nanos| nanos);
        let mut counts = vec![0_u64; layout.counters()];
        // 1 ms to 1 s: ten powers of two, about 80 buckets at schema 3.
        let mut nanos = 1_000_000_u64;
        let mut total = 0;
        while nanos <= 1_000_000_000 {
            counts[layout.counter(nanos)] += 1;
            total += 1;
            nanos = nanos * 21 / 20;
        }
        let reduced = layout.buckets(&counts);
        assert!(reduced.buckets.len() <= 4, "{:?}", reduced.buckets);
        assert!(reduced.schema < 3);
        assert_eq!(reduced.buckets.iter().map(|(_, c)| c).sum::<u64>(), total);
        // Reduction keeps every value inside its new bucket's bounds.
        let base = f64::from(reduced.schema).exp2();
        let (low, _) = reduced.buckets[0];
        assert!((f64::from(low) / base).exp2() >= 0.001);
        assert!((f64::from(low - 1) / base).exp2() < 0.001);
        assert!(reduced.buckets.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
