use rustok_metrics::metered;

#[metered(module = "content", op = "count")]
fn count() -> u32 {
    "not a number"
}

#[metered(module = "content", op = "parse")]
fn parse(input: &str) {
    let _n: u32 = input.parse()?;
}

/// An error type that cannot hold a `ParseIntError`. (Not `String`: the
/// list of what it converts from depends on which crates are linked.)
#[derive(Debug)]
struct LoadError;

#[metered(module = "content", op = "load")]
async fn load() -> Result<u32, LoadError> {
    let n: u32 = "1".parse()?;
    Ok(n)
}

fn main() {}
