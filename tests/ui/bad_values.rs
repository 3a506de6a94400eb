use rustok_metrics::metered;

#[metered(module = content, op = "create")]
fn unquoted() {}

#[metered(module = "content", op = 5)]
fn number() {}

#[metered(module = "content", op = "")]
fn empty_op() {}

#[metered(module = "content", op = "create", kind = "")]
fn empty_kind() {}

#[metered(module)]
fn no_value() {}

fn main() {}
