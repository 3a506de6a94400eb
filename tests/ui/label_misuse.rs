use rustok_metrics::metered;

#[metered(module = "content", op = "search", kind = query)]
fn search(query: String) -> usize {
    query.len()
}

#[metered(module = "content", op = "page", kind = number)]
fn page(number: u32) -> u32 {
    number
}

fn main() {}
