//! Objectives: the share of an operation's calls that must succeed, and the
//! share that must finish within a latency threshold. Put on the attribute
//! (`#[metered(.., objective = CHECKOUT)]`), they reach the catalogue and
//! the generated rules.

use std::time::Duration;

/// What an operation promises its callers, built in a `const`:
///
/// ```
/// use std::time::Duration;
/// use rustok_metrics::catalogue::Objective;
///
/// const CHECKOUT: Objective = Objective::new("checkout")
///     .success_rate(99.9)
///     .latency(Duration::from_millis(250), 99.0);
///
/// assert_eq!(CHECKOUT.name(), "checkout");
/// assert_eq!(CHECKOUT.success_percent(), Some(99.9));
/// assert_eq!(CHECKOUT.latency_objective().unwrap().threshold(), Duration::from_millis(250));
/// ```
///
/// Invalid values are compile errors in a `const` (a panic during constant
/// evaluation, with the message below), and panics anywhere else:
///
/// ```compile_fail
/// const BROKEN: rustok_metrics::catalogue::Objective =
///     rustok_metrics::catalogue::Objective::new("checkout").success_rate(100.0);
/// # let _ = BROKEN;
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    name: &'static str,
    success_percent: Option<f64>,
    latency: Option<LatencyObjective>,
}

/// The latency part of an [`Objective`]: `percent` of calls finish within
/// `threshold`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencyObjective {
    threshold: Duration,
    percent: f64,
}

impl Objective {
    /// An objective named `name` (`[a-z0-9_-]`, not empty: it becomes the
    /// `objective` label of alerts), with no targets yet.
    ///
    /// # Panics
    /// When `name` is empty or has other characters.
    #[must_use]
    pub const fn new(name: &'static str) -> Self {
        assert!(
            is_objective_name(name),
            "an objective's name uses lowercase ASCII letters, digits, `_` and `-`, and is not empty"
        );
        Objective {
            name,
            success_percent: None,
            latency: None,
        }
    }

    /// The share of calls, in percent, that must not end in `error` or
    /// `panic` (a cancelled call is its caller's choice, not a failure):
    /// `99.9` leaves an error budget of 0.1%.
    ///
    /// # Panics
    /// Unless `0 < percent < 100`.
    #[must_use]
    pub const fn success_rate(mut self, percent: f64) -> Self {
        assert!(
            is_share(percent),
            "a success rate is a percentage above 0 and below 100, such as 99.9"
        );
        self.success_percent = Some(percent);
        self
    }

    /// The share of calls, in percent, that must finish within `threshold`.
    /// The threshold becomes a bucket bound of the module's duration
    /// histogram, so the rules count calls within it exactly.
    ///
    /// # Panics
    /// When `threshold` is zero, or unless `0 < percent < 100`.
    #[must_use]
    pub const fn latency(mut self, threshold: Duration, percent: f64) -> Self {
        assert!(
            !threshold.is_zero(),
            "a latency threshold is above zero, such as Duration::from_millis(250)"
        );
        assert!(
            is_share(percent),
            "a latency objective's share is a percentage above 0 and below 100, such as 99.0"
        );
        self.latency = Some(LatencyObjective { threshold, percent });
        self
    }

    /// The name, as in the `objective` label of alerts.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The success rate in percent, if set.
    #[must_use]
    pub const fn success_percent(&self) -> Option<f64> {
        self.success_percent
    }

    /// The latency objective, if set.
    #[must_use]
    pub const fn latency_objective(&self) -> Option<LatencyObjective> {
        self.latency
    }
}

impl LatencyObjective {
    /// Calls must finish within this.
    #[must_use]
    pub const fn threshold(&self) -> Duration {
        self.threshold
    }

    /// The share of calls, in percent, that must.
    #[must_use]
    pub const fn percent(&self) -> f64 {
        self.percent
    }
}

const fn is_share(percent: f64) -> bool {
    percent > 0.0 && percent < 100.0
}

const fn is_objective_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-') {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Objective;

    #[test]
    fn invalid_values_panic_outside_const() {
        let bad: [fn() -> Objective; 5] = [
            || Objective::new(""),
            || Objective::new("Checkout"),
            || Objective::new("checkout").success_rate(100.0),
            || Objective::new("checkout").success_rate(f64::NAN),
            || Objective::new("checkout").latency(Duration::ZERO, 99.0),
        ];
        for make in bad {
            assert!(std::panic::catch_unwind(make).is_err());
        }
        let fine = Objective::new("checkout-v2").latency(Duration::from_millis(1), 50.0);
        assert_eq!(fine.latency_objective().unwrap().percent(), 50.0);
    }
}
