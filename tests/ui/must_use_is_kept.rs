#![deny(unused_must_use)]

use rustok_metrics::metered;

#[must_use = "the total is the point"]
#[metered(module = "commerce", op = "total")]
fn total(items: &[u32]) -> u32 {
    items.iter().sum()
}

fn main() {
    total(&[1, 2]);
}
