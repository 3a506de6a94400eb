use rustok_metrics::metered;

// One error, on the misspelt key: not also "missing `op`".
#[metered(module = "content", opp = "create")]
fn create() {}

#[metered(modul = "content", op = "create")]
fn read() {}

fn main() {}
