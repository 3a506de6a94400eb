use rustok_metrics::metered;

#[metered(module = "Content-API", op = "create")]
fn shouting() {}

#[metered(module = "2fa", op = "verify")]
fn digit_first() {}

fn main() {}
