//! The macros of [`rustok-metrics`](https://docs.rs/rustok-metrics):
//! `#[metered]` and `#[derive(MetricLabel)]`.
//!
//! Depend on `rustok-metrics`, not on this crate: it re-exports both, and the
//! code they generate calls into it through `::rustok_metrics`. Renaming the
//! `rustok-metrics` dependency in `Cargo.toml` is therefore not supported.
//!
//! The attribute's pipeline is `target` (what it stands on) -> `args` (parse
//! and validate for that place) -> `expand` (one function) or `impl_block`
//! (each method), with `docs` writing the rustdoc section and `async_trait`
//! recognising methods `#[async_trait]` already expanded.

mod args;
mod async_trait;
mod derive;
mod docs;
mod expand;
mod impl_block;
mod target;

use proc_macro::TokenStream;

/// Measures every call of a function, or of every method of an impl block.
/// See the `rustok-metrics` crate documentation.
#[proc_macro_attribute]
pub fn metered(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::metered(attr.into(), item.into()).into()
}

/// Implements `rustok_metrics::MetricLabel` for an enum: each variant's name
/// in snake_case, or its `#[metric_label = "..."]`.
#[proc_macro_derive(MetricLabel, attributes(metric_label))]
pub fn derive_metric_label(input: TokenStream) -> TokenStream {
    derive::derive_metric_label(input.into()).into()
}
