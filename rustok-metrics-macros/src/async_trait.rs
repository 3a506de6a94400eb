//! Recognising a method that `#[async_trait]` has already expanded.
//!
//! async-trait 0.1 turns `async fn f(&self) -> R { body }` into a sync fn
//! whose whole body is `Box::pin(async move { .. })`. Measuring that sync fn
//! would time only the boxing, and classify a `Pin<Box<dyn Future>>`; the call
//! really runs inside the async block, so that is where we measure.

use syn::{Block, Expr, ExprAsync, Stmt};

/// The `async move { .. }` of a body that is exactly `Box::pin(async move { .. })`.
pub fn boxed_async_block(block: &mut Block) -> Option<&mut ExprAsync> {
    let [Stmt::Expr(Expr::Call(call), None)] = block.stmts.as_mut_slice() else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    let segments: Vec<String> = func
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    if !segments.ends_with(&["Box".to_owned(), "pin".to_owned()]) || call.args.len() != 1 {
        return None;
    }
    match call.args.first_mut() {
        Some(Expr::Async(future)) if future.capture.is_some() => Some(future),
        _ => None,
    }
}
