//! `Result` however it is spelled, `?` and early return, sync and async.

use rustok_metrics::metered;

use crate::support::{YieldOnce, block_on, scrape};

#[derive(Debug)]
struct AppError;

impl From<std::num::ParseIntError> for AppError {
    fn from(_: std::num::ParseIntError) -> Self {
        AppError
    }
}

type AppResult<T> = Result<T, AppError>;
type Fallible = Result<u32, AppError>;

#[metered(module = "it_result", op = "alias")]
fn alias(input: &str) -> AppResult<u32> {
    Ok(input.parse::<u32>()?)
}

#[metered(module = "it_result", op = "io")]
fn io(fail: bool) -> std::io::Result<()> {
    if fail {
        return Err(std::io::Error::other("disk"));
    }
    Ok(())
}

#[metered(module = "it_result", op = "anyhow")]
fn with_anyhow(input: &str) -> anyhow::Result<u32> {
    let n: u32 = input.parse()?;
    anyhow::ensure!(n < 10, "too big");
    Ok(n)
}

#[metered(module = "it_result", op = "fallible")]
fn fallible(n: u32) -> Fallible {
    if n == 0 {
        return Err(AppError);
    }
    Ok(n)
}

#[metered(module = "it_result", op = "boxed")]
fn boxed(fail: bool) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    if fail {
        // Coerced to the boxed trait object: the original return type must
        // still drive the conversion of an early return.
        return Err(Box::new(std::io::Error::other("x")));
    }
    Ok(())
}

#[metered(module = "it_result", op = "generic")]
fn generic<T>(value: T) -> T {
    value
}

#[test]
fn aliases_of_result_count_errors() {
    assert_eq!(alias("5").unwrap(), 5);
    assert!(alias("x").is_err());
    assert!(io(false).is_ok());
    assert!(io(true).is_err());
    assert_eq!(with_anyhow("3").unwrap(), 3);
    assert!(with_anyhow("x").is_err());
    assert!(with_anyhow("30").is_err());
    assert!(fallible(0).is_err());
    assert!(fallible(1).is_ok());
    assert!(boxed(true).is_err());
    assert!(boxed(false).is_ok());
    let scrape = scrape();
    assert_eq!(scrape.statuses("it_result", "alias"), [1, 1, 0, 0]);
    assert_eq!(scrape.statuses("it_result", "io"), [1, 1, 0, 0]);
    assert_eq!(scrape.statuses("it_result", "anyhow"), [1, 2, 0, 0]);
    assert_eq!(scrape.statuses("it_result", "fallible"), [1, 1, 0, 0]);
    assert_eq!(scrape.statuses("it_result", "boxed"), [1, 1, 0, 0]);
}

#[test]
fn a_bare_generic_return_type_is_success_even_when_it_is_an_err() {
    let err: Result<(), AppError> = Err(AppError);
    assert!(generic(err).is_err());
    assert_eq!(generic(1), 1);
    assert_eq!(scrape().statuses("it_result", "generic"), [2, 0, 0, 0]);
}

#[metered(module = "it_result_async", op = "parse")]
async fn parse_async(input: &str) -> AppResult<u32> {
    YieldOnce(false).await;
    let n = input.parse::<u32>()?;
    if n == 0 {
        return Err(AppError);
    }
    Ok(n)
}

#[metered(module = "it_result_async", op = "boxed")]
async fn boxed_async(fail: bool) -> Result<u8, Box<dyn std::error::Error>> {
    if fail {
        return Err(Box::new(std::io::Error::other("x")));
    }
    Ok(1)
}

#[test]
fn async_question_mark_and_early_return() {
    assert_eq!(block_on(parse_async("7")).unwrap(), 7);
    assert!(block_on(parse_async("x")).is_err());
    assert!(block_on(parse_async("0")).is_err());
    assert!(block_on(boxed_async(true)).is_err());
    assert_eq!(block_on(boxed_async(false)).unwrap(), 1);
    let scrape = scrape();
    assert_eq!(scrape.statuses("it_result_async", "parse"), [1, 2, 0, 0]);
    assert_eq!(scrape.statuses("it_result_async", "boxed"), [1, 1, 0, 0]);
}
