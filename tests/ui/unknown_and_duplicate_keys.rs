use rustok_metrics::metered;

#[metered(module = "content", op = "create", knd = "post")]
fn misspelled() {}

#[metered(module = "content", op = "create", op = "update")]
fn twice() {}

#[metered(module = "content", op = "create", type = "post")]
fn keyword_key() {}

fn main() {}
