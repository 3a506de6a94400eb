//! The macros of [`rustok-metrics`](https://docs.rs/rustok-metrics):
//! `#[metered]` and `#[derive(MetricLabel)]`.
//!
//! Depend on `rustok-metrics`, not on this crate: it re-exports both, and the
//! code they generate calls into it through `::rustok_metrics`. Renaming the
//! `rustok-metrics` dependency in `Cargo.toml` is therefore not supported.
//!
//! The attribute's pipeline, each stage taking the previous stage's type:
//! `target` (what it stands on: a function or an impl block) -> `args`
//! (parse into `RawArgs`, then validate into a `Site` or `ImplArgs`, and
//! `MethodArgs` for each method) -> `site` (what each call site records
//! under) -> `expand` (one function) and `impl_block` (each method).
//! `docs` writes the rustdoc section; `call_span` the call's own span
//! (`span`, `err`, `fields`); `future` finds where the call of a
//! sync function returning a future runs (`Box::pin(async move { .. })`, as
//! `#[async_trait]` writes it, and the like). The dispatcher, `metered_tokens`, is here.

#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod args;
mod call_span;
mod derive;
mod docs;
mod expand;
mod future;
mod impl_block;
mod site;
mod target;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::args::RawArgs;
use crate::target::{Target, parse_target};

/// Measures every call of a function, or of every method of an impl block.
/// See the `rustok-metrics` crate documentation.
#[proc_macro_attribute]
pub fn metered(
    attr: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    metered_tokens(attr.into(), item.into()).into()
}

/// Implements `rustok_metrics::MetricLabel` for an enum: each variant's name
/// in snake_case, or its `#[metric_label = "..."]`.
#[proc_macro_derive(MetricLabel, attributes(metric_label))]
pub fn derive_metric_label(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    derive::derive_metric_label(input.into()).into()
}

/// The whole attribute: on any error, the errors plus the item unchanged, so
/// the rest of the crate still type-checks.
fn metered_tokens(attr: TokenStream, item: TokenStream) -> TokenStream {
    let raw = syn::parse2::<RawArgs>(attr);
    let expanded = match parse_target(item.clone()) {
        Ok(Target::Function(mut function)) => raw
            .and_then(|raw| raw.into_site(Span::call_site()))
            .and_then(|site| {
                expand::instrument(
                    &site,
                    &mut function.attrs,
                    &function.sig,
                    &mut function.block,
                )?;
                Ok(quote!(#function))
            }),
        Ok(Target::Impl(block)) => raw
            .and_then(|raw| raw.into_impl_args(Span::call_site()))
            .map(|args| impl_block::instrument_impl(&args, block)),
        // The attribute stands where it cannot: which keys would be missing
        // there means nothing, only a malformed list is worth reporting too.
        Err(mut error) => {
            if let Err(syntax) = raw {
                error.combine(syntax);
            }
            Err(error)
        }
    };
    expanded.unwrap_or_else(|error| {
        let error = error.to_compile_error();
        quote!(#error #item)
    })
}
