// A function that returns a future whose body #[metered] cannot see into:
// timing it would time only the building of the future, so it is refused.
use std::future::Future;
use std::pin::Pin;

use rustok_metrics::metered;

async fn fetch(id: u32) -> Result<u32, String> {
    Ok(id)
}

#[metered(module = "content", op = "load")]
fn load(id: u32) -> Pin<Box<dyn Future<Output = Result<u32, String>> + Send>> {
    Box::pin(fetch(id))
}

#[metered(module = "content", op = "find")]
fn find(id: u32) -> impl Future<Output = Result<u32, String>> {
    fetch(id)
}

fn main() {}
