//! A sync function that returns a future: where its call really runs.
//!
//! Timing such a function would time the building of the future, and
//! classify the future instead of what it resolves to. So the attribute
//! looks for the async block the call runs in, and measures that block as
//! the body of an `async fn` (from its first poll, its output classified).
//!
//! Input (the tail of the body, after any statements):
//! ```text
//! Box::pin(async move { body })                // hand-written, or #[async_trait]
//! async move { body }                          // an `impl Future` fn
//! async move { body }.instrument(span)         // also `.in_current_span()`,
//! Box::pin(async move { body }.instrument(s))  //   `.boxed()`, `.boxed_local()`
//! ```
//! Output: the same, with the guard and the noted exits inside `body`.
//! `#[tracing::instrument]` expanded above us writes an outer
//! `async move { let span = ..; let fut = async move { body }; .. fut.await }`:
//! that outer block is the one measured, and it awaits the whole call.
//!
//! Statements before the tail run when the future is built, outside the
//! measured call, as with `#[tracing::instrument]` (typically cloning what
//! the future takes). A body whose tail is none of these shapes, in a
//! function whose return type says it is a future, is refused: see
//! [`returns_future`].

use syn::visit::Visit;
use syn::{
    AngleBracketedGenericArguments, Block, Expr, ExprAsync, GenericArgument, PathArguments,
    ReturnType, Stmt, Type, TypeParamBound,
};

/// The async block in which the call of a sync function runs, if its body
/// has one of the shapes above, and the statements before it cannot return.
pub(crate) fn async_tail(block: &mut Block) -> Option<&mut ExprAsync> {
    let (Stmt::Expr(tail, None), before) = block.stmts.split_last_mut()? else {
        return None;
    };
    if before.iter().any(may_return) {
        return None;
    }
    future_block(tail)
}

/// `async { .. }`, or one under `Box::pin(..)` or a method that keeps the
/// output (`.instrument(span)`, `.in_current_span()`, `.boxed()`).
fn future_block(expr: &mut Expr) -> Option<&mut ExprAsync> {
    match expr {
        Expr::Async(block) => Some(block),
        Expr::Paren(paren) => future_block(&mut paren.expr),
        Expr::Call(call) if call.args.len() == 1 && is_box_pin(&call.func) => {
            future_block(call.args.first_mut()?)
        }
        Expr::MethodCall(call)
            if ["instrument", "in_current_span", "boxed", "boxed_local"]
                .iter()
                .any(|name| call.method == name) =>
        {
            future_block(&mut call.receiver)
        }
        _ => None,
    }
}

/// `Box::pin`, `std::boxed::Box::pin`, ...
fn is_box_pin(func: &Expr) -> bool {
    let Expr::Path(path) = func else {
        return false;
    };
    let mut segments = path.path.segments.iter().rev();
    segments.next().is_some_and(|s| s.ident == "pin")
        && segments.next().is_some_and(|s| s.ident == "Box")
}

/// Whether a statement before the tail may leave the function, so that
/// another future than the tail's could be returned.
fn may_return(stmt: &Stmt) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_expr(&mut self, expr: &Expr) {
            match expr {
                Expr::Return(_) | Expr::Try(_) => self.0 = true,
                // Their exits leave them, not the function.
                Expr::Closure(_) | Expr::Async(_) | Expr::Const(_) => {}
                _ => syn::visit::visit_expr(self, expr),
            }
        }
        fn visit_item(&mut self, _: &syn::Item) {}
    }
    let mut finder = Finder(false);
    finder.visit_stmt(stmt);
    finder.0
}

/// Whether the return type says the function returns a future: `impl
/// Future<..>` (any path ending in `Future`), `Pin<Box<dyn Future<..>>>`,
/// `Box<dyn Future<..>>`, or a type whose name ends in `Future`
/// (`BoxFuture<'a, T>`, `LocalBoxFuture`, `Self::Future`). A type alias
/// with another name cannot be told from any other type, and is not.
pub(crate) fn returns_future(output: &ReturnType) -> bool {
    match output {
        ReturnType::Default => false,
        ReturnType::Type(_, ty) => is_future(ty),
    }
}

fn is_future(ty: &Type) -> bool {
    match ty {
        Type::ImplTrait(bounds) => bounds.bounds.iter().any(is_future_bound),
        Type::TraitObject(bounds) => bounds.bounds.iter().any(is_future_bound),
        Type::Paren(inner) => is_future(&inner.elem),
        Type::Group(inner) => is_future(&inner.elem),
        Type::Path(path) => path.path.segments.last().is_some_and(|last| {
            if last.ident.to_string().ends_with("Future") {
                return true;
            }
            // `Pin<Box<dyn Future>>`, `Box<dyn Future>`: a pointer to a future.
            (last.ident == "Pin" || last.ident == "Box")
                && type_args(&last.arguments).any(is_future)
        }),
        _ => false,
    }
}

fn is_future_bound(bound: &TypeParamBound) -> bool {
    matches!(bound, TypeParamBound::Trait(bound)
        if bound.path.segments.last().is_some_and(|last| last.ident == "Future"))
}

fn type_args(arguments: &PathArguments) -> impl Iterator<Item = &Type> {
    let args = match arguments {
        PathArguments::AngleBracketed(AngleBracketedGenericArguments { args, .. }) => Some(args),
        _ => None,
    };
    args.into_iter().flatten().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// What the future resolves to, as far as the return type says: `T` of
/// `Future<Output = T>` anywhere in it, or the last type argument of a
/// `BoxFuture<'a, T>`. `None` when it does not say (`Self::Future`).
pub(crate) fn output_of(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    struct Finder(Option<Type>);
    impl Visit<'_> for Finder {
        fn visit_path_segment(&mut self, segment: &syn::PathSegment) {
            if self.0.is_some() {
                return;
            }
            let name = segment.ident.to_string();
            if let PathArguments::AngleBracketed(args) = &segment.arguments {
                for arg in &args.args {
                    if let GenericArgument::AssocType(assoc) = arg
                        && assoc.ident == "Output"
                        && name == "Future"
                    {
                        self.0 = Some(assoc.ty.clone());
                        return;
                    }
                }
                if name == "BoxFuture" || name == "LocalBoxFuture" {
                    self.0 = type_args(&segment.arguments).last().cloned();
                    return;
                }
            }
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut finder = Finder(None);
    finder.visit_type(ty);
    finder.0
}
