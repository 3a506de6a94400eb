//! Generating the metered function.
//!
//! The generated code is kept to what a reviewer reads in a minute: a guard
//! from a per-site static, the user's block once, and one call that records
//! the outcome. The logic lives in `::rustok_metrics::__private`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Block, Ident, ItemFn, ReturnType, Type};

use crate::args::{MeteredArgs, RawArgs};
use crate::async_trait;
use crate::target::parse_target;

/// The whole attribute: on any error, the errors plus the item unchanged, so
/// the rest of the crate still type-checks.
pub fn metered(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = syn::parse2::<RawArgs>(attr).and_then(|raw| raw.validate(Span::call_site()));
    let function = parse_target(item.clone());
    match (args, function) {
        (Ok(args), Ok(function)) => instrument(&args, function),
        (args, function) => {
            let errors = [args.err(), function.err()]
                .into_iter()
                .flatten()
                .map(|error| error.to_compile_error());
            quote!(#(#errors)* #item)
        }
    }
}

/// Names of generated locals. `mixed_site` hygiene keeps them invisible to
/// the user's block, whatever it names its own variables.
struct Locals {
    guard: Ident,
    result: Ident,
}

impl Locals {
    fn new() -> Self {
        let span = Span::mixed_site();
        Locals {
            guard: Ident::new("__metered_guard", span),
            result: Ident::new("__metered_result", span),
        }
    }
}

fn instrument(args: &MeteredArgs, mut function: ItemFn) -> TokenStream {
    let locals = Locals::new();
    let start = start_guard(args, &locals);
    let output = value_type(&function.sig.output);

    let new_body = if function.sig.asyncness.is_some() {
        measure_future(&start, &locals, &async_block(&output, &function.block))
    } else if let Some(future) = async_trait::boxed_async_block(&mut function.block) {
        // `#[async_trait]` expanded first: measure inside the boxed future,
        // where the call really runs, and classify its output.
        let inner = std::mem::take(&mut future.block.stmts);
        let measured = measure_future(&start, &locals, &quote!(async move { #(#inner)* }));
        future.block.stmts = syn::parse_quote!(#measured);
        return quote!(#function);
    } else {
        measure_call(&start, &locals, &output, &function.block)
    };
    *function.block = syn::parse_quote!({ #new_body });
    quote!(#function)
}

/// `let guard = { static SITE: CallSite = ..; SITE.start() };`
///
/// The static sits in its own block: one per call site, resolved on the first
/// call and never visible to the user's code.
fn start_guard(args: &MeteredArgs, locals: &Locals) -> TokenStream {
    let MeteredArgs { module, op, kind } = args;
    let kind = kind
        .as_ref()
        .map_or_else(|| quote!(""), |kind| quote!(#kind));
    let guard = &locals.guard;
    quote! {
        let #guard = {
            static SITE: ::rustok_metrics::__private::CallSite =
                ::rustok_metrics::__private::CallSite::new(#module, #op, #kind);
            SITE.start()
        };
    }
}

// Input:
//     fn f(x: X) -> Ret { body }
// Output:
//     fn f(x: X) -> Ret {
//         let guard = ..;
//         let result = ::rustok_metrics::__private::call::<Ret, _>(move || body);
//         guard.finish(status_of!(&result));
//         result
//     }
//
// The closure turns the body's `return` and `?` into a value we can classify;
// `call::<Ret, _>` gives the closure the function's return type before the
// body is checked, so returns and `?` convert exactly as they did.
fn measure_call(start: &TokenStream, locals: &Locals, output: &Type, body: &Block) -> TokenStream {
    let Locals { guard, result } = locals;
    quote! {
        #start
        let #result = ::rustok_metrics::__private::call::<#output, _>(move || #body);
        #guard.finish(::rustok_metrics::__private::status_of!(&#result));
        #result
    }
}

// Input:
//     async fn f(x: X) -> Ret { body }
// Output:
//     async fn f(x: X) -> Ret {
//         let guard = ..;                       // first poll: the clock starts
//         let result = async move { body }.await;
//         guard.finish(status_of!(&result));    // dropped before this: cancelled
//         result
//     }
fn measure_future(start: &TokenStream, locals: &Locals, future: &TokenStream) -> TokenStream {
    let Locals { guard, result } = locals;
    quote! {
        #start
        let #result = #future.await;
        #guard.finish(::rustok_metrics::__private::status_of!(&#result));
        #result
    }
}

/// `async move { body }` whose output type is the function's, fixed before
/// the body is checked (the first `return`), so early returns and `?` convert
/// as they did, and the tail is checked against it (the `let`).
fn async_block(output: &Type, body: &Block) -> TokenStream {
    quote! {
        async move {
            if let ::core::option::Option::Some(value) =
                ::rustok_metrics::__private::output_hint::<#output>()
            {
                return value;
            }
            #[allow(unreachable_code)]
            let value: #output = #body;
            #[allow(unreachable_code)]
            value
        }
    }
}

/// The function's return type as it can be written inside its body: `()` when
/// omitted, and `_` for each `impl Trait`, which may not appear there.
fn value_type(output: &ReturnType) -> Type {
    match output {
        ReturnType::Default => syn::parse_quote!(()),
        ReturnType::Type(_, ty) => {
            let mut ty = (**ty).clone();
            ImplTraitToInfer.visit_type_mut(&mut ty);
            ty
        }
    }
}

struct ImplTraitToInfer;

impl VisitMut for ImplTraitToInfer {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(impl_trait) = ty {
            let underscore = syn::Token![_](syn::spanned::Spanned::span(impl_trait));
            *ty = syn::parse_quote!(#underscore);
        } else {
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
}
