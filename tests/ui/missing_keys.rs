use rustok_metrics::metered;

#[metered]
fn nothing() {}

#[metered(op = "create")]
fn no_module() {}

#[metered(module = "content")]
fn no_op() {}

fn main() {}
