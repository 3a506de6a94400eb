use rustok_metrics::metered;

#[metered(module = "search", op = "query", kind = query)]
fn by_query(query: &str) -> usize {
    query.len()
}

#[metered(module = "search", op = "owned", kind = query.as_str())]
fn by_owned_query(query: String) -> usize {
    query.len()
}

fn main() {}
