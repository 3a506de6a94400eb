//! Generics, `where` clauses, lifetimes, `impl Trait`, `mut` parameters.

use std::fmt::Display;

use rustok_metrics::metered;

use crate::support::{block_on, scrape};

#[metered(module = "it_shape", op = "largest")]
fn largest<T: PartialOrd + Copy>(items: &[T]) -> Option<T>
where
    [T]: std::fmt::Debug,
{
    let mut best = *items.first()?;
    for &item in items {
        if item > best {
            best = item;
        }
    }
    Some(best)
}

#[metered(module = "it_shape", op = "longest")]
fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.len() >= b.len() { a } else { b }
}

#[metered(module = "it_shape", op = "evens")]
fn evens(items: impl IntoIterator<Item = u32>) -> impl Iterator<Item = u32> {
    items.into_iter().filter(|n| n % 2 == 0)
}

#[metered(module = "it_shape", op = "label")]
fn label(value: &impl Display) -> Result<impl Display, String> {
    let text = value.to_string();
    if text.is_empty() {
        return Err("empty".to_owned());
    }
    Ok(format!("<{text}>"))
}

#[metered(module = "it_shape", op = "sum")]
fn sum(mut total: u32, items: &[u32]) -> u32 {
    for item in items {
        total += item;
    }
    total
}

#[metered(module = "it_shape", op = "async_generic")]
async fn async_generic<T, E>(value: Result<T, E>) -> Result<T, E>
where
    T: Send,
{
    value
}

#[metered(module = "it_shape", op = "collect")]
fn collect(n: u32) -> Vec<u32> {
    (0..n).collect()
}

#[metered(module = "it_shape", op = "pattern")]
fn pattern((left, right): (u32, u32), _: u8) -> u32 {
    left * right
}

#[test]
fn generic_and_borrowing_signatures_keep_working() {
    assert_eq!(largest(&[3, 9, 2]), Some(9));
    assert_eq!(largest::<u8>(&[]), None);
    assert_eq!(longest("ab", "abc"), "abc");
    assert_eq!(evens(1..=6).collect::<Vec<_>>(), [2, 4, 6]);
    assert_eq!(label(&5).unwrap().to_string(), "<5>");
    assert!(label(&"").is_err());
    assert_eq!(sum(1, &[2, 3]), 6);
    assert_eq!(block_on(async_generic::<u8, ()>(Ok(1))), Ok(1));
    assert_eq!(block_on(async_generic::<u8, &str>(Err("no"))), Err("no"));
    assert_eq!(collect(3), [0, 1, 2]);
    assert_eq!(pattern((3, 4), 0), 12);

    let scrape = scrape();
    assert_eq!(scrape.statuses("it_shape", "largest"), [2, 0, 0, 0]);
    assert_eq!(scrape.statuses("it_shape", "longest"), [1, 0, 0, 0]);
    assert_eq!(scrape.statuses("it_shape", "evens"), [1, 0, 0, 0]);
    assert_eq!(scrape.statuses("it_shape", "label"), [1, 1, 0, 0]);
    assert_eq!(scrape.statuses("it_shape", "sum"), [1, 0, 0, 0]);
    assert_eq!(scrape.statuses("it_shape", "async_generic"), [1, 1, 0, 0]);
    assert_eq!(scrape.statuses("it_shape", "collect"), [1, 0, 0, 0]);
    assert_eq!(scrape.statuses("it_shape", "pattern"), [1, 0, 0, 0]);
}
