//! Recognising a method that `#[async_trait]` has already expanded.
//!
//! async-trait 0.1 turns `async fn f(&self) -> R { body }` into a sync fn
//! whose whole body is `Box::pin(async move { .. })`, and that async block
//! opens with its own mark:
//!
//! ```text
//! if let Some(__ret) = None::<R> { return __ret; }
//! ```
//!
//! Measuring that sync fn would time only the boxing; the call really runs
//! inside the async block, so that is where it is measured, as an `R`. A
//! hand-written `Box::pin(async move { .. })` has no such mark and is
//! measured like any other function returning a value.

use syn::{Block, Expr, ExprAsync, GenericArgument, PathArguments, Stmt, Type};

/// The output type and the async block of a body `#[async_trait]` wrote.
pub(crate) fn expanded_body(block: &mut Block) -> Option<(Type, &mut ExprAsync)> {
    let [Stmt::Expr(Expr::Call(call), None)] = block.stmts.as_mut_slice() else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    let mut segments = func.path.segments.iter().rev();
    let is_box_pin = segments.next().is_some_and(|s| s.ident == "pin")
        && segments.next().is_some_and(|s| s.ident == "Box");
    if !is_box_pin || call.args.len() != 1 {
        return None;
    }
    let Some(Expr::Async(future)) = call.args.first_mut() else {
        return None;
    };
    let output = output_mark(future.block.stmts.first()?)?;
    future.capture?;
    Some((output, future))
}

/// `R` from `if let Some(__ret) = None::<R> { .. }`.
fn output_mark(stmt: &Stmt) -> Option<Type> {
    let Stmt::Expr(Expr::If(mark), _) = stmt else {
        return None;
    };
    let Expr::Let(binding) = &*mark.cond else {
        return None;
    };
    let syn::Pat::TupleStruct(some) = &*binding.pat else {
        return None;
    };
    let is_ret = matches!(some.elems.first(), Some(syn::Pat::Ident(ret)) if ret.ident == "__ret");
    let Expr::Path(none) = &*binding.expr else {
        return None;
    };
    let last = none.path.segments.last()?;
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(output)) if is_ret && last.ident == "None" => {
            Some(output.clone())
        }
        _ => None,
    }
}
