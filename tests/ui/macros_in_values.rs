use rustok_metrics::metered;

#[metered(module = "content", op = concat!("create", "_post"))]
fn create() {}

#[metered(module = stringify!(content), op = "read")]
fn read() {}

fn main() {}
