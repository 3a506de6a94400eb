//! Twins: each `plain_x` has a `metered_x` with the same signature and body.
//! `tests/lint_parity.rs` runs clippy (pedantic, nursery) on this crate and
//! compares the lints of each pair. Nothing here is meant to be lint-free.
#![allow(missing_docs, clippy::missing_const_for_fn)]

use rustok_metrics::metered;

#[derive(Debug)]
pub struct Fail;

// dead_code: private and never called.
fn plain_unused() -> u32 {
    1
}
#[metered(module = "parity", op = "unused")]
fn metered_unused() -> u32 {
    1
}

// needless_pass_by_value
pub fn plain_by_value(name: String) -> usize {
    name.len()
}
#[metered(module = "parity", op = "by_value")]
pub fn metered_by_value(name: String) -> usize {
    name.len()
}

// unused_async
pub async fn plain_no_await(x: u32) -> u32 {
    x + 1
}
#[metered(module = "parity", op = "no_await")]
pub async fn metered_no_await(x: u32) -> u32 {
    x + 1
}

// await_holding_lock: the awaits of a metered `async fn` are rewritten, and
// clippy still sees the guard held across them.
pub async fn plain_holds_lock(lock: &std::sync::Mutex<u32>) -> u32 {
    let guard = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    std::future::ready(()).await;
    *guard
}
#[metered(module = "parity", op = "holds_lock")]
pub async fn metered_holds_lock(lock: &std::sync::Mutex<u32>) -> u32 {
    let guard = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    std::future::ready(()).await;
    *guard
}

// unnecessary_wraps (private), needless_return
fn plain_wraps(x: u32) -> Result<u32, Fail> {
    if x > 3 {
        return Ok(x);
    }
    return Ok(x + 1);
}
#[metered(module = "parity", op = "wraps")]
fn metered_wraps(x: u32) -> Result<u32, Fail> {
    if x > 3 {
        return Ok(x);
    }
    return Ok(x + 1);
}
pub fn use_wraps() -> u32 {
    plain_wraps(1).unwrap_or(0) + metered_wraps(1).unwrap_or(0)
}

// missing_errors_doc
pub fn plain_errors(x: u32) -> Result<u32, Fail> {
    if x == 0 { Err(Fail) } else { Ok(x) }
}
#[metered(module = "parity", op = "errors")]
pub fn metered_errors(x: u32) -> Result<u32, Fail> {
    if x == 0 { Err(Fail) } else { Ok(x) }
}

// missing_errors_doc with `?`
pub fn plain_question(x: &str) -> Result<u32, std::num::ParseIntError> {
    let value: u32 = x.parse()?;
    Ok(value + 1)
}
#[metered(module = "parity", op = "question")]
pub fn metered_question(x: &str) -> Result<u32, std::num::ParseIntError> {
    let value: u32 = x.parse()?;
    Ok(value + 1)
}

// missing_panics_doc, must_use_candidate
pub fn plain_panics(x: Option<u32>) -> u32 {
    x.expect("a value")
}
#[metered(module = "parity", op = "panics")]
pub fn metered_panics(x: Option<u32>) -> u32 {
    x.expect("a value")
}

// body lints: unused_variables, unused_mut, unreachable_code
pub fn plain_body() -> u32 {
    let unused = 3;
    let mut never_mutated = 4;
    return never_mutated;
    5
}
#[metered(module = "parity", op = "body")]
pub fn metered_body() -> u32 {
    let unused = 3;
    let mut never_mutated = 4;
    return never_mutated;
    5
}

pub struct Service {
    pub size: u32,
}

pub fn use_no_self(service: &Service) -> u32 {
    service.plain_no_self() + service.metered_no_self()
}

impl Service {
    // unused_self (private: clippy leaves the exported API alone)
    fn plain_no_self(&self) -> u32 {
        7
    }

    // dead_code on a method
    fn plain_dead_method(&self) -> u32 {
        self.size
    }
}

impl Service {
    #[metered(module = "parity", op = "no_self")]
    fn metered_no_self(&self) -> u32 {
        7
    }

    #[metered(module = "parity", op = "dead_method")]
    fn metered_dead_method(&self) -> u32 {
        self.size
    }
}

// Casts stay visible in a metered body.
pub fn plain_cast(x: u64) -> u8 {
    x as u8
}
#[metered(module = "parity", op = "cast")]
pub fn metered_cast(x: u64) -> u8 {
    x as u8
}

// An impl block metered as a whole: needless_pass_by_value and unused_async
// on methods, must_use_candidate.
pub struct Store;

impl Store {
    pub fn plain_by_value_method(&self, key: String) -> usize {
        key.len()
    }

    pub async fn plain_async_method(&self) -> usize {
        3
    }
}

pub struct MeteredStore;

#[metered(module = "parity_store")]
impl MeteredStore {
    pub fn metered_by_value_method(&self, key: String) -> usize {
        key.len()
    }

    pub async fn metered_async_method(&self) -> usize {
        3
    }
}

// A unit function: unused_variables on an argument, needless_pass_by_value.
pub fn plain_unit(name: String, count: u32) {
    println!("{name}");
}
#[metered(module = "parity", op = "unit")]
pub fn metered_unit(name: String, count: u32) {
    println!("{name}");
}

// A macro that returns from the function where #[metered] cannot see it:
// the body is measured as a whole (see the guide), with known differences.
macro_rules! refuse {
    () => {
        return Err(Fail)
    };
}
pub fn plain_hidden(name: String) -> Result<usize, Fail> {
    if name.is_empty() {
        refuse!();
    }
    Ok(name.len())
}
#[metered(module = "parity", op = "hidden")]
pub fn metered_hidden(name: String) -> Result<usize, Fail> {
    if name.is_empty() {
        refuse!();
    }
    Ok(name.len())
}

// A tail that panics is not a return value.
pub fn plain_todo() -> u32 {
    todo!("later")
}
#[metered(module = "parity", op = "todo")]
pub fn metered_todo() -> u32 {
    todo!("later")
}

// An argument kept for its `Drop` only: no lint on either twin.
pub fn plain_kept_guard(_guard: String, value: u32) -> u32 {
    value
}
#[metered(module = "parity", op = "kept_guard")]
pub fn metered_kept_guard(_guard: String, value: u32) -> u32 {
    value
}

// let_and_return: a local bound only to be returned.
pub fn plain_let_and_return(x: u32) -> u32 {
    let y = x * 2;
    y
}
#[metered(module = "parity", op = "let_and_return")]
pub fn metered_let_and_return(x: u32) -> u32 {
    let y = x * 2;
    y
}

// needless_return: a plain value returned as the last statement.
pub fn plain_needless_return(x: u32) -> u32 {
    let y = x + 1;
    return y;
}
#[metered(module = "parity", op = "needless_return")]
pub fn metered_needless_return(x: u32) -> u32 {
    let y = x + 1;
    return y;
}

// A hand-written boxed future and an `impl Future` fn: measured inside the
// future, and linted as written (must_use_candidate, missing_errors_doc).
pub fn plain_boxed(x: u32) -> std::pin::Pin<Box<dyn Future<Output = Result<u32, Fail>> + Send>> {
    Box::pin(async move {
        std::future::ready(()).await;
        if x == 0 { Err(Fail) } else { Ok(x) }
    })
}
#[metered(module = "parity", op = "boxed")]
pub fn metered_boxed(x: u32) -> std::pin::Pin<Box<dyn Future<Output = Result<u32, Fail>> + Send>> {
    Box::pin(async move {
        std::future::ready(()).await;
        if x == 0 { Err(Fail) } else { Ok(x) }
    })
}

pub fn plain_impl_future(name: String) -> impl Future<Output = usize> {
    async move {
        std::future::ready(()).await;
        name.len()
    }
}
#[metered(module = "parity", op = "impl_future")]
pub fn metered_impl_future(name: String) -> impl Future<Output = usize> {
    async move {
        std::future::ready(()).await;
        name.len()
    }
}
