//! What every probe binary shares: the user's error type, the trivial work,
//! and how results are printed for `benches/compare` to read.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// An error type as users write them: a struct, not a `MetricLabel`.
#[derive(Debug)]
pub struct ProbeError {
    pub code: u32,
}

/// The work every measured function does: trivial, an error for `u64::MAX`.
#[inline(always)]
pub fn work(x: u64) -> Result<u64, ProbeError> {
    if x == u64::MAX {
        Err(ProbeError { code: 7 })
    } else {
        Ok(x.wrapping_mul(3))
    }
}

/// Busy for at least `nanos` (a call of a known duration, without sleeping).
pub fn spin(nanos: u64) -> Result<u64, ProbeError> {
    let start = Instant::now();
    let mut turns = 0u64;
    while start.elapsed() < Duration::from_nanos(nanos) {
        turns = black_box(turns + 1);
    }
    work(turns)
}

/// One figure, as `benches/compare` reads it: `figure <name> <value> <unit>`.
pub fn report(name: &str, value: f64, unit: &str) {
    println!("figure {name} {value:.3} {unit}");
}

/// The median time per iteration criterion estimated for `group/function`,
/// in nanoseconds, from the estimates it saved under `CRITERION_HOME`.
pub fn criterion_median_nanos(group: &str, function: &str) -> f64 {
    let home = std::env::var("CRITERION_HOME").expect("benches/compare sets CRITERION_HOME");
    let path = std::path::Path::new(&home)
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let estimates: serde_json::Value = serde_json::from_str(&text).expect("criterion's JSON");
    estimates["median"]["point_estimate"]
        .as_f64()
        .expect("a median estimate")
}
