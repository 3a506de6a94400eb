use rustok_metrics::metered;

#[metered(module = "content", op = "count")]
fn count(input: &str) -> u32 {
    let n: u32 = input.parse()?;
    n
}

fn main() {}
