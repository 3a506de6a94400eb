use std::time::Duration;

use rustok_metrics::catalogue::Objective;
use rustok_metrics::metered;

// A success rate of 100% leaves no budget: constant evaluation fails.
const PERFECT: Objective = Objective::new("perfect").success_rate(100.0);

// A zero latency threshold.
const INSTANT: Objective = Objective::new("instant").latency(Duration::ZERO, 99.0);

#[metered(module = "ui_objective", op = "missing", objective)]
fn missing_value() {}

#[metered(module = "ui_objective", op = "wrong_type", objective = 99.9)]
fn wrong_type() {}

fn main() {
    let _ = (PERFECT, INSTANT);
}
