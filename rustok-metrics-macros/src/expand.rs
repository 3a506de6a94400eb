//! Generating a metered function.
//!
//! The generated code is kept to what a reviewer reads in a minute: a guard
//! from a per-site static, the user's block once, and one call that records
//! the outcome. The logic lives in `::rustok_metrics::__private`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Block, Ident, LitStr, ReturnType, Signature, Type};

use crate::args::{Kind, MeteredArgs, Placement, RawArgs};
use crate::target::{Target, parse_target};
use crate::{async_trait, docs, impl_block};

/// The whole attribute: on any error, the errors plus the item unchanged, so
/// the rest of the crate still type-checks.
pub fn metered(attr: TokenStream, item: TokenStream) -> TokenStream {
    let target = parse_target(item.clone());
    let placement = match &target {
        Ok(Target::Impl(_)) => Placement::Impl,
        _ => Placement::Function,
    };
    let args =
        syn::parse2::<RawArgs>(attr).and_then(|raw| raw.validate(placement, Span::call_site()));
    match (args, target) {
        (Ok(args), Ok(Target::Function(mut function))) => {
            let site = Site::of_function(&args, &function.sig);
            instrument(
                &site,
                &mut function.attrs,
                &function.sig,
                &mut function.block,
            );
            quote!(#function)
        }
        (Ok(args), Ok(Target::Impl(item))) => impl_block::instrument_impl(&args, item),
        (args, target) => {
            let errors = [args.err(), target.err()]
                .into_iter()
                .flatten()
                .map(|error| error.to_compile_error());
            quote!(#(#errors)* #item)
        }
    }
}

/// What one call site records under, with every default resolved.
pub struct Site {
    pub module: LitStr,
    pub op: LitStr,
    pub kind: Option<Kind>,
    pub docs: bool,
}

impl Site {
    /// A function's own attribute: `module` and `op` were required.
    fn of_function(args: &MeteredArgs, sig: &Signature) -> Self {
        Site {
            module: args
                .module
                .clone()
                .unwrap_or_else(|| LitStr::new("", Span::call_site())),
            op: args.op.clone().unwrap_or_else(|| method_op(sig)),
            kind: args.kind.clone(),
            docs: args.docs.as_ref().is_none_or(|flag| flag.value),
        }
    }
}

/// The operation a method of a metered impl records under by default: its name.
pub fn method_op(sig: &Signature) -> LitStr {
    LitStr::new(&sig.ident.unraw().to_string(), sig.ident.span())
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

/// Rewrites one function's block (and appends to its docs).
pub fn instrument(site: &Site, attrs: &mut Vec<Attribute>, sig: &Signature, block: &mut Block) {
    let locals = Locals::new();
    let start = start_guard(site, sig, &locals);
    let output = value_type(&sig.output);
    if site.docs {
        attrs.extend(docs::metrics_section(site));
    }

    if sig.asyncness.is_some() {
        let measured = measure_future(&start, &locals, &async_block(&output, block));
        *block = syn::parse_quote!({ #measured });
    } else if let Some(future) = async_trait::boxed_async_block(block) {
        // `#[async_trait]` expanded first: measure inside the boxed future,
        // where the call really runs, and classify its output.
        let inner = std::mem::take(&mut future.block.stmts);
        let measured = measure_future(&start, &locals, &quote!(async move { #(#inner)* }));
        future.block.stmts = syn::parse_quote!(#measured);
    } else {
        let measured = measure_call(&start, &locals, &output, block);
        *block = syn::parse_quote!({ #measured });
    }
}

/// `let guard = { static SITE: CallSite = ..; submit!(SITE); SITE.start() };`
///
/// The static sits in its own block: one per call site, registered before
/// `main` for the catalogue, and never visible to the user's code. A computed
/// kind is evaluated here, before the body runs.
fn start_guard(site: &Site, sig: &Signature, locals: &Locals) -> TokenStream {
    let Site {
        module, op, kind, ..
    } = site;
    let line = sig.ident.span().start().line;
    let line = u32::try_from(line).unwrap_or(0);
    let (static_kind, computed, start) = match kind {
        None => (quote!(""), false, quote!(SITE.start())),
        Some(Kind::Static(kind)) => (quote!(#kind), false, quote!(SITE.start())),
        Some(Kind::Computed(expr)) => {
            // Spanned on the expression, so a type that cannot be a label is
            // reported there.
            let value = quote_spanned!(expr.span()=>
                ::rustok_metrics::__private::IntoKind::kind_value(&(#expr))
            );
            (quote!(""), true, quote!(SITE.start_with(#value)))
        }
    };
    let guard = &locals.guard;
    quote! {
        let #guard = {
            static SITE: ::rustok_metrics::__private::CallSite =
                ::rustok_metrics::__private::CallSite::new(
                    #module, #op, #static_kind, #computed, ::core::file!(), #line,
                );
            ::rustok_metrics::__private::inventory::submit! {
                ::rustok_metrics::__private::SiteEntry(&SITE)
            }
            #start
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
            let underscore = syn::Token![_](impl_trait.span());
            *ty = syn::parse_quote!(#underscore);
        } else {
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
}
