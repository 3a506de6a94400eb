//! Exponential buckets of durations, as Prometheus' native histograms
//! define them: at schema `s`, bucket `i` holds the values in
//! `(2^((i-1)/2^s), 2^(i/2^s)]` seconds, so every power of two is split
//! into `2^s` buckets (for `s < 0`, one bucket spans `2^-s` powers).
//!
//! A stripe keeps a fixed range of them, `(2^MIN_EXPONENT, 2^MAX_EXPONENT]`
//! seconds (0.23 ns to 18 hours), plus a zero bucket for durations at or
//! below `2^MIN_EXPONENT`, so recording is one index computation and one
//! add, never an allocation. A duration above the range is counted in its
//! top bucket (its `_sum` stays exact). Reading reduces the schema, merging
//! neighbours, until at most `max_buckets` are populated.

/// The lowest power of two kept: values at or below `2^MIN_EXPONENT`
/// seconds are in the zero bucket. Divisible by 16, so every schema down
/// to -4 has whole buckets at both ends.
const MIN_EXPONENT: i32 = -32;
/// The highest power of two kept, 2^16 s (about 18 hours).
const MAX_EXPONENT: i32 = 16;

/// The lowest schema Prometheus knows, and the highest.
pub(crate) const MIN_SCHEMA: i8 = -4;
pub(crate) const MAX_SCHEMA: i8 = 8;

/// How a recorder lays out its native buckets.
#[derive(Debug)]
pub(crate) struct NativeLayout {
    schema: i8,
    /// For `schema > 0`: the mantissa bits of `2^(k/2^schema)` for
    /// `k = 1..2^schema`, `0` first, so the number of them below a value's
    /// mantissa is its bucket within its power of two.
    thresholds: Box<[u64]>,
    /// The bucket index of counter 1 (counter 0 is the zero bucket).
    first_index: i32,
    last_index: i32,
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

const MANTISSA_BITS: u32 = 52;
const MANTISSA_MASK: u64 = (1 << MANTISSA_BITS) - 1;

impl NativeLayout {
    /// `schema` in `MIN_SCHEMA..=MAX_SCHEMA`, `max_buckets` at least 1
    /// (the settings validate both).
    pub(crate) fn new(schema: i8, max_buckets: usize) -> Self {
        let schema = schema.clamp(MIN_SCHEMA, MAX_SCHEMA);
        let per_power = 1_i32 << schema.max(0);
        let thresholds = (0..per_power)
            .map(|k| {
                let bound = (f64::from(k) / f64::from(per_power)).exp2();
                mantissa_bits(bound)
            })
            .collect();
        let (first_index, last_index) = if schema >= 0 {
            (MIN_EXPONENT * per_power + 1, MAX_EXPONENT * per_power)
        } else {
            let powers = 1_i32 << -schema;
            (MIN_EXPONENT / powers + 1, MAX_EXPONENT / powers)
        };
        NativeLayout {
            schema,
            thresholds,
            first_index,
            last_index,
            max_buckets: max_buckets.max(1),
        }
    }

    /// Counters a stripe needs: the zero bucket and the range.
    pub(crate) fn counters(&self) -> usize {
        usize::try_from(self.last_index - self.first_index + 2).unwrap_or(0)
    }

    /// The counter (0 for the zero bucket) a duration of `nanos` lands in.
    #[inline]
    pub(crate) fn counter(&self, nanos: u64) -> usize {
        #[allow(clippy::cast_precision_loss)]
        let seconds = nanos as f64 / 1e9;
        let bits = seconds.to_bits();
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let exponent = ((bits >> MANTISSA_BITS) & 0x7ff) as i32 - 1023;
        if nanos == 0 || exponent < MIN_EXPONENT {
            return 0;
        }
        let mantissa = bits & MANTISSA_MASK;
        let index = if self.schema > 0 {
            let within = self.thresholds.partition_point(|&t| t < mantissa);
            // `within` is at most 2^8.
            #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
            let within = within as i32;
            (exponent << self.schema) + within
        } else {
            let index = exponent + i32::from(mantissa != 0);
            // ceil(index / 2^-schema), for negative indexes too.
            let shift = -self.schema;
            (index + (1 << shift) - 1) >> shift
        };
        let index = index.clamp(self.first_index, self.last_index);
        usize::try_from(index - self.first_index + 1).unwrap_or(0)
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

/// The mantissa bits of `value` in `[1, 2)`: 0 for 1.
fn mantissa_bits(value: f64) -> u64 {
    value.to_bits() & MANTISSA_MASK
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

    fn index_of(layout: &NativeLayout, nanos: u64) -> i32 {
        let counter = layout.counter(nanos);
        assert!(counter > 0, "{nanos} ns is not in the zero bucket");
        layout.first_index + i32::try_from(counter).unwrap() - 1
    }

    #[test]
    fn every_schema_puts_values_where_the_definition_does() {
        for schema in MIN_SCHEMA..=MAX_SCHEMA {
            let layout = NativeLayout::new(schema, 160);
            let mut nanos = 1_u64;
            while nanos < 3_600_000_000_000 {
                // Skip values within rounding of a bucket boundary.
                let seconds = nanos as f64 / 1e9;
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
    fn powers_of_two_are_upper_bounds() {
        // 2^-20 s is not a whole number of nanoseconds; 2^-9 s ... neither:
        // use the layout directly with durations of exactly 1 s and 2 s.
        let layout = NativeLayout::new(3, 160);
        assert_eq!(index_of(&layout, 1_000_000_000), 0);
        assert_eq!(index_of(&layout, 1_000_000_001), 1);
        assert_eq!(index_of(&layout, 2_000_000_000), 8);
        let layout = NativeLayout::new(-1, 160);
        assert_eq!(index_of(&layout, 1_000_000_000), 0);
        assert_eq!(index_of(&layout, 3_000_000_000), 1); // (1, 4]
        assert_eq!(index_of(&layout, 4_000_000_001), 2); // (4, 16]
    }

    #[test]
    fn zero_and_values_out_of_range() {
        let layout = NativeLayout::new(3, 160);
        assert_eq!(layout.counter(0), 0);
        // Far above 2^16 s: the top bucket.
        assert_eq!(layout.counter(u64::MAX), layout.counters() - 1);
        assert_eq!(layout.counters(), 48 * 8 + 1);
    }

    #[test]
    fn too_many_buckets_lower_the_schema_until_they_fit() {
        let layout = NativeLayout::new(3, 4);
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
